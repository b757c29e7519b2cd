import {
  ForbiddenException,
  HttpException,
  HttpStatus,
  Injectable,
  Logger,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RpcException } from '@nestjs/microservices';
import type { Metadata } from '@grpc/grpc-js';
import { AuthService } from './auth.service';
import { attachGrpcIdentity, PUBLIC_ROUTE, REQUIRED_PERMISSION, type AuthenticatedRequest } from './decorators';
import type { Identity } from './identity';
import { grpcSource, type ProxyTrust } from './proxies';
import type { Permission } from './roles';

/** gRPC status codes (grpc/status.h). */
const UNAUTHENTICATED = 16;
const PERMISSION_DENIED = 7;
const RESOURCE_EXHAUSTED = 8;

/**
 * The one place where access is decided. Public routes pass; every other route must declare a permission (a
 * route that declares nothing is refused: deny by default), and the caller's roles must grant it.
 * Installed as APP_GUARD it covers every HTTP route, and the gRPC handlers of a hybrid application connected with
 * `connectMicroservice(options, { inheritAppConfig: true })` (without it, Nest gives microservices no global guards).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('AuthGuard');

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const grpc = context.getType() === 'rpc';
    const source = sourceOf(context, grpc, this.auth.trustProxy);
    const wait = this.auth.failures?.waitFor(source) ?? 0;
    if (wait > 0) throw this.tooManyFailures(context, grpc, wait);
    const authentication = grpc
      ? await this.auth.authenticateGrpc(context.switchToRpc().getContext<Metadata>())
      : await this.auth.authenticate(context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined> }>().headers);
    if (!authentication.ok) {
      this.auth.failures?.take(source);
      throw this.refusal(grpc, 'unauthenticated', authentication.reason);
    }
    const { identity } = authentication;

    const permission = this.reflector.getAllAndOverride<Permission | undefined>(REQUIRED_PERMISSION, targets);
    if (!permission) {
      const route = `${context.getClass().name}.${context.getHandler().name}`;
      this.logger.warn(`refused ${route}: it declares neither @Public() nor @RequirePermission() (deny by default)`);
      throw this.refusal(grpc, 'forbidden', 'this operation is not open to any role');
    }
    if (!this.auth.permits(identity, permission)) {
      throw this.refusal(grpc, 'forbidden', `permission ${permission} required; roles [${identity.roles.join(', ')}] do not grant it`);
    }
    this.attach(context, grpc, identity);
    return true;
  }

  private attach(context: ExecutionContext, grpc: boolean, identity: Identity): void {
    if (grpc) attachGrpcIdentity(context.switchToRpc().getContext<Metadata>(), identity);
    else context.switchToHttp().getRequest<AuthenticatedRequest>().identity = identity;
  }

  private tooManyFailures(context: ExecutionContext, grpc: boolean, waitSeconds: number): Error {
    const message = `too many failed authentications from this address; retry after ${waitSeconds} s`;
    if (grpc) return new RpcException({ code: RESOURCE_EXHAUSTED, message });
    context.switchToHttp().getResponse<{ setHeader(name: string, value: string): unknown }>().setHeader('retry-after', String(waitSeconds));
    return new HttpException(message, HttpStatus.TOO_MANY_REQUESTS);
  }

  private refusal(grpc: boolean, kind: 'unauthenticated' | 'forbidden', message: string): Error {
    if (grpc) return new RpcException({ code: kind === 'unauthenticated' ? UNAUTHENTICATED : PERMISSION_DENIED, message });
    return kind === 'unauthenticated' ? new UnauthorizedException(message) : new ForbiddenException(message);
  }
}

/**
 * The address a request comes from: the HTTP peer (`ip`, which honours Express's `trust proxy`, set from the same
 * GANTRY_TRUST_PROXY), or the gRPC call's (grpcSource).
 */
function sourceOf(context: ExecutionContext, grpc: boolean, trust: ProxyTrust | undefined): string {
  if (grpc) return grpcSource(context.getArgByIndex<Parameters<typeof grpcSource>[0]>(2), trust);
  const request = context.switchToHttp().getRequest<{ ip?: string; socket?: { remoteAddress?: string } }>();
  return request.ip ?? request.socket?.remoteAddress ?? 'unknown';
}
