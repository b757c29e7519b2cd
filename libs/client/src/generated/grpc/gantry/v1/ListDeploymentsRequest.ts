// Original file: contracts/proto/gantry/v1/deployments.proto


export interface ListDeploymentsRequest {
  'environment'?: (string);
  'status'?: (string);
  'limit'?: (number);
  '_environment'?: "environment";
  '_status'?: "status";
}

export interface ListDeploymentsRequest__Output {
  'environment'?: (string);
  'status'?: (string);
  'limit': (number);
  '_environment'?: "environment";
  '_status'?: "status";
}
