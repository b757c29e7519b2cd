// Original file: contracts/proto/gantry/v1/deployments.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CancelDeploymentRequest as _gantry_v1_CancelDeploymentRequest, CancelDeploymentRequest__Output as _gantry_v1_CancelDeploymentRequest__Output } from '../../gantry/v1/CancelDeploymentRequest';
import type { Deployment as _gantry_v1_Deployment, Deployment__Output as _gantry_v1_Deployment__Output } from '../../gantry/v1/Deployment';
import type { DeploymentUpdate as _gantry_v1_DeploymentUpdate, DeploymentUpdate__Output as _gantry_v1_DeploymentUpdate__Output } from '../../gantry/v1/DeploymentUpdate';
import type { GetDeploymentRequest as _gantry_v1_GetDeploymentRequest, GetDeploymentRequest__Output as _gantry_v1_GetDeploymentRequest__Output } from '../../gantry/v1/GetDeploymentRequest';
import type { ListDeploymentsRequest as _gantry_v1_ListDeploymentsRequest, ListDeploymentsRequest__Output as _gantry_v1_ListDeploymentsRequest__Output } from '../../gantry/v1/ListDeploymentsRequest';
import type { ListDeploymentsResponse as _gantry_v1_ListDeploymentsResponse, ListDeploymentsResponse__Output as _gantry_v1_ListDeploymentsResponse__Output } from '../../gantry/v1/ListDeploymentsResponse';
import type { RequestDeploymentRequest as _gantry_v1_RequestDeploymentRequest, RequestDeploymentRequest__Output as _gantry_v1_RequestDeploymentRequest__Output } from '../../gantry/v1/RequestDeploymentRequest';
import type { RescheduleDeploymentRequest as _gantry_v1_RescheduleDeploymentRequest, RescheduleDeploymentRequest__Output as _gantry_v1_RescheduleDeploymentRequest__Output } from '../../gantry/v1/RescheduleDeploymentRequest';
import type { WatchDeploymentRequest as _gantry_v1_WatchDeploymentRequest, WatchDeploymentRequest__Output as _gantry_v1_WatchDeploymentRequest__Output } from '../../gantry/v1/WatchDeploymentRequest';

