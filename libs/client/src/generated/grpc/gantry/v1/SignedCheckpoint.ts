// Original file: contracts/proto/gantry/v1/audit.proto

import type { Long } from '@grpc/proto-loader';

export interface SignedCheckpoint {
  'treeSize'?: (number | string | Long);
  'madeAt'?: (string);
  'note'?: (string);
}

export interface SignedCheckpoint__Output {
  'treeSize': (string);
  'madeAt': (string);
  'note': (string);
}
