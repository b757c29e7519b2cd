// Original file: contracts/proto/gantry/v1/audit.proto

import type { Long } from '@grpc/proto-loader';

export interface GetInclusionProofRequest {
  'position'?: (number | string | Long);
  'treeSize'?: (number | string | Long);
  '_treeSize'?: "treeSize";
}

export interface GetInclusionProofRequest__Output {
  'position': (string);
  'treeSize'?: (string);
  '_treeSize'?: "treeSize";
}
