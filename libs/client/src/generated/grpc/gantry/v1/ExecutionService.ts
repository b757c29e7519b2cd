// Original file: contracts/proto/gantry/v1/execution.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { GateRequest as _gantry_v1_GateRequest, GateRequest__Output as _gantry_v1_GateRequest__Output } from '../../gantry/v1/GateRequest';
import type { RollbackDecision as _gantry_v1_RollbackDecision, RollbackDecision__Output as _gantry_v1_RollbackDecision__Output } from '../../gantry/v1/RollbackDecision';
import type { Run as _gantry_v1_Run, Run__Output as _gantry_v1_Run__Output } from '../../gantry/v1/Run';
import type { RunRequest as _gantry_v1_RunRequest, RunRequest__Output as _gantry_v1_RunRequest__Output } from '../../gantry/v1/RunRequest';

export interface ExecutionServiceClient extends grpc.Client {
  AbortRun(argument: _gantry_v1_RunRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  AbortRun(argument: _gantry_v1_RunRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  AbortRun(argument: _gantry_v1_RunRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  AbortRun(argument: _gantry_v1_RunRequest, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  abortRun(argument: _gantry_v1_RunRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  abortRun(argument: _gantry_v1_RunRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  abortRun(argument: _gantry_v1_RunRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  abortRun(argument: _gantry_v1_RunRequest, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  
  ApproveGate(argument: _gantry_v1_GateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  ApproveGate(argument: _gantry_v1_GateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  ApproveGate(argument: _gantry_v1_GateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  ApproveGate(argument: _gantry_v1_GateRequest, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  approveGate(argument: _gantry_v1_GateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  approveGate(argument: _gantry_v1_GateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  approveGate(argument: _gantry_v1_GateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  approveGate(argument: _gantry_v1_GateRequest, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  
  DecideRollback(argument: _gantry_v1_RollbackDecision, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  DecideRollback(argument: _gantry_v1_RollbackDecision, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  DecideRollback(argument: _gantry_v1_RollbackDecision, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  DecideRollback(argument: _gantry_v1_RollbackDecision, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  decideRollback(argument: _gantry_v1_RollbackDecision, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  decideRollback(argument: _gantry_v1_RollbackDecision, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  decideRollback(argument: _gantry_v1_RollbackDecision, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  decideRollback(argument: _gantry_v1_RollbackDecision, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  
  DenyGate(argument: _gantry_v1_GateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  DenyGate(argument: _gantry_v1_GateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  DenyGate(argument: _gantry_v1_GateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  DenyGate(argument: _gantry_v1_GateRequest, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  denyGate(argument: _gantry_v1_GateRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  denyGate(argument: _gantry_v1_GateRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  denyGate(argument: _gantry_v1_GateRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  denyGate(argument: _gantry_v1_GateRequest, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  
  GetRun(argument: _gantry_v1_RunRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  GetRun(argument: _gantry_v1_RunRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  GetRun(argument: _gantry_v1_RunRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  GetRun(argument: _gantry_v1_RunRequest, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  getRun(argument: _gantry_v1_RunRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  getRun(argument: _gantry_v1_RunRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  getRun(argument: _gantry_v1_RunRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  getRun(argument: _gantry_v1_RunRequest, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  
  PauseRun(argument: _gantry_v1_RunRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  PauseRun(argument: _gantry_v1_RunRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  PauseRun(argument: _gantry_v1_RunRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  PauseRun(argument: _gantry_v1_RunRequest, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  pauseRun(argument: _gantry_v1_RunRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  pauseRun(argument: _gantry_v1_RunRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  pauseRun(argument: _gantry_v1_RunRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  pauseRun(argument: _gantry_v1_RunRequest, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  
  ResumeRun(argument: _gantry_v1_RunRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  ResumeRun(argument: _gantry_v1_RunRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  ResumeRun(argument: _gantry_v1_RunRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  ResumeRun(argument: _gantry_v1_RunRequest, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  resumeRun(argument: _gantry_v1_RunRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  resumeRun(argument: _gantry_v1_RunRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  resumeRun(argument: _gantry_v1_RunRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  resumeRun(argument: _gantry_v1_RunRequest, callback: grpc.requestCallback<_gantry_v1_Run__Output>): grpc.ClientUnaryCall;
  
}

export interface ExecutionServiceHandlers extends grpc.UntypedServiceImplementation {
  AbortRun: grpc.handleUnaryCall<_gantry_v1_RunRequest__Output, _gantry_v1_Run>;
  
  ApproveGate: grpc.handleUnaryCall<_gantry_v1_GateRequest__Output, _gantry_v1_Run>;
  
  DecideRollback: grpc.handleUnaryCall<_gantry_v1_RollbackDecision__Output, _gantry_v1_Run>;
  
  DenyGate: grpc.handleUnaryCall<_gantry_v1_GateRequest__Output, _gantry_v1_Run>;
  
  GetRun: grpc.handleUnaryCall<_gantry_v1_RunRequest__Output, _gantry_v1_Run>;
  
  PauseRun: grpc.handleUnaryCall<_gantry_v1_RunRequest__Output, _gantry_v1_Run>;
  
  ResumeRun: grpc.handleUnaryCall<_gantry_v1_RunRequest__Output, _gantry_v1_Run>;
  
}

export interface ExecutionServiceDefinition extends grpc.ServiceDefinition {
  AbortRun: MethodDefinition<_gantry_v1_RunRequest, _gantry_v1_Run, _gantry_v1_RunRequest__Output, _gantry_v1_Run__Output>
  ApproveGate: MethodDefinition<_gantry_v1_GateRequest, _gantry_v1_Run, _gantry_v1_GateRequest__Output, _gantry_v1_Run__Output>
  DecideRollback: MethodDefinition<_gantry_v1_RollbackDecision, _gantry_v1_Run, _gantry_v1_RollbackDecision__Output, _gantry_v1_Run__Output>
  DenyGate: MethodDefinition<_gantry_v1_GateRequest, _gantry_v1_Run, _gantry_v1_GateRequest__Output, _gantry_v1_Run__Output>
  GetRun: MethodDefinition<_gantry_v1_RunRequest, _gantry_v1_Run, _gantry_v1_RunRequest__Output, _gantry_v1_Run__Output>
  PauseRun: MethodDefinition<_gantry_v1_RunRequest, _gantry_v1_Run, _gantry_v1_RunRequest__Output, _gantry_v1_Run__Output>
  ResumeRun: MethodDefinition<_gantry_v1_RunRequest, _gantry_v1_Run, _gantry_v1_RunRequest__Output, _gantry_v1_Run__Output>
}
