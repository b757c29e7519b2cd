// Original file: contracts/proto/gantry/v1/deployments.proto


export interface Promotion {
  'through'?: (string);
  'environments'?: ({[key: string]: string});
  'authorisations'?: ({[key: string]: string});
}

export interface Promotion__Output {
  'through': (string);
  'environments': ({[key: string]: string});
  'authorisations': ({[key: string]: string});
}
