// Original file: contracts/proto/gantry/v1/audit.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ConsistencyProof as _gantry_v1_ConsistencyProof, ConsistencyProof__Output as _gantry_v1_ConsistencyProof__Output } from '../../gantry/v1/ConsistencyProof';
import type { DeploymentBundle as _gantry_v1_DeploymentBundle, DeploymentBundle__Output as _gantry_v1_DeploymentBundle__Output } from '../../gantry/v1/DeploymentBundle';
import type { DeploymentHistory as _gantry_v1_DeploymentHistory, DeploymentHistory__Output as _gantry_v1_DeploymentHistory__Output } from '../../gantry/v1/DeploymentHistory';
import type { DeploymentStateAsOf as _gantry_v1_DeploymentStateAsOf, DeploymentStateAsOf__Output as _gantry_v1_DeploymentStateAsOf__Output } from '../../gantry/v1/DeploymentStateAsOf';
import type { EnvironmentStateAsOf as _gantry_v1_EnvironmentStateAsOf, EnvironmentStateAsOf__Output as _gantry_v1_EnvironmentStateAsOf__Output } from '../../gantry/v1/EnvironmentStateAsOf';
import type { ExportEventsRequest as _gantry_v1_ExportEventsRequest, ExportEventsRequest__Output as _gantry_v1_ExportEventsRequest__Output } from '../../gantry/v1/ExportEventsRequest';
import type { GetCheckpointRequest as _gantry_v1_GetCheckpointRequest, GetCheckpointRequest__Output as _gantry_v1_GetCheckpointRequest__Output } from '../../gantry/v1/GetCheckpointRequest';
import type { GetConsistencyProofRequest as _gantry_v1_GetConsistencyProofRequest, GetConsistencyProofRequest__Output as _gantry_v1_GetConsistencyProofRequest__Output } from '../../gantry/v1/GetConsistencyProofRequest';
import type { GetDeploymentBundleRequest as _gantry_v1_GetDeploymentBundleRequest, GetDeploymentBundleRequest__Output as _gantry_v1_GetDeploymentBundleRequest__Output } from '../../gantry/v1/GetDeploymentBundleRequest';
import type { GetDeploymentHistoryRequest as _gantry_v1_GetDeploymentHistoryRequest, GetDeploymentHistoryRequest__Output as _gantry_v1_GetDeploymentHistoryRequest__Output } from '../../gantry/v1/GetDeploymentHistoryRequest';
import type { GetDeploymentStateAsOfRequest as _gantry_v1_GetDeploymentStateAsOfRequest, GetDeploymentStateAsOfRequest__Output as _gantry_v1_GetDeploymentStateAsOfRequest__Output } from '../../gantry/v1/GetDeploymentStateAsOfRequest';
import type { GetEnvironmentStateAsOfRequest as _gantry_v1_GetEnvironmentStateAsOfRequest, GetEnvironmentStateAsOfRequest__Output as _gantry_v1_GetEnvironmentStateAsOfRequest__Output } from '../../gantry/v1/GetEnvironmentStateAsOfRequest';
import type { GetInclusionProofRequest as _gantry_v1_GetInclusionProofRequest, GetInclusionProofRequest__Output as _gantry_v1_GetInclusionProofRequest__Output } from '../../gantry/v1/GetInclusionProofRequest';
import type { GetLogKeyRequest as _gantry_v1_GetLogKeyRequest, GetLogKeyRequest__Output as _gantry_v1_GetLogKeyRequest__Output } from '../../gantry/v1/GetLogKeyRequest';
import type { InclusionProof as _gantry_v1_InclusionProof, InclusionProof__Output as _gantry_v1_InclusionProof__Output } from '../../gantry/v1/InclusionProof';
import type { LedgerEntry as _gantry_v1_LedgerEntry, LedgerEntry__Output as _gantry_v1_LedgerEntry__Output } from '../../gantry/v1/LedgerEntry';
import type { LedgerVerification as _gantry_v1_LedgerVerification, LedgerVerification__Output as _gantry_v1_LedgerVerification__Output } from '../../gantry/v1/LedgerVerification';
import type { LogKey as _gantry_v1_LogKey, LogKey__Output as _gantry_v1_LogKey__Output } from '../../gantry/v1/LogKey';
import type { SignedCheckpoint as _gantry_v1_SignedCheckpoint, SignedCheckpoint__Output as _gantry_v1_SignedCheckpoint__Output } from '../../gantry/v1/SignedCheckpoint';
import type { VerifyLedgerRequest as _gantry_v1_VerifyLedgerRequest, VerifyLedgerRequest__Output as _gantry_v1_VerifyLedgerRequest__Output } from '../../gantry/v1/VerifyLedgerRequest';

