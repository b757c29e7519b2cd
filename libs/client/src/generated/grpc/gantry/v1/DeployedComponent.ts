// Original file: contracts/proto/gantry/v1/audit.proto


export interface DeployedComponent {
  'name'?: (string);
  'version'?: (string);
  'kind'?: (string);
  'digest'?: (string);
  '_digest'?: "digest";
}

export interface DeployedComponent__Output {
  'name': (string);
  'version': (string);
  'kind': (string);
  'digest'?: (string);
  '_digest'?: "digest";
}
