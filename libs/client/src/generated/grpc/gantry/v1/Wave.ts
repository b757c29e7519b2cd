// Original file: contracts/proto/gantry/v1/deployments.proto


export interface Wave {
  'index'?: (number);
  'targets'?: (string)[];
}

export interface Wave__Output {
  'index': (number);
  'targets': (string)[];
}
