import {
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import type { Metadata } from '@grpc/grpc-js';
import { authenticate, authenticateGrpcMetadata, isAuthenticationFailure } from './authenticate';
import type { AuthConfig } from './config';
import { attachGrpcIdentity, PUBLIC_ROUTE, REQUIRED_PERMISSION, type AuthenticatedRequest } from './decorators';
import type { Identity } from './identity';
import { mayDo, type Permission } from './roles';

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');

/** gRPC status codes (grpc/status.h). */
const UNAUTHENTICATED = 16;
const PERMISSION_DENIED = 7;

/**
 * The one place where access is decided, for HTTP and gRPC. Public routes pass; every other route must declare
 * a permission (a route that declares nothing is refused: deny by default), and the caller's roles must grant it.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('AuthGuard');

  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const grpc = context.getType() === 'rpc';
    const outcome = grpc
      ? await authenticateGrpcMetadata(context.switchToRpc().getContext<Metadata>(), this.config)
      : await authenticate(context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers, this.config);
    if (isAuthenticationFailure(outcome)) throw this.refusal(grpc, 'unauthenticated', outcome.message);

    const permission = this.reflector.getAllAndOverride<Permission | undefined>(REQUIRED_PERMISSION, targets);
    if (!permission) {
      const route = `${context.getClass().name}.${context.getHandler().name}`;
      this.logger.warn(`refused ${route}: it declares neither @Public() nor @RequirePermission() (deny by default)`);
      throw this.refusal(grpc, 'forbidden', 'this operation is not open to any role');
    }
    if (!mayDo(outcome.roles, permission)) {
      throw this.refusal(grpc, 'forbidden', `permission ${permission} required; roles [${outcome.roles.join(', ')}] do not grant it`);
    }
    this.attach(context, grpc, outcome);
    return true;
  }

  private attach(context: ExecutionContext, grpc: boolean, identity: Identity): void {
    if (grpc) attachGrpcIdentity(context.switchToRpc().getContext<Metadata>(), identity);
    else context.switchToHttp().getRequest<AuthenticatedRequest>().identity = identity;
  }

  private refusal(grpc: boolean, kind: 'unauthenticated' | 'forbidden', message: string): Error {
    if (grpc) return new RpcException({ code: kind === 'unauthenticated' ? UNAUTHENTICATED : PERMISSION_DENIED, message });
    return kind === 'unauthenticated' ? new UnauthorizedException(message) : new ForbiddenException(message);
  }
}
