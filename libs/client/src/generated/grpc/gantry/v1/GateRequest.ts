// Original file: contracts/proto/gantry/v1/execution.proto


export interface GateRequest {
  'deploymentId'?: (string);
  'gate'?: (string);
  'reason'?: (string);
  '_reason'?: "reason";
}

export interface GateRequest__Output {
  'deploymentId': (string);
  'gate': (string);
  'reason'?: (string);
  '_reason'?: "reason";
}
