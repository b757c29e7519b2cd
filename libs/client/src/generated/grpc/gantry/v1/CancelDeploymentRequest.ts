// Original file: contracts/proto/gantry/v1/deployments.proto


export interface CancelDeploymentRequest {
  'id'?: (string);
  'reason'?: (string);
  'expectedVersion'?: (number);
}

export interface CancelDeploymentRequest__Output {
  'id': (string);
  'reason': (string);
  'expectedVersion': (number);
}
