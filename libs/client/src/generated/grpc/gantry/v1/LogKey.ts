// Original file: contracts/proto/gantry/v1/audit.proto


export interface LogKey {
  'origin'?: (string);
  'verifierKey'?: (string);
  'keyId'?: (string);
  'algorithm'?: (string);
}

export interface LogKey__Output {
  'origin': (string);
  'verifierKey': (string);
  'keyId': (string);
  'algorithm': (string);
}
