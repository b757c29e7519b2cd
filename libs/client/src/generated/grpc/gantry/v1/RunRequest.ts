// Original file: contracts/proto/gantry/v1/execution.proto


export interface RunRequest {
  'deploymentId'?: (string);
}

export interface RunRequest__Output {
  'deploymentId': (string);
}
