// Original file: contracts/proto/gantry/v1/audit.proto


export interface GetEnvironmentStateAsOfRequest {
  'environment'?: (string);
  'asOf'?: (string);
}

export interface GetEnvironmentStateAsOfRequest__Output {
  'environment': (string);
  'asOf': (string);
}
