import { status, type Metadata } from '@grpc/grpc-js';
import { RpcException } from '@nestjs/microservices';
import { validate } from 'class-validator';
import type { AuthService, Identity, Permission } from '@gantry/auth';
import { toErrorBody } from './errors';

/** The one gRPC error mapping: the HTTP mapping's status, translated. */
const GRPC_STATUS: Record<number, status> = {
  400: status.INVALID_ARGUMENT,
  401: status.UNAUTHENTICATED,
  403: status.PERMISSION_DENIED,
  404: status.NOT_FOUND,
  409: status.ALREADY_EXISTS,
  412: status.FAILED_PRECONDITION,
  413: status.RESOURCE_EXHAUSTED,
  422: status.FAILED_PRECONDITION,
  503: status.UNAVAILABLE,
};

export const rpcError = (error: unknown): RpcException => {
  const body = toErrorBody(error);
  return new RpcException({ code: GRPC_STATUS[body.statusCode] ?? status.INTERNAL, message: Array.isArray(body.message) ? body.message.join('; ') : body.message });
};

/** Runs a handler's work and maps its failure once. */
export async function answerGrpc<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw rpcError(error);
  }
}

/** The caller's identity from the call's metadata, holding `permission`: UNAUTHENTICATED or PERMISSION_DENIED otherwise. */
export async function identifyGrpc(auth: AuthService, metadata: Metadata, permission: Permission): Promise<Identity> {
  const result = await auth.authenticateGrpc(metadata);
  if (!result.ok) throw new RpcException({ code: status.UNAUTHENTICATED, message: result.reason });
  if (!auth.permits(result.identity, permission)) {
    throw new RpcException({ code: status.PERMISSION_DENIED, message: `${permission} is not granted to roles ${result.identity.roles.join(', ') || '(none)'}` });
  }
  return result.identity;
}

/** Validates a DTO built from a gRPC message the way REST's ValidationPipe does: INVALID_ARGUMENT with every reason. */
export async function validatedGrpc(body: object): Promise<void> {
  const errors = await validate(body, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    const messages = errors.flatMap(function flatten(e): string[] {
      return [...Object.values(e.constraints ?? {}), ...(e.children ?? []).flatMap(flatten)];
    });
    throw new RpcException({ code: status.INVALID_ARGUMENT, message: messages.join('; ') });
  }
}

/** The correlation headers of a call, as REST reads them. */
export const grpcHeaders = (metadata: Metadata): Record<string, string | undefined> =>
  Object.fromEntries(['x-correlation-id', 'x-request-id', 'idempotency-key'].map((h) => [h, metadata.get(h)[0]?.toString()]));
