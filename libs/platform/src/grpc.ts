import { Metadata, Server, ServerCredentials, status, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { RpcException, ServerGrpc, type GrpcOptions } from '@nestjs/microservices';
import { grpcIdentity, grpcSource, TokenBuckets, type Identity, type ProxyTrust } from '@gantry/auth';
import { createAjv, type BodyRule, type JsonSchema } from '@gantry/contracts';
import type { ValidateFunction } from 'ajv/dist/2020';
import type { Clock } from './clock';
import type { GrpcStandardServices } from './grpc-standard-services';
import { toErrorBody } from './errors';
import { requestContext, type RequestContext } from './request-context';
import { problemOf } from './schema-pipes';

/**
 * Nest's gRPC transport, keeping the port its server was bound to: with GRPC_PORT=0 the system picks one, and the
 * process reports it in its boot line. Nest's own binding drops the port; it also applies channel options and
 * credentials, of which boot passes none.
 */
export class GrpcTransport extends ServerGrpc {
  port?: number;
  private server?: Server;
  private readonly grpcPackage: string;

  constructor(
    options: GrpcOptions['options'],
    /** health and reflection (grpc-standard-services.ts), for the services Nest's handlers serve */
    private readonly standard?: GrpcStandardServices,
    /** calls per source address and minute, `burst` at once: past it RESOURCE_EXHAUSTED before anything else */
    private readonly callsPerSource: { perMinute: number; burst: number } = { perMinute: 0, burst: 0 },
    /** the proxies trusted to name the client (GANTRY_TRUST_PROXY) */
    private readonly trustProxy?: ProxyTrust,
  ) {
    super(options);
    this.grpcPackage = String(options.package);
  }

  override async createClient(): Promise<Server> {
    const server = new Server();
    const addService = server.addService.bind(server);
    const { perMinute, burst } = this.callsPerSource;
    const limit = perMinute > 0 ? new TokenBuckets(perMinute, Math.max(1, burst)) : undefined;
    server.addService = (service, implementation) => addService(service, traced(service, limit ? limited(service, implementation, limit, this.trustProxy) : implementation));
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(this.url, ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
    );
    this.server = server;
    return server;
  }

  /** After Nest added the services of the contracts, the standard ones, for the services that have a handler here. */
  override async bindEvents(): Promise<void> {
    await super.bindEvents();
    if (!this.standard || !this.server) return;
    const services = new Set(
      [...this.getHandlers().keys()].flatMap((pattern) => {
        try {
          const { service } = JSON.parse(pattern) as { service?: unknown };
          return typeof service === 'string' ? [`${this.grpcPackage}.${service}`] : [];
        } catch {
          return [];
        }
      }),
    );
    await this.standard.addTo(this.server, [...services].sort());
  }

  override async close(): Promise<void> {
    this.standard?.stop();
    await super.close();
  }
}

/**
 * Each call of a service's methods takes a token of its source address's first (health checks and reflection too: a
 * flood is a flood); without one it ends RESOURCE_EXHAUSTED at once, with the seconds to wait in `retry-after`.
 */
function limited(service: ServiceDefinition, implementation: UntypedServiceImplementation, limit: TokenBuckets, trust: ProxyTrust | undefined): UntypedServiceImplementation {
  return Object.fromEntries(
    Object.entries(implementation).map(([name, handler]) => {
      // grpc-js finds a method's handler by its name or its original name (grpc-health-check's are `check`, `watch`)
      const definition = service[name] ?? Object.values(service).find((method) => method.originalName === name);
      if (!definition) return [name, handler];
      const wrapped = (call: Parameters<typeof grpcSource>[0] & { emit(event: 'error', error: unknown): unknown }, callback?: (error: unknown) => void) => {
        const wait = limit.take(grpcSource(call, trust));
        if (wait === 0) return (handler as (...args: unknown[]) => unknown)(call, callback);
        const metadata = new Metadata();
        metadata.set('retry-after', String(wait));
        const error = { code: status.RESOURCE_EXHAUSTED, details: `too many calls from this address; retry after ${wait} s`, metadata };
        if (callback) callback(error);
        else call.emit('error', error);
      };
      return [name, wrapped];
    }),
  );
}

/** gRPC metadata as a carrier of W3C trace context: the first value of a key. */
const metadataGetter = {
  keys: (carrier: Metadata) => Object.keys(carrier.getMap()),
  get: (carrier: Metadata, key: string) => carrier.get(key)[0]?.toString(),
};

/**
 * Each call of a service's methods in a server span (RPC semantic conventions) that continues the caller's trace
 * from the `traceparent` metadata, the handler running inside it, so what the call records belongs to that trace.
 * Unary calls end with their callback, streams when they finish, fail or are cancelled.
 */
function traced(service: ServiceDefinition, implementation: UntypedServiceImplementation): UntypedServiceImplementation {
  return Object.fromEntries(
    Object.entries(implementation).map(([name, handler]) => {
      const definition = service[name];
      if (!definition) return [name, handler];
      const [, rpcService = '', rpcMethod = name] = /^\/([^/]+)\/(.+)$/.exec(definition.path) ?? [];
      // health checks and reflection are probes, not work: like /health over HTTP, they are not traced
      if (rpcService.startsWith('grpc.')) return [name, handler];
      const wrapped = (call: { metadata: Metadata; on(event: string, listener: (...args: any[]) => void): unknown }, callback?: (error: any, ...rest: unknown[]) => void) => {
        const parent = propagation.extract(ROOT_CONTEXT, call.metadata, metadataGetter);
        const span = trace.getTracer('gantry-grpc').startSpan(
          `${rpcService}/${rpcMethod}`,
          { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'grpc', 'rpc.service': rpcService, 'rpc.method': rpcMethod } },
          parent,
        );
        const end = once((error?: { code?: number; message?: string }) => endRpcSpan(span, error));
        call.on('cancelled', () => end({ code: status.CANCELLED, message: 'cancelled by the client' }));
        if (definition.responseStream) {
          call.on('finish', () => end());
          call.on('error', (error: { code?: number; message?: string }) => end(error));
        }
        const answer = callback && ((error: any, ...rest: unknown[]) => (end(error ?? undefined), callback(error, ...rest)));
        return context.with(trace.setSpan(parent, span), () => (handler as (...args: unknown[]) => unknown)(call, answer));
      };
      return [name, wrapped];
    }),
  );
}

