// Original file: contracts/proto/gantry/v1/execution.proto


export interface RollbackDecision {
  'deploymentId'?: (string);
  'rollback'?: (boolean);
}

export interface RollbackDecision__Output {
  'deploymentId': (string);
  'rollback': (boolean);
}
