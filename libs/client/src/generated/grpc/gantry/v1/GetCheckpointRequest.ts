// Original file: contracts/proto/gantry/v1/audit.proto

import type { Long } from '@grpc/proto-loader';

export interface GetCheckpointRequest {
  'size'?: (number | string | Long);
  '_size'?: "size";
}

export interface GetCheckpointRequest__Output {
  'size'?: (string);
  '_size'?: "size";
}
