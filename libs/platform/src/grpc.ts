import { RpcException } from '@nestjs/microservices';
import { status, type Metadata } from '@grpc/grpc-js';
import type { AuthService, Identity, Permission } from '@gantry/auth';
import { toErrorBody } from './errors';

/** The HTTP statuses of the one error mapping (errors.ts), as gRPC status codes. */
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

/** Any failure as the gRPC error a client gets: the same mapping as REST, so both doors answer alike. */
export const rpcError = (error: unknown): RpcException => {
  if (error instanceof RpcException) return error;
  const body = toErrorBody(error);
  return new RpcException({ code: GRPC_STATUS[body.statusCode] ?? status.INTERNAL, message: Array.isArray(body.message) ? body.message.join('; ') : body.message });
};

export const invalidArgument = (message: string): RpcException => new RpcException({ code: status.INVALID_ARGUMENT, message });

/** Who calls, from the call's metadata, and may they: UNAUTHENTICATED or PERMISSION_DENIED otherwise. */
export async function authorizeGrpc(auth: AuthService, metadata: Metadata, permission: Permission): Promise<Identity> {
  const result = await auth.authenticateGrpc(metadata);
  if (!result.ok) throw new RpcException({ code: status.UNAUTHENTICATED, message: result.reason });
  if (!auth.permits(result.identity, permission)) {
    throw new RpcException({ code: status.PERMISSION_DENIED, message: `${permission} is not granted to roles ${result.identity.roles.join(', ') || '(none)'}` });
  }
  return result.identity;
}
