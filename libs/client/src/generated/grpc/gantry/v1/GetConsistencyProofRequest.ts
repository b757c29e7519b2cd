// Original file: contracts/proto/gantry/v1/audit.proto

import type { Long } from '@grpc/proto-loader';

export interface GetConsistencyProofRequest {
  'from'?: (number | string | Long);
  'to'?: (number | string | Long);
  '_to'?: "to";
}

export interface GetConsistencyProofRequest__Output {
  'from': (string);
  'to'?: (string);
  '_to'?: "to";
}
