// Original file: contracts/proto/gantry/v1/deployments.proto


export interface Window {
  'start'?: (string);
  'end'?: (string);
}

export interface Window__Output {
  'start': (string);
  'end': (string);
}
