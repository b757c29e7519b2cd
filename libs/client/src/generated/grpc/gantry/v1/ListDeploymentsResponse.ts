// Original file: contracts/proto/gantry/v1/deployments.proto

import type { Deployment as _gantry_v1_Deployment, Deployment__Output as _gantry_v1_Deployment__Output } from '../../gantry/v1/Deployment';

export interface ListDeploymentsResponse {
  'deployments'?: (_gantry_v1_Deployment)[];
}

export interface ListDeploymentsResponse__Output {
  'deployments': (_gantry_v1_Deployment__Output)[];
}
