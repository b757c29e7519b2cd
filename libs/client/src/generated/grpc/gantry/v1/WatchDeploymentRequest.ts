// Original file: contracts/proto/gantry/v1/deployments.proto


export interface WatchDeploymentRequest {
  'id'?: (string);
}

export interface WatchDeploymentRequest__Output {
  'id': (string);
}
