// Original file: contracts/proto/gantry/v1/deployments.proto


export interface AuthorisedBy {
  'way'?: (string);
  'by'?: (string);
  'keyId'?: (string);
  'source'?: (string);
  'eventId'?: (string);
  '_keyId'?: "keyId";
  '_source'?: "source";
  '_eventId'?: "eventId";
}

export interface AuthorisedBy__Output {
  'way': (string);
  'by': (string);
  'keyId'?: (string);
  'source'?: (string);
  'eventId'?: (string);
  '_keyId'?: "keyId";
  '_source'?: "source";
  '_eventId'?: "eventId";
}
