// Original file: contracts/proto/gantry/v1/deployments.proto


export interface GetDeploymentRequest {
  'id'?: (string);
}

export interface GetDeploymentRequest__Output {
  'id': (string);
}