export interface AuditServiceClient extends grpc.Client {
  ExportEvents(argument: _gantry_v1_ExportEventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_gantry_v1_LedgerEntry__Output>;
  ExportEvents(argument: _gantry_v1_ExportEventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_gantry_v1_LedgerEntry__Output>;
  exportEvents(argument: _gantry_v1_ExportEventsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_gantry_v1_LedgerEntry__Output>;
  exportEvents(argument: _gantry_v1_ExportEventsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_gantry_v1_LedgerEntry__Output>;
  
  GetCheckpoint(argument: _gantry_v1_GetCheckpointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_SignedCheckpoint__Output>): grpc.ClientUnaryCall;
  GetCheckpoint(argument: _gantry_v1_GetCheckpointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_SignedCheckpoint__Output>): grpc.ClientUnaryCall;
  GetCheckpoint(argument: _gantry_v1_GetCheckpointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_SignedCheckpoint__Output>): grpc.ClientUnaryCall;
  GetCheckpoint(argument: _gantry_v1_GetCheckpointRequest, callback: grpc.requestCallback<_gantry_v1_SignedCheckpoint__Output>): grpc.ClientUnaryCall;
  getCheckpoint(argument: _gantry_v1_GetCheckpointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_SignedCheckpoint__Output>): grpc.ClientUnaryCall;
  getCheckpoint(argument: _gantry_v1_GetCheckpointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_SignedCheckpoint__Output>): grpc.ClientUnaryCall;
  getCheckpoint(argument: _gantry_v1_GetCheckpointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_SignedCheckpoint__Output>): grpc.ClientUnaryCall;
  getCheckpoint(argument: _gantry_v1_GetCheckpointRequest, callback: grpc.requestCallback<_gantry_v1_SignedCheckpoint__Output>): grpc.ClientUnaryCall;
  
  GetConsistencyProof(argument: _gantry_v1_GetConsistencyProofRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_ConsistencyProof__Output>): grpc.ClientUnaryCall;
  GetConsistencyProof(argument: _gantry_v1_GetConsistencyProofRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_ConsistencyProof__Output>): grpc.ClientUnaryCall;
  GetConsistencyProof(argument: _gantry_v1_GetConsistencyProofRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_ConsistencyProof__Output>): grpc.ClientUnaryCall;
  GetConsistencyProof(argument: _gantry_v1_GetConsistencyProofRequest, callback: grpc.requestCallback<_gantry_v1_ConsistencyProof__Output>): grpc.ClientUnaryCall;
  getConsistencyProof(argument: _gantry_v1_GetConsistencyProofRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_ConsistencyProof__Output>): grpc.ClientUnaryCall;
  getConsistencyProof(argument: _gantry_v1_GetConsistencyProofRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_ConsistencyProof__Output>): grpc.ClientUnaryCall;
  getConsistencyProof(argument: _gantry_v1_GetConsistencyProofRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_ConsistencyProof__Output>): grpc.ClientUnaryCall;
  getConsistencyProof(argument: _gantry_v1_GetConsistencyProofRequest, callback: grpc.requestCallback<_gantry_v1_ConsistencyProof__Output>): grpc.ClientUnaryCall;
  
  GetDeploymentBundle(argument: _gantry_v1_GetDeploymentBundleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_DeploymentBundle__Output>): grpc.ClientUnaryCall;
  GetDeploymentBundle(argument: _gantry_v1_GetDeploymentBundleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_DeploymentBundle__Output>): grpc.ClientUnaryCall;
  GetDeploymentBundle(argument: _gantry_v1_GetDeploymentBundleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_DeploymentBundle__Output>): grpc.ClientUnaryCall;
  GetDeploymentBundle(argument: _gantry_v1_GetDeploymentBundleRequest, callback: grpc.requestCallback<_gantry_v1_DeploymentBundle__Output>): grpc.ClientUnaryCall;
  getDeploymentBundle(argument: _gantry_v1_GetDeploymentBundleRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_DeploymentBundle__Output>): grpc.ClientUnaryCall;
  getDeploymentBundle(argument: _gantry_v1_GetDeploymentBundleRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_DeploymentBundle__Output>): grpc.ClientUnaryCall;
  getDeploymentBundle(argument: _gantry_v1_GetDeploymentBundleRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_DeploymentBundle__Output>): grpc.ClientUnaryCall;
  getDeploymentBundle(argument: _gantry_v1_GetDeploymentBundleRequest, callback: grpc.requestCallback<_gantry_v1_DeploymentBundle__Output>): grpc.ClientUnaryCall;
  
  GetDeploymentHistory(argument: _gantry_v1_GetDeploymentHistoryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_DeploymentHistory__Output>): grpc.ClientUnaryCall;
  GetDeploymentHistory(argument: _gantry_v1_GetDeploymentHistoryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_DeploymentHistory__Output>): grpc.ClientUnaryCall;
  GetDeploymentHistory(argument: _gantry_v1_GetDeploymentHistoryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_DeploymentHistory__Output>): grpc.ClientUnaryCall;
  GetDeploymentHistory(argument: _gantry_v1_GetDeploymentHistoryRequest, callback: grpc.requestCallback<_gantry_v1_DeploymentHistory__Output>): grpc.ClientUnaryCall;
  getDeploymentHistory(argument: _gantry_v1_GetDeploymentHistoryRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_DeploymentHistory__Output>): grpc.ClientUnaryCall;
  getDeploymentHistory(argument: _gantry_v1_GetDeploymentHistoryRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_DeploymentHistory__Output>): grpc.ClientUnaryCall;
  getDeploymentHistory(argument: _gantry_v1_GetDeploymentHistoryRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_DeploymentHistory__Output>): grpc.ClientUnaryCall;
  getDeploymentHistory(argument: _gantry_v1_GetDeploymentHistoryRequest, callback: grpc.requestCallback<_gantry_v1_DeploymentHistory__Output>): grpc.ClientUnaryCall;
  
  GetDeploymentStateAsOf(argument: _gantry_v1_GetDeploymentStateAsOfRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_DeploymentStateAsOf__Output>): grpc.ClientUnaryCall;
  GetDeploymentStateAsOf(argument: _gantry_v1_GetDeploymentStateAsOfRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_DeploymentStateAsOf__Output>): grpc.ClientUnaryCall;
  GetDeploymentStateAsOf(argument: _gantry_v1_GetDeploymentStateAsOfRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_DeploymentStateAsOf__Output>): grpc.ClientUnaryCall;
  GetDeploymentStateAsOf(argument: _gantry_v1_GetDeploymentStateAsOfRequest, callback: grpc.requestCallback<_gantry_v1_DeploymentStateAsOf__Output>): grpc.ClientUnaryCall;
  getDeploymentStateAsOf(argument: _gantry_v1_GetDeploymentStateAsOfRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_DeploymentStateAsOf__Output>): grpc.ClientUnaryCall;
  getDeploymentStateAsOf(argument: _gantry_v1_GetDeploymentStateAsOfRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_DeploymentStateAsOf__Output>): grpc.ClientUnaryCall;
  getDeploymentStateAsOf(argument: _gantry_v1_GetDeploymentStateAsOfRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_DeploymentStateAsOf__Output>): grpc.ClientUnaryCall;
  getDeploymentStateAsOf(argument: _gantry_v1_GetDeploymentStateAsOfRequest, callback: grpc.requestCallback<_gantry_v1_DeploymentStateAsOf__Output>): grpc.ClientUnaryCall;
  
  GetEnvironmentStateAsOf(argument: _gantry_v1_GetEnvironmentStateAsOfRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_EnvironmentStateAsOf__Output>): grpc.ClientUnaryCall;
  GetEnvironmentStateAsOf(argument: _gantry_v1_GetEnvironmentStateAsOfRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_EnvironmentStateAsOf__Output>): grpc.ClientUnaryCall;
  GetEnvironmentStateAsOf(argument: _gantry_v1_GetEnvironmentStateAsOfRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_EnvironmentStateAsOf__Output>): grpc.ClientUnaryCall;
  GetEnvironmentStateAsOf(argument: _gantry_v1_GetEnvironmentStateAsOfRequest, callback: grpc.requestCallback<_gantry_v1_EnvironmentStateAsOf__Output>): grpc.ClientUnaryCall;
  getEnvironmentStateAsOf(argument: _gantry_v1_GetEnvironmentStateAsOfRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_EnvironmentStateAsOf__Output>): grpc.ClientUnaryCall;
  getEnvironmentStateAsOf(argument: _gantry_v1_GetEnvironmentStateAsOfRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_EnvironmentStateAsOf__Output>): grpc.ClientUnaryCall;
  getEnvironmentStateAsOf(argument: _gantry_v1_GetEnvironmentStateAsOfRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_EnvironmentStateAsOf__Output>): grpc.ClientUnaryCall;
  getEnvironmentStateAsOf(argument: _gantry_v1_GetEnvironmentStateAsOfRequest, callback: grpc.requestCallback<_gantry_v1_EnvironmentStateAsOf__Output>): grpc.ClientUnaryCall;
  
  GetInclusionProof(argument: _gantry_v1_GetInclusionProofRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_InclusionProof__Output>): grpc.ClientUnaryCall;
  GetInclusionProof(argument: _gantry_v1_GetInclusionProofRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_InclusionProof__Output>): grpc.ClientUnaryCall;
  GetInclusionProof(argument: _gantry_v1_GetInclusionProofRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_InclusionProof__Output>): grpc.ClientUnaryCall;
  GetInclusionProof(argument: _gantry_v1_GetInclusionProofRequest, callback: grpc.requestCallback<_gantry_v1_InclusionProof__Output>): grpc.ClientUnaryCall;
  getInclusionProof(argument: _gantry_v1_GetInclusionProofRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_InclusionProof__Output>): grpc.ClientUnaryCall;
  getInclusionProof(argument: _gantry_v1_GetInclusionProofRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_InclusionProof__Output>): grpc.ClientUnaryCall;
  getInclusionProof(argument: _gantry_v1_GetInclusionProofRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_InclusionProof__Output>): grpc.ClientUnaryCall;
  getInclusionProof(argument: _gantry_v1_GetInclusionProofRequest, callback: grpc.requestCallback<_gantry_v1_InclusionProof__Output>): grpc.ClientUnaryCall;
  
  GetLogKey(argument: _gantry_v1_GetLogKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_LogKey__Output>): grpc.ClientUnaryCall;
  GetLogKey(argument: _gantry_v1_GetLogKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_LogKey__Output>): grpc.ClientUnaryCall;
  GetLogKey(argument: _gantry_v1_GetLogKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_LogKey__Output>): grpc.ClientUnaryCall;
  GetLogKey(argument: _gantry_v1_GetLogKeyRequest, callback: grpc.requestCallback<_gantry_v1_LogKey__Output>): grpc.ClientUnaryCall;
  getLogKey(argument: _gantry_v1_GetLogKeyRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_LogKey__Output>): grpc.ClientUnaryCall;
  getLogKey(argument: _gantry_v1_GetLogKeyRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_LogKey__Output>): grpc.ClientUnaryCall;
  getLogKey(argument: _gantry_v1_GetLogKeyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_LogKey__Output>): grpc.ClientUnaryCall;
  getLogKey(argument: _gantry_v1_GetLogKeyRequest, callback: grpc.requestCallback<_gantry_v1_LogKey__Output>): grpc.ClientUnaryCall;
  
  VerifyLedger(argument: _gantry_v1_VerifyLedgerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_LedgerVerification__Output>): grpc.ClientUnaryCall;
  VerifyLedger(argument: _gantry_v1_VerifyLedgerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_LedgerVerification__Output>): grpc.ClientUnaryCall;
  VerifyLedger(argument: _gantry_v1_VerifyLedgerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_LedgerVerification__Output>): grpc.ClientUnaryCall;
  VerifyLedger(argument: _gantry_v1_VerifyLedgerRequest, callback: grpc.requestCallback<_gantry_v1_LedgerVerification__Output>): grpc.ClientUnaryCall;
  verifyLedger(argument: _gantry_v1_VerifyLedgerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_LedgerVerification__Output>): grpc.ClientUnaryCall;
  verifyLedger(argument: _gantry_v1_VerifyLedgerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_LedgerVerification__Output>): grpc.ClientUnaryCall;
  verifyLedger(argument: _gantry_v1_VerifyLedgerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_LedgerVerification__Output>): grpc.ClientUnaryCall;
  verifyLedger(argument: _gantry_v1_VerifyLedgerRequest, callback: grpc.requestCallback<_gantry_v1_LedgerVerification__Output>): grpc.ClientUnaryCall;
  
}

export interface AuditServiceHandlers extends grpc.UntypedServiceImplementation {
  ExportEvents: grpc.handleServerStreamingCall<_gantry_v1_ExportEventsRequest__Output, _gantry_v1_LedgerEntry>;
  
  GetCheckpoint: grpc.handleUnaryCall<_gantry_v1_GetCheckpointRequest__Output, _gantry_v1_SignedCheckpoint>;
  
  GetConsistencyProof: grpc.handleUnaryCall<_gantry_v1_GetConsistencyProofRequest__Output, _gantry_v1_ConsistencyProof>;
  
  GetDeploymentBundle: grpc.handleUnaryCall<_gantry_v1_GetDeploymentBundleRequest__Output, _gantry_v1_DeploymentBundle>;
  
  GetDeploymentHistory: grpc.handleUnaryCall<_gantry_v1_GetDeploymentHistoryRequest__Output, _gantry_v1_DeploymentHistory>;
  
  GetDeploymentStateAsOf: grpc.handleUnaryCall<_gantry_v1_GetDeploymentStateAsOfRequest__Output, _gantry_v1_DeploymentStateAsOf>;
  
  GetEnvironmentStateAsOf: grpc.handleUnaryCall<_gantry_v1_GetEnvironmentStateAsOfRequest__Output, _gantry_v1_EnvironmentStateAsOf>;
  
  GetInclusionProof: grpc.handleUnaryCall<_gantry_v1_GetInclusionProofRequest__Output, _gantry_v1_InclusionProof>;
  
  GetLogKey: grpc.handleUnaryCall<_gantry_v1_GetLogKeyRequest__Output, _gantry_v1_LogKey>;
  
  VerifyLedger: grpc.handleUnaryCall<_gantry_v1_VerifyLedgerRequest__Output, _gantry_v1_LedgerVerification>;
  
}

export interface AuditServiceDefinition extends grpc.ServiceDefinition {
  ExportEvents: MethodDefinition<_gantry_v1_ExportEventsRequest, _gantry_v1_LedgerEntry, _gantry_v1_ExportEventsRequest__Output, _gantry_v1_LedgerEntry__Output>
  GetCheckpoint: MethodDefinition<_gantry_v1_GetCheckpointRequest, _gantry_v1_SignedCheckpoint, _gantry_v1_GetCheckpointRequest__Output, _gantry_v1_SignedCheckpoint__Output>
  GetConsistencyProof: MethodDefinition<_gantry_v1_GetConsistencyProofRequest, _gantry_v1_ConsistencyProof, _gantry_v1_GetConsistencyProofRequest__Output, _gantry_v1_ConsistencyProof__Output>
  GetDeploymentBundle: MethodDefinition<_gantry_v1_GetDeploymentBundleRequest, _gantry_v1_DeploymentBundle, _gantry_v1_GetDeploymentBundleRequest__Output, _gantry_v1_DeploymentBundle__Output>
  GetDeploymentHistory: MethodDefinition<_gantry_v1_GetDeploymentHistoryRequest, _gantry_v1_DeploymentHistory, _gantry_v1_GetDeploymentHistoryRequest__Output, _gantry_v1_DeploymentHistory__Output>
  GetDeploymentStateAsOf: MethodDefinition<_gantry_v1_GetDeploymentStateAsOfRequest, _gantry_v1_DeploymentStateAsOf, _gantry_v1_GetDeploymentStateAsOfRequest__Output, _gantry_v1_DeploymentStateAsOf__Output>
  GetEnvironmentStateAsOf: MethodDefinition<_gantry_v1_GetEnvironmentStateAsOfRequest, _gantry_v1_EnvironmentStateAsOf, _gantry_v1_GetEnvironmentStateAsOfRequest__Output, _gantry_v1_EnvironmentStateAsOf__Output>
  GetInclusionProof: MethodDefinition<_gantry_v1_GetInclusionProofRequest, _gantry_v1_InclusionProof, _gantry_v1_GetInclusionProofRequest__Output, _gantry_v1_InclusionProof__Output>
  GetLogKey: MethodDefinition<_gantry_v1_GetLogKeyRequest, _gantry_v1_LogKey, _gantry_v1_GetLogKeyRequest__Output, _gantry_v1_LogKey__Output>
  VerifyLedger: MethodDefinition<_gantry_v1_VerifyLedgerRequest, _gantry_v1_LedgerVerification, _gantry_v1_VerifyLedgerRequest__Output, _gantry_v1_LedgerVerification__Output>
}
