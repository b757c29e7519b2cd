import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { ExecutionServiceClient as _gantry_v1_ExecutionServiceClient, ExecutionServiceDefinition as _gantry_v1_ExecutionServiceDefinition } from './gantry/v1/ExecutionService';
import type { GateRequest as _gantry_v1_GateRequest, GateRequest__Output as _gantry_v1_GateRequest__Output } from './gantry/v1/GateRequest';
import type { RollbackDecision as _gantry_v1_RollbackDecision, RollbackDecision__Output as _gantry_v1_RollbackDecision__Output } from './gantry/v1/RollbackDecision';
import type { Run as _gantry_v1_Run, Run__Output as _gantry_v1_Run__Output } from './gantry/v1/Run';
import type { RunRequest as _gantry_v1_RunRequest, RunRequest__Output as _gantry_v1_RunRequest__Output } from './gantry/v1/RunRequest';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  gantry: {
    v1: {
      ExecutionService: SubtypeConstructor<typeof grpc.Client, _gantry_v1_ExecutionServiceClient> & { service: _gantry_v1_ExecutionServiceDefinition }
      GateRequest: MessageTypeDefinition<_gantry_v1_GateRequest, _gantry_v1_GateRequest__Output>
      RollbackDecision: MessageTypeDefinition<_gantry_v1_RollbackDecision, _gantry_v1_RollbackDecision__Output>
      Run: MessageTypeDefinition<_gantry_v1_Run, _gantry_v1_Run__Output>
      RunRequest: MessageTypeDefinition<_gantry_v1_RunRequest, _gantry_v1_RunRequest__Output>
    }
  }
}

