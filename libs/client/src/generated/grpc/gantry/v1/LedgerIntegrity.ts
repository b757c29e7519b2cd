// Original file: contracts/proto/gantry/v1/audit.proto

import type { BrokenEntry as _gantry_v1_BrokenEntry, BrokenEntry__Output as _gantry_v1_BrokenEntry__Output } from '../../gantry/v1/BrokenEntry';
import type { Long } from '@grpc/proto-loader';

export interface LedgerIntegrity {
  'verified'?: (boolean);
  'checkpointTreeSize'?: (number | string | Long);
  'checkpointMadeAt'?: (string);
  'notCheckpointed'?: (number | string | Long)[];
  'firstFailure'?: (_gantry_v1_BrokenEntry | null);
  '_checkpointTreeSize'?: "checkpointTreeSize";
  '_checkpointMadeAt'?: "checkpointMadeAt";
  '_firstFailure'?: "firstFailure";
}

export interface LedgerIntegrity__Output {
  'verified': (boolean);
  'checkpointTreeSize'?: (string);
  'checkpointMadeAt'?: (string);
  'notCheckpointed': (string)[];
  'firstFailure'?: (_gantry_v1_BrokenEntry__Output | null);
  '_checkpointTreeSize'?: "checkpointTreeSize";
  '_checkpointMadeAt'?: "checkpointMadeAt";
  '_firstFailure'?: "firstFailure";
}
