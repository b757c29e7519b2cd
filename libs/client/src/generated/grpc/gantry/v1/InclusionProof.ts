// Original file: contracts/proto/gantry/v1/audit.proto

import type { ProvenEntry as _gantry_v1_ProvenEntry, ProvenEntry__Output as _gantry_v1_ProvenEntry__Output } from '../../gantry/v1/ProvenEntry';
import type { Long } from '@grpc/proto-loader';

export interface InclusionProof {
  'treeSize'?: (number | string | Long);
  'checkpoint'?: (string);
  'entries'?: (_gantry_v1_ProvenEntry)[];
  '_checkpoint'?: "checkpoint";
}

export interface InclusionProof__Output {
  'treeSize': (string);
  'checkpoint'?: (string);
  'entries': (_gantry_v1_ProvenEntry__Output)[];
  '_checkpoint'?: "checkpoint";
}
