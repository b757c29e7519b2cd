// Original file: contracts/proto/gantry/v1/deployments.proto

import type { Deployment as _gantry_v1_Deployment, Deployment__Output as _gantry_v1_Deployment__Output } from '../../gantry/v1/Deployment';

export interface DeploymentUpdate {
  'deployment'?: (_gantry_v1_Deployment | null);
  'final'?: (boolean);
}

export interface DeploymentUpdate__Output {
  'deployment': (_gantry_v1_Deployment__Output | null);
  'final': (boolean);
}
