// Original file: contracts/proto/gantry/v1/audit.proto

import type { Long } from '@grpc/proto-loader';

export interface GetDeploymentBundleRequest {
  'deploymentId'?: (string);
  'treeSize'?: (number | string | Long);
  '_treeSize'?: "treeSize";
}

export interface GetDeploymentBundleRequest__Output {
  'deploymentId': (string);
  'treeSize'?: (string);
  '_treeSize'?: "treeSize";
}
