// Original file: contracts/proto/gantry/v1/deployments.proto


export interface Component {
  'name'?: (string);
  'version'?: (string);
  'kind'?: (string);
  'digest'?: (string);
  '_digest'?: "digest";
}

export interface Component__Output {
  'name': (string);
  'version': (string);
  'kind': (string);
  'digest'?: (string);
  '_digest'?: "digest";
}
