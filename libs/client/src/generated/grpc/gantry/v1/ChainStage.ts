// Original file: contracts/proto/gantry/v1/deployments.proto


export interface ChainStage {
  'chainId'?: (string);
  'stage'?: (number);
  'of'?: (number);
  'environments'?: (string)[];
}

export interface ChainStage__Output {
  'chainId': (string);
  'stage': (number);
  'of': (number);
  'environments': (string)[];
}
