// Original file: contracts/proto/gantry/v1/audit.proto

import type { BrokenEntry as _gantry_v1_BrokenEntry, BrokenEntry__Output as _gantry_v1_BrokenEntry__Output } from '../../gantry/v1/BrokenEntry';
import type { Long } from '@grpc/proto-loader';

export interface LedgerVerification {
  'intact'?: (boolean);
  'from'?: (number | string | Long);
  'to'?: (number | string | Long);
  'checked'?: (number | string | Long);
  'firstBroken'?: (_gantry_v1_BrokenEntry | null);
  '_firstBroken'?: "firstBroken";
}

export interface LedgerVerification__Output {
  'intact': (boolean);
  'from': (string);
  'to': (string);
  'checked': (string);
  'firstBroken'?: (_gantry_v1_BrokenEntry__Output | null);
  '_firstBroken'?: "firstBroken";
}
