import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Approval as _gantry_v1_Approval, Approval__Output as _gantry_v1_Approval__Output } from './gantry/v1/Approval';
import type { AuditServiceClient as _gantry_v1_AuditServiceClient, AuditServiceDefinition as _gantry_v1_AuditServiceDefinition } from './gantry/v1/AuditService';
import type { BrokenEntry as _gantry_v1_BrokenEntry, BrokenEntry__Output as _gantry_v1_BrokenEntry__Output } from './gantry/v1/BrokenEntry';
import type { ConsistencyProof as _gantry_v1_ConsistencyProof, ConsistencyProof__Output as _gantry_v1_ConsistencyProof__Output } from './gantry/v1/ConsistencyProof';
import type { DeployedComponent as _gantry_v1_DeployedComponent, DeployedComponent__Output as _gantry_v1_DeployedComponent__Output } from './gantry/v1/DeployedComponent';
import type { DeployedService as _gantry_v1_DeployedService, DeployedService__Output as _gantry_v1_DeployedService__Output } from './gantry/v1/DeployedService';
import type { DeploymentBundle as _gantry_v1_DeploymentBundle, DeploymentBundle__Output as _gantry_v1_DeploymentBundle__Output } from './gantry/v1/DeploymentBundle';
import type { DeploymentHistory as _gantry_v1_DeploymentHistory, DeploymentHistory__Output as _gantry_v1_DeploymentHistory__Output } from './gantry/v1/DeploymentHistory';
import type { DeploymentStateAsOf as _gantry_v1_DeploymentStateAsOf, DeploymentStateAsOf__Output as _gantry_v1_DeploymentStateAsOf__Output } from './gantry/v1/DeploymentStateAsOf';
import type { EnvironmentStateAsOf as _gantry_v1_EnvironmentStateAsOf, EnvironmentStateAsOf__Output as _gantry_v1_EnvironmentStateAsOf__Output } from './gantry/v1/EnvironmentStateAsOf';
import type { ExportEventsRequest as _gantry_v1_ExportEventsRequest, ExportEventsRequest__Output as _gantry_v1_ExportEventsRequest__Output } from './gantry/v1/ExportEventsRequest';
import type { GetCheckpointRequest as _gantry_v1_GetCheckpointRequest, GetCheckpointRequest__Output as _gantry_v1_GetCheckpointRequest__Output } from './gantry/v1/GetCheckpointRequest';
import type { GetConsistencyProofRequest as _gantry_v1_GetConsistencyProofRequest, GetConsistencyProofRequest__Output as _gantry_v1_GetConsistencyProofRequest__Output } from './gantry/v1/GetConsistencyProofRequest';
import type { GetDeploymentBundleRequest as _gantry_v1_GetDeploymentBundleRequest, GetDeploymentBundleRequest__Output as _gantry_v1_GetDeploymentBundleRequest__Output } from './gantry/v1/GetDeploymentBundleRequest';
import type { GetDeploymentHistoryRequest as _gantry_v1_GetDeploymentHistoryRequest, GetDeploymentHistoryRequest__Output as _gantry_v1_GetDeploymentHistoryRequest__Output } from './gantry/v1/GetDeploymentHistoryRequest';
import type { GetDeploymentStateAsOfRequest as _gantry_v1_GetDeploymentStateAsOfRequest, GetDeploymentStateAsOfRequest__Output as _gantry_v1_GetDeploymentStateAsOfRequest__Output } from './gantry/v1/GetDeploymentStateAsOfRequest';
import type { GetEnvironmentStateAsOfRequest as _gantry_v1_GetEnvironmentStateAsOfRequest, GetEnvironmentStateAsOfRequest__Output as _gantry_v1_GetEnvironmentStateAsOfRequest__Output } from './gantry/v1/GetEnvironmentStateAsOfRequest';
import type { GetInclusionProofRequest as _gantry_v1_GetInclusionProofRequest, GetInclusionProofRequest__Output as _gantry_v1_GetInclusionProofRequest__Output } from './gantry/v1/GetInclusionProofRequest';
import type { GetLogKeyRequest as _gantry_v1_GetLogKeyRequest, GetLogKeyRequest__Output as _gantry_v1_GetLogKeyRequest__Output } from './gantry/v1/GetLogKeyRequest';
import type { HistoryEvent as _gantry_v1_HistoryEvent, HistoryEvent__Output as _gantry_v1_HistoryEvent__Output } from './gantry/v1/HistoryEvent';
import type { InclusionProof as _gantry_v1_InclusionProof, InclusionProof__Output as _gantry_v1_InclusionProof__Output } from './gantry/v1/InclusionProof';
import type { LedgerEntry as _gantry_v1_LedgerEntry, LedgerEntry__Output as _gantry_v1_LedgerEntry__Output } from './gantry/v1/LedgerEntry';
import type { LedgerIntegrity as _gantry_v1_LedgerIntegrity, LedgerIntegrity__Output as _gantry_v1_LedgerIntegrity__Output } from './gantry/v1/LedgerIntegrity';
import type { LedgerVerification as _gantry_v1_LedgerVerification, LedgerVerification__Output as _gantry_v1_LedgerVerification__Output } from './gantry/v1/LedgerVerification';
import type { LogKey as _gantry_v1_LogKey, LogKey__Output as _gantry_v1_LogKey__Output } from './gantry/v1/LogKey';
import type { ProvenEntry as _gantry_v1_ProvenEntry, ProvenEntry__Output as _gantry_v1_ProvenEntry__Output } from './gantry/v1/ProvenEntry';
import type { SignedCheckpoint as _gantry_v1_SignedCheckpoint, SignedCheckpoint__Output as _gantry_v1_SignedCheckpoint__Output } from './gantry/v1/SignedCheckpoint';
import type { VerifyLedgerRequest as _gantry_v1_VerifyLedgerRequest, VerifyLedgerRequest__Output as _gantry_v1_VerifyLedgerRequest__Output } from './gantry/v1/VerifyLedgerRequest';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  gantry: {
    v1: {
      Approval: MessageTypeDefinition<_gantry_v1_Approval, _gantry_v1_Approval__Output>
      AuditService: SubtypeConstructor<typeof grpc.Client, _gantry_v1_AuditServiceClient> & { service: _gantry_v1_AuditServiceDefinition }
      BrokenEntry: MessageTypeDefinition<_gantry_v1_BrokenEntry, _gantry_v1_BrokenEntry__Output>
      ConsistencyProof: MessageTypeDefinition<_gantry_v1_ConsistencyProof, _gantry_v1_ConsistencyProof__Output>
      DeployedComponent: MessageTypeDefinition<_gantry_v1_DeployedComponent, _gantry_v1_DeployedComponent__Output>
      DeployedService: MessageTypeDefinition<_gantry_v1_DeployedService, _gantry_v1_DeployedService__Output>
      DeploymentBundle: MessageTypeDefinition<_gantry_v1_DeploymentBundle, _gantry_v1_DeploymentBundle__Output>
      DeploymentHistory: MessageTypeDefinition<_gantry_v1_DeploymentHistory, _gantry_v1_DeploymentHistory__Output>
      DeploymentStateAsOf: MessageTypeDefinition<_gantry_v1_DeploymentStateAsOf, _gantry_v1_DeploymentStateAsOf__Output>
      EnvironmentStateAsOf: MessageTypeDefinition<_gantry_v1_EnvironmentStateAsOf, _gantry_v1_EnvironmentStateAsOf__Output>
      ExportEventsRequest: MessageTypeDefinition<_gantry_v1_ExportEventsRequest, _gantry_v1_ExportEventsRequest__Output>
      GetCheckpointRequest: MessageTypeDefinition<_gantry_v1_GetCheckpointRequest, _gantry_v1_GetCheckpointRequest__Output>
      GetConsistencyProofRequest: MessageTypeDefinition<_gantry_v1_GetConsistencyProofRequest, _gantry_v1_GetConsistencyProofRequest__Output>
      GetDeploymentBundleRequest: MessageTypeDefinition<_gantry_v1_GetDeploymentBundleRequest, _gantry_v1_GetDeploymentBundleRequest__Output>
      GetDeploymentHistoryRequest: MessageTypeDefinition<_gantry_v1_GetDeploymentHistoryRequest, _gantry_v1_GetDeploymentHistoryRequest__Output>
      GetDeploymentStateAsOfRequest: MessageTypeDefinition<_gantry_v1_GetDeploymentStateAsOfRequest, _gantry_v1_GetDeploymentStateAsOfRequest__Output>
      GetEnvironmentStateAsOfRequest: MessageTypeDefinition<_gantry_v1_GetEnvironmentStateAsOfRequest, _gantry_v1_GetEnvironmentStateAsOfRequest__Output>
      GetInclusionProofRequest: MessageTypeDefinition<_gantry_v1_GetInclusionProofRequest, _gantry_v1_GetInclusionProofRequest__Output>
      GetLogKeyRequest: MessageTypeDefinition<_gantry_v1_GetLogKeyRequest, _gantry_v1_GetLogKeyRequest__Output>
      HistoryEvent: MessageTypeDefinition<_gantry_v1_HistoryEvent, _gantry_v1_HistoryEvent__Output>
      InclusionProof: MessageTypeDefinition<_gantry_v1_InclusionProof, _gantry_v1_InclusionProof__Output>
      LedgerEntry: MessageTypeDefinition<_gantry_v1_LedgerEntry, _gantry_v1_LedgerEntry__Output>
      LedgerIntegrity: MessageTypeDefinition<_gantry_v1_LedgerIntegrity, _gantry_v1_LedgerIntegrity__Output>
      LedgerVerification: MessageTypeDefinition<_gantry_v1_LedgerVerification, _gantry_v1_LedgerVerification__Output>
      LogKey: MessageTypeDefinition<_gantry_v1_LogKey, _gantry_v1_LogKey__Output>
      ProvenEntry: MessageTypeDefinition<_gantry_v1_ProvenEntry, _gantry_v1_ProvenEntry__Output>
      SignedCheckpoint: MessageTypeDefinition<_gantry_v1_SignedCheckpoint, _gantry_v1_SignedCheckpoint__Output>
      VerifyLedgerRequest: MessageTypeDefinition<_gantry_v1_VerifyLedgerRequest, _gantry_v1_VerifyLedgerRequest__Output>
    }
  }
}