export interface DeploymentServiceClient extends grpc.Client {
  CancelDeployment(argument: _gantry_v1_CancelDeploymentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  CancelDeployment(argument: _gantry_v1_CancelDeploymentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  CancelDeployment(argument: _gantry_v1_CancelDeploymentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  CancelDeployment(argument: _gantry_v1_CancelDeploymentRequest, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  cancelDeployment(argument: _gantry_v1_CancelDeploymentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  cancelDeployment(argument: _gantry_v1_CancelDeploymentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  cancelDeployment(argument: _gantry_v1_CancelDeploymentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  cancelDeployment(argument: _gantry_v1_CancelDeploymentRequest, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  
  GetDeployment(argument: _gantry_v1_GetDeploymentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  GetDeployment(argument: _gantry_v1_GetDeploymentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  GetDeployment(argument: _gantry_v1_GetDeploymentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  GetDeployment(argument: _gantry_v1_GetDeploymentRequest, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  getDeployment(argument: _gantry_v1_GetDeploymentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  getDeployment(argument: _gantry_v1_GetDeploymentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  getDeployment(argument: _gantry_v1_GetDeploymentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  getDeployment(argument: _gantry_v1_GetDeploymentRequest, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  
  ListDeployments(argument: _gantry_v1_ListDeploymentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_ListDeploymentsResponse__Output>): grpc.ClientUnaryCall;
  ListDeployments(argument: _gantry_v1_ListDeploymentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_ListDeploymentsResponse__Output>): grpc.ClientUnaryCall;
  ListDeployments(argument: _gantry_v1_ListDeploymentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_ListDeploymentsResponse__Output>): grpc.ClientUnaryCall;
  ListDeployments(argument: _gantry_v1_ListDeploymentsRequest, callback: grpc.requestCallback<_gantry_v1_ListDeploymentsResponse__Output>): grpc.ClientUnaryCall;
  listDeployments(argument: _gantry_v1_ListDeploymentsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_ListDeploymentsResponse__Output>): grpc.ClientUnaryCall;
  listDeployments(argument: _gantry_v1_ListDeploymentsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_ListDeploymentsResponse__Output>): grpc.ClientUnaryCall;
  listDeployments(argument: _gantry_v1_ListDeploymentsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_ListDeploymentsResponse__Output>): grpc.ClientUnaryCall;
  listDeployments(argument: _gantry_v1_ListDeploymentsRequest, callback: grpc.requestCallback<_gantry_v1_ListDeploymentsResponse__Output>): grpc.ClientUnaryCall;
  
  RequestDeployment(argument: _gantry_v1_RequestDeploymentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  RequestDeployment(argument: _gantry_v1_RequestDeploymentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  RequestDeployment(argument: _gantry_v1_RequestDeploymentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  RequestDeployment(argument: _gantry_v1_RequestDeploymentRequest, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  requestDeployment(argument: _gantry_v1_RequestDeploymentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  requestDeployment(argument: _gantry_v1_RequestDeploymentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  requestDeployment(argument: _gantry_v1_RequestDeploymentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  requestDeployment(argument: _gantry_v1_RequestDeploymentRequest, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  
  RescheduleDeployment(argument: _gantry_v1_RescheduleDeploymentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  RescheduleDeployment(argument: _gantry_v1_RescheduleDeploymentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  RescheduleDeployment(argument: _gantry_v1_RescheduleDeploymentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  RescheduleDeployment(argument: _gantry_v1_RescheduleDeploymentRequest, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  rescheduleDeployment(argument: _gantry_v1_RescheduleDeploymentRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  rescheduleDeployment(argument: _gantry_v1_RescheduleDeploymentRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  rescheduleDeployment(argument: _gantry_v1_RescheduleDeploymentRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  rescheduleDeployment(argument: _gantry_v1_RescheduleDeploymentRequest, callback: grpc.requestCallback<_gantry_v1_Deployment__Output>): grpc.ClientUnaryCall;
  
  WatchDeployment(argument: _gantry_v1_WatchDeploymentRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_gantry_v1_DeploymentUpdate__Output>;
  WatchDeployment(argument: _gantry_v1_WatchDeploymentRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_gantry_v1_DeploymentUpdate__Output>;
  watchDeployment(argument: _gantry_v1_WatchDeploymentRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_gantry_v1_DeploymentUpdate__Output>;
  watchDeployment(argument: _gantry_v1_WatchDeploymentRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_gantry_v1_DeploymentUpdate__Output>;
  
}

export interface DeploymentServiceHandlers extends grpc.UntypedServiceImplementation {
  CancelDeployment: grpc.handleUnaryCall<_gantry_v1_CancelDeploymentRequest__Output, _gantry_v1_Deployment>;
  
  GetDeployment: grpc.handleUnaryCall<_gantry_v1_GetDeploymentRequest__Output, _gantry_v1_Deployment>;
  
  ListDeployments: grpc.handleUnaryCall<_gantry_v1_ListDeploymentsRequest__Output, _gantry_v1_ListDeploymentsResponse>;
  
  RequestDeployment: grpc.handleUnaryCall<_gantry_v1_RequestDeploymentRequest__Output, _gantry_v1_Deployment>;
  
  RescheduleDeployment: grpc.handleUnaryCall<_gantry_v1_RescheduleDeploymentRequest__Output, _gantry_v1_Deployment>;
  
  WatchDeployment: grpc.handleServerStreamingCall<_gantry_v1_WatchDeploymentRequest__Output, _gantry_v1_DeploymentUpdate>;
  
}

export interface DeploymentServiceDefinition extends grpc.ServiceDefinition {
  CancelDeployment: MethodDefinition<_gantry_v1_CancelDeploymentRequest, _gantry_v1_Deployment, _gantry_v1_CancelDeploymentRequest__Output, _gantry_v1_Deployment__Output>
  GetDeployment: MethodDefinition<_gantry_v1_GetDeploymentRequest, _gantry_v1_Deployment, _gantry_v1_GetDeploymentRequest__Output, _gantry_v1_Deployment__Output>
  ListDeployments: MethodDefinition<_gantry_v1_ListDeploymentsRequest, _gantry_v1_ListDeploymentsResponse, _gantry_v1_ListDeploymentsRequest__Output, _gantry_v1_ListDeploymentsResponse__Output>
  RequestDeployment: MethodDefinition<_gantry_v1_RequestDeploymentRequest, _gantry_v1_Deployment, _gantry_v1_RequestDeploymentRequest__Output, _gantry_v1_Deployment__Output>
  RescheduleDeployment: MethodDefinition<_gantry_v1_RescheduleDeploymentRequest, _gantry_v1_Deployment, _gantry_v1_RescheduleDeploymentRequest__Output, _gantry_v1_Deployment__Output>
  WatchDeployment: MethodDefinition<_gantry_v1_WatchDeploymentRequest, _gantry_v1_DeploymentUpdate, _gantry_v1_WatchDeploymentRequest__Output, _gantry_v1_DeploymentUpdate__Output>
}
