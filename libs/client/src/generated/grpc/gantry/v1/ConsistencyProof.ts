// Original file: contracts/proto/gantry/v1/audit.proto

import type { Long } from '@grpc/proto-loader';

export interface ConsistencyProof {
  'from'?: (number | string | Long);
  'to'?: (number | string | Long);
  'hashes'?: (string)[];
  'fromCheckpoint'?: (string);
  'toCheckpoint'?: (string);
  '_fromCheckpoint'?: "fromCheckpoint";
  '_toCheckpoint'?: "toCheckpoint";
}

export interface ConsistencyProof__Output {
  'from': (string);
  'to': (string);
  'hashes': (string)[];
  'fromCheckpoint'?: (string);
  'toCheckpoint'?: (string);
  '_fromCheckpoint'?: "fromCheckpoint";
  '_toCheckpoint'?: "toCheckpoint";
}
