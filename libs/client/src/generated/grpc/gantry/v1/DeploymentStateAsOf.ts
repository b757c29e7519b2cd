// Original file: contracts/proto/gantry/v1/audit.proto

import type { Long } from '@grpc/proto-loader';

export interface DeploymentStateAsOf {
  'deploymentId'?: (string);
  'asOf'?: (string);
  'ledgerPosition'?: (number | string | Long);
  'stateJson'?: (string);
}

export interface DeploymentStateAsOf__Output {
  'deploymentId': (string);
  'asOf': (string);
  'ledgerPosition': (string);
  'stateJson': (string);
}
