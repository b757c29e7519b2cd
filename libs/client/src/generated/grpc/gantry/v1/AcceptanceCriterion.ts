// Original file: contracts/proto/gantry/v1/deployments.proto


export interface AcceptanceCriterion {
  'type'?: (string);
  'description'?: (string);
  'params'?: ({[key: string]: string});
}

export interface AcceptanceCriterion__Output {
  'type': (string);
  'description': (string);
  'params': ({[key: string]: string});
}
