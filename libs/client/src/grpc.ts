import { credentials as channelCredentials, InterceptingCall, loadPackageDefinition, type ChannelCredentials, type Interceptor, type ServiceError } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';
import { GANTRY_PROTO_PATHS, PROTO_ROOT } from '@gantry/contracts';
import type { ProtoGrpcType as AuditProto } from './generated/grpc/audit';
import type { ProtoGrpcType as DeploymentsProto } from './generated/grpc/deployments';
import type { ProtoGrpcType as ExecutionProto } from './generated/grpc/execution';
import type { AuditServiceClient } from './generated/grpc/gantry/v1/AuditService';
import type { DeploymentServiceClient } from './generated/grpc/gantry/v1/DeploymentService';
import type { ExecutionServiceClient } from './generated/grpc/gantry/v1/ExecutionService';

export type { AuditServiceClient, DeploymentServiceClient, ExecutionServiceClient };

/** How the protos are loaded; the generated types describe exactly this (codegen/generate.ts passes the same flags). */
export const GRPC_LOADER_OPTIONS: Options = { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [PROTO_ROOT] };

export interface GantryGrpcOptions {
  /** the embedded default's `host:port` (all three services), or a gateway's */
  address?: string;
  /** the distributed mode: planning serves DeploymentService, execution ExecutionService, records AuditService */
  addresses?: { planning?: string; execution?: string; records?: string };
  /** a bearer token (JWT), or a function that gives a fresh one per call; sent as `authorization` metadata */
  token?: string | (() => string);
  /** a system's API key, sent as `x-api-key` metadata */
  apiKey?: string;
  /** default: plaintext (`credentials.createInsecure()`); `credentials.createSsl(ca)` for TLS */
  channelCredentials?: ChannelCredentials;
}

export interface GantryGrpc {
  deployments: DeploymentServiceClient;
  execution: ExecutionServiceClient;
  audit: AuditServiceClient;
  close(): void;
}

/**
 * Gantry's gRPC services, typed from the protos (node only: `@gantry/client/grpc`). Calls carry the credentials as
 * metadata, as the REST client carries them as headers. With `unary` a call is a promise:
 *
 *     const gantry = gantryGrpc({ address: '127.0.0.1:50051', token });
 *     const deployment = await unary(gantry.deployments, 'GetDeployment', { deploymentId });
 */
export function gantryGrpc(options: GantryGrpcOptions): GantryGrpc {
  const definition = loadSync([...GANTRY_PROTO_PATHS], GRPC_LOADER_OPTIONS);
  const { v1 } = (loadPackageDefinition(definition) as unknown as DeploymentsProto & ExecutionProto & AuditProto).gantry;
  const addressOf = (service: 'planning' | 'execution' | 'records') => {
    const address = options.addresses?.[service] ?? options.address;
    if (!address) throw new Error(`no gRPC address for ${service}: give address (embedded default) or addresses.${service}`);
    return address;
  };
  const authenticate: Interceptor = (callOptions, nextCall) =>
    new InterceptingCall(nextCall(callOptions), {
      start(metadata, listener, next) {
        const token = typeof options.token === 'function' ? options.token() : options.token;
        if (token) metadata.set('authorization', `Bearer ${token}`);
        if (options.apiKey) metadata.set('x-api-key', options.apiKey);
        next(metadata, listener);
      },
    });
  const channel = options.channelCredentials ?? channelCredentials.createInsecure();
  const clientOptions = { interceptors: [authenticate] };
  const deployments = new v1.DeploymentService(addressOf('planning'), channel, clientOptions);
  const execution = new v1.ExecutionService(addressOf('execution'), channel, clientOptions);
  const audit = new v1.AuditService(addressOf('records'), channel, clientOptions);
  return { deployments, execution, audit, close: () => [deployments, execution, audit].forEach((c) => c.close()) };
}

type UnaryMethod<Request, Response> = (request: Request, callback: (error: ServiceError | null, response?: Response) => void) => unknown;
type UnaryNames<C> = { [K in keyof C]: C[K] extends UnaryMethod<any, any> ? (K extends `${Uppercase<string>}${string}` ? K : never) : never }[keyof C];
type RequestOf<M> = M extends UnaryMethod<infer Q, any> ? Q : never;
type ResponseOf<M> = M extends UnaryMethod<any, infer R> ? R : never;

/** A unary call as a promise: resolves with the answer, rejects with the gRPC `ServiceError` (its `code` a status). */
export function unary<C, N extends UnaryNames<C>>(client: C, method: N, request: RequestOf<C[N]>): Promise<ResponseOf<C[N]>> {
  return new Promise((resolve, reject) =>
    (client[method] as UnaryMethod<RequestOf<C[N]>, ResponseOf<C[N]>>).call(client, request, (error, response) => (error ? reject(error) : resolve(response!))),
  );
}
