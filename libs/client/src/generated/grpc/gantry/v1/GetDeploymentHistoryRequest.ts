// Original file: contracts/proto/gantry/v1/audit.proto


export interface GetDeploymentHistoryRequest {
  'deploymentId'?: (string);
  'waitForOutcomeSeconds'?: (number);
}

export interface GetDeploymentHistoryRequest__Output {
  'deploymentId': (string);
  'waitForOutcomeSeconds': (number);
}
