// Original file: contracts/proto/gantry/v1/audit.proto


export interface Approval {
  'gate'?: (string);
  'by'?: (string);
  'role'?: (string);
  'grantedAt'?: (string);
  'comment'?: (string);
  '_comment'?: "comment";
}

export interface Approval__Output {
  'gate': (string);
  'by': (string);
  'role': (string);
  'grantedAt': (string);
  'comment'?: (string);
  '_comment'?: "comment";
}
