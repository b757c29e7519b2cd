import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import type { Identity } from './identity';
import type { Permission } from './roles';

export const PUBLIC_ROUTE = 'gantry:auth:public';
export const REQUIRED_PERMISSION = 'gantry:auth:permission';

/** No identity needed: health, metrics, API docs. Everything else must say what it requires. */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

export const SIGNED_ROUTE = 'gantry:auth:signed';

/**
 * No bearer token: the request's HMAC signature is its identity, checked by the handler (a webhook executor's
 * callback). Listed in the permission table as signed, and answers 401 without a valid signature.
 */
export const SignedRequest = () => applyDecorators(SetMetadata(PUBLIC_ROUTE, true), SetMetadata(SIGNED_ROUTE, true));

/** The permission a caller's roles must grant (see ROLE_PERMISSIONS). */
export const RequirePermission = (permission: Permission) => SetMetadata(REQUIRED_PERMISSION, permission);

/** What AuthGuard attaches to an HTTP request. */
export interface AuthenticatedRequest {
  identity?: Identity;
}

// gRPC metadata objects cannot carry extra fields through Nest, so the guard files the identity here.
const grpcIdentities = new WeakMap<Metadata, Identity>();

export const attachGrpcIdentity = (metadata: Metadata, identity: Identity): void => void grpcIdentities.set(metadata, identity);

/** The identity AuthGuard established for a gRPC call. */
export const grpcIdentity = (metadata: Metadata): Identity | undefined => grpcIdentities.get(metadata);

export function identityOf(context: ExecutionContext): Identity | undefined {
  if (context.getType() === 'rpc') return grpcIdentity(context.switchToRpc().getContext<Metadata>());
  return context.switchToHttp().getRequest<AuthenticatedRequest>().identity;
}

/** The caller's identity, as a handler parameter (HTTP or gRPC). */
export const CurrentIdentity = createParamDecorator((_: unknown, context: ExecutionContext): Identity | undefined =>
  identityOf(context),
);
