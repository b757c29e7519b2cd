// Original file: contracts/proto/gantry/v1/deployments.proto

import type { Window as _gantry_v1_Window, Window__Output as _gantry_v1_Window__Output } from '../../gantry/v1/Window';

export interface RescheduleDeploymentRequest {
  'id'?: (string);
  'window'?: (_gantry_v1_Window | null);
  'expectedVersion'?: (number);
}

export interface RescheduleDeploymentRequest__Output {
  'id': (string);
  'window': (_gantry_v1_Window__Output | null);
  'expectedVersion': (number);
}
