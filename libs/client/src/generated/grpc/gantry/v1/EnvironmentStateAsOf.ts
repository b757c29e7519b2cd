// Original file: contracts/proto/gantry/v1/audit.proto

import type { DeployedService as _gantry_v1_DeployedService, DeployedService__Output as _gantry_v1_DeployedService__Output } from '../../gantry/v1/DeployedService';

export interface EnvironmentStateAsOf {
  'environment'?: (string);
  'asOf'?: (string);
  'services'?: (_gantry_v1_DeployedService)[];
}

export interface EnvironmentStateAsOf__Output {
  'environment': (string);
  'asOf': (string);
  'services': (_gantry_v1_DeployedService__Output)[];
}
