import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AcceptanceCriterion as _gantry_v1_AcceptanceCriterion, AcceptanceCriterion__Output as _gantry_v1_AcceptanceCriterion__Output } from './gantry/v1/AcceptanceCriterion';
import type { AuthorisedBy as _gantry_v1_AuthorisedBy, AuthorisedBy__Output as _gantry_v1_AuthorisedBy__Output } from './gantry/v1/AuthorisedBy';
import type { CancelDeploymentRequest as _gantry_v1_CancelDeploymentRequest, CancelDeploymentRequest__Output as _gantry_v1_CancelDeploymentRequest__Output } from './gantry/v1/CancelDeploymentRequest';
import type { ChainStage as _gantry_v1_ChainStage, ChainStage__Output as _gantry_v1_ChainStage__Output } from './gantry/v1/ChainStage';
import type { Component as _gantry_v1_Component, Component__Output as _gantry_v1_Component__Output } from './gantry/v1/Component';
import type { Deployment as _gantry_v1_Deployment, Deployment__Output as _gantry_v1_Deployment__Output } from './gantry/v1/Deployment';
import type { DeploymentServiceClient as _gantry_v1_DeploymentServiceClient, DeploymentServiceDefinition as _gantry_v1_DeploymentServiceDefinition } from './gantry/v1/DeploymentService';
import type { DeploymentUpdate as _gantry_v1_DeploymentUpdate, DeploymentUpdate__Output as _gantry_v1_DeploymentUpdate__Output } from './gantry/v1/DeploymentUpdate';
import type { GetDeploymentRequest as _gantry_v1_GetDeploymentRequest, GetDeploymentRequest__Output as _gantry_v1_GetDeploymentRequest__Output } from './gantry/v1/GetDeploymentRequest';
import type { ListDeploymentsRequest as _gantry_v1_ListDeploymentsRequest, ListDeploymentsRequest__Output as _gantry_v1_ListDeploymentsRequest__Output } from './gantry/v1/ListDeploymentsRequest';
import type { ListDeploymentsResponse as _gantry_v1_ListDeploymentsResponse, ListDeploymentsResponse__Output as _gantry_v1_ListDeploymentsResponse__Output } from './gantry/v1/ListDeploymentsResponse';
import type { ModelRef as _gantry_v1_ModelRef, ModelRef__Output as _gantry_v1_ModelRef__Output } from './gantry/v1/ModelRef';
import type { Promotion as _gantry_v1_Promotion, Promotion__Output as _gantry_v1_Promotion__Output } from './gantry/v1/Promotion';
import type { RequestDeploymentRequest as _gantry_v1_RequestDeploymentRequest, RequestDeploymentRequest__Output as _gantry_v1_RequestDeploymentRequest__Output } from './gantry/v1/RequestDeploymentRequest';
import type { RescheduleDeploymentRequest as _gantry_v1_RescheduleDeploymentRequest, RescheduleDeploymentRequest__Output as _gantry_v1_RescheduleDeploymentRequest__Output } from './gantry/v1/RescheduleDeploymentRequest';
import type { WatchDeploymentRequest as _gantry_v1_WatchDeploymentRequest, WatchDeploymentRequest__Output as _gantry_v1_WatchDeploymentRequest__Output } from './gantry/v1/WatchDeploymentRequest';
import type { Wave as _gantry_v1_Wave, Wave__Output as _gantry_v1_Wave__Output } from './gantry/v1/Wave';
import type { Window as _gantry_v1_Window, Window__Output as _gantry_v1_Window__Output } from './gantry/v1/Window';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  gantry: {
    v1: {
      AcceptanceCriterion: MessageTypeDefinition<_gantry_v1_AcceptanceCriterion, _gantry_v1_AcceptanceCriterion__Output>
      AuthorisedBy: MessageTypeDefinition<_gantry_v1_AuthorisedBy, _gantry_v1_AuthorisedBy__Output>
      CancelDeploymentRequest: MessageTypeDefinition<_gantry_v1_CancelDeploymentRequest, _gantry_v1_CancelDeploymentRequest__Output>
      ChainStage: MessageTypeDefinition<_gantry_v1_ChainStage, _gantry_v1_ChainStage__Output>
      Component: MessageTypeDefinition<_gantry_v1_Component, _gantry_v1_Component__Output>
      Deployment: MessageTypeDefinition<_gantry_v1_Deployment, _gantry_v1_Deployment__Output>
      DeploymentService: SubtypeConstructor<typeof grpc.Client, _gantry_v1_DeploymentServiceClient> & { service: _gantry_v1_DeploymentServiceDefinition }
      DeploymentUpdate: MessageTypeDefinition<_gantry_v1_DeploymentUpdate, _gantry_v1_DeploymentUpdate__Output>
      GetDeploymentRequest: MessageTypeDefinition<_gantry_v1_GetDeploymentRequest, _gantry_v1_GetDeploymentRequest__Output>
      ListDeploymentsRequest: MessageTypeDefinition<_gantry_v1_ListDeploymentsRequest, _gantry_v1_ListDeploymentsRequest__Output>
      ListDeploymentsResponse: MessageTypeDefinition<_gantry_v1_ListDeploymentsResponse, _gantry_v1_ListDeploymentsResponse__Output>
      ModelRef: MessageTypeDefinition<_gantry_v1_ModelRef, _gantry_v1_ModelRef__Output>
      Promotion: MessageTypeDefinition<_gantry_v1_Promotion, _gantry_v1_Promotion__Output>
      RequestDeploymentRequest: MessageTypeDefinition<_gantry_v1_RequestDeploymentRequest, _gantry_v1_RequestDeploymentRequest__Output>
      RescheduleDeploymentRequest: MessageTypeDefinition<_gantry_v1_RescheduleDeploymentRequest, _gantry_v1_RescheduleDeploymentRequest__Output>
      WatchDeploymentRequest: MessageTypeDefinition<_gantry_v1_WatchDeploymentRequest, _gantry_v1_WatchDeploymentRequest__Output>
      Wave: MessageTypeDefinition<_gantry_v1_Wave, _gantry_v1_Wave__Output>
      Window: MessageTypeDefinition<_gantry_v1_Window, _gantry_v1_Window__Output>
    }
  }
}

