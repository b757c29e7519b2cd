// Original file: contracts/proto/gantry/v1/audit.proto

import type { Long } from '@grpc/proto-loader';

export interface ProvenEntry {
  'position'?: (number | string | Long);
  'leafIndex'?: (number | string | Long);
  'treeSize'?: (number | string | Long);
  'leafHash'?: (string);
  'hashes'?: (string)[];
  'entry'?: (string);
}

export interface ProvenEntry__Output {
  'position': (string);
  'leafIndex': (string);
  'treeSize': (string);
  'leafHash': (string);
  'hashes': (string)[];
  'entry': (string);
}
