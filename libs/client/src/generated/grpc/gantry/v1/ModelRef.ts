// Original file: contracts/proto/gantry/v1/deployments.proto


export interface ModelRef {
  'name'?: (string);
  'version'?: (number);
}

export interface ModelRef__Output {
  'name': (string);
  'version': (number);
}