const once = <A extends unknown[]>(f: (...args: A) => void) => {
  let done = false;
  return (...args: A) => {
    if (done) return;
    done = true;
    f(...args);
  };
};

function endRpcSpan(span: Span, error?: { code?: number; message?: string }): void {
  const code = error ? (error.code ?? status.UNKNOWN) : status.OK;
  span.setAttribute('rpc.grpc.status_code', code);
  if (code !== status.OK) span.setStatus({ code: SpanStatusCode.ERROR, message: error?.message });
  span.end();
}

/**
 * The gRPC edge, one way for every service: AuthGuard (on the controller with `@UseGuards(AuthGuard)`, each method with
 * `@RequirePermission`) decides access as it does for HTTP; messages are checked against the REST bodies' schemas and
 * rules, the same way; errors
 * map from the same HTTP status to the gRPC status.
 */
const GRPC_STATUS: Record<number, status> = {
  400: status.INVALID_ARGUMENT,
  401: status.UNAUTHENTICATED,
  403: status.PERMISSION_DENIED,
  404: status.NOT_FOUND,
  409: status.ALREADY_EXISTS,
  412: status.FAILED_PRECONDITION,
  413: status.RESOURCE_EXHAUSTED,
  422: status.FAILED_PRECONDITION,
  429: status.RESOURCE_EXHAUSTED,
  503: status.UNAVAILABLE,
};

/** An error of the command path as the gRPC status a client acts on (a bug stays INTERNAL, without its details). */
export const rpcError = (error: unknown): RpcException => {
  if (error instanceof RpcException) return error;
  const body = toErrorBody(error);
  return new RpcException({ code: GRPC_STATUS[body.statusCode] ?? status.INTERNAL, message: Array.isArray(body.message) ? body.message.join('; ') : body.message });
};

/** Runs the work and maps what it throws. */
export async function answerGrpc<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw rpcError(error);
  }
}

export const invalidArgument = (message: string): RpcException => new RpcException({ code: status.INVALID_ARGUMENT, message });

const ajv = createAjv();
const validators = new WeakMap<object, ValidateFunction>();

/** A gRPC message checked against the REST body's schema and rules: the same refusal, as INVALID_ARGUMENT. */
export function validatedMessage<T>(schema: JsonSchema, plain: unknown, rules: readonly BodyRule<T>[] = []): T {
  let validate = validators.get(schema);
  if (!validate) validators.set(schema, (validate = ajv.compile(schema)));
  const problem = problemOf(validate, rules, plain);
  if (problem) throw invalidArgument(problem);
  return plain as T;
}

/** The identity AuthGuard established for this call (the guard runs first, so there always is one). */
export const callerOf = (metadata: Metadata): Identity => {
  const identity = grpcIdentity(metadata);
  if (!identity) throw new RpcException({ code: status.UNAUTHENTICATED, message: 'no identity: the handler is not behind AuthGuard' });
  return identity;
};

/** The request headers the command path reads, from gRPC metadata. */
export const headersOf = (metadata: Metadata): Record<string, string | undefined> =>
  Object.fromEntries(['x-correlation-id', 'x-request-id', 'idempotency-key'].map((h) => [h, metadata.get(h)[0]?.toString()]));

/** A gRPC call's context, as CommandContext builds an HTTP request's: the caller AuthGuard found, the correlation metadata, the process's clock. */
export const grpcContext = (metadata: Metadata, clock: Clock): RequestContext => requestContext(callerOf(metadata), headersOf(metadata), clock);
