// Original file: contracts/proto/gantry/v1/audit.proto

import type { DeployedComponent as _gantry_v1_DeployedComponent, DeployedComponent__Output as _gantry_v1_DeployedComponent__Output } from '../../gantry/v1/DeployedComponent';
import type { Approval as _gantry_v1_Approval, Approval__Output as _gantry_v1_Approval__Output } from '../../gantry/v1/Approval';

export interface DeployedService {
  'service'?: (string);
  'deploymentId'?: (string);
  'changeId'?: (string);
  'releaseId'?: (string);
  'components'?: (_gantry_v1_DeployedComponent)[];
  'modelName'?: (string);
  'modelVersion'?: (number);
  'requestedBy'?: (string);
  'approvals'?: (_gantry_v1_Approval)[];
  'closedAt'?: (string);
  'liveSide'?: (string);
  '_changeId'?: "changeId";
  '_releaseId'?: "releaseId";
  '_modelName'?: "modelName";
  '_modelVersion'?: "modelVersion";
  '_requestedBy'?: "requestedBy";
  '_liveSide'?: "liveSide";
}

export interface DeployedService__Output {
  'service': (string);
  'deploymentId': (string);
  'changeId'?: (string);
  'releaseId'?: (string);
  'components': (_gantry_v1_DeployedComponent__Output)[];
  'modelName'?: (string);
  'modelVersion'?: (number);
  'requestedBy'?: (string);
  'approvals': (_gantry_v1_Approval__Output)[];
  'closedAt': (string);
  'liveSide'?: (string);
  '_changeId'?: "changeId";
  '_releaseId'?: "releaseId";
  '_modelName'?: "modelName";
  '_modelVersion'?: "modelVersion";
  '_requestedBy'?: "requestedBy";
  '_liveSide'?: "liveSide";
}
