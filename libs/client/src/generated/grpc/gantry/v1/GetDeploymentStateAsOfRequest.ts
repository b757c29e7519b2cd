// Original file: contracts/proto/gantry/v1/audit.proto


export interface GetDeploymentStateAsOfRequest {
  'deploymentId'?: (string);
  'asOf'?: (string);
}

export interface GetDeploymentStateAsOfRequest__Output {
  'deploymentId': (string);
  'asOf': (string);
}
