// Original file: contracts/proto/gantry/v1/execution.proto


export interface GateRequest {
  'deploymentId'?: (string);
  'gate'?: (string);
  'reason'?: (string);
  'comment'?: (string);
  '_reason'?: "reason";
  '_comment'?: "comment";
}

export interface GateRequest__Output {
  'deploymentId': (string);
  'gate': (string);
  'reason'?: (string);
  'comment'?: (string);
  '_reason'?: "reason";
  '_comment'?: "comment";
}
