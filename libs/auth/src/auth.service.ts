import { Inject, Injectable } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { authenticate, authenticateGrpcMetadata, type Authentication, type Credentials } from './authenticate';
import type { AuthConfig } from './config';
import type { Channel, Identity } from './identity';
import { mayDo, type Permission } from './roles';
import type { ProxyTrust } from './proxies';
import { TokenBuckets } from './token-buckets';

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');

/** Authentication with the application's configuration, for code that decides outside AuthGuard. */
@Injectable()
export class AuthService {
  /** failed authentications by source address; none when not limited */
  readonly failures?: TokenBuckets;

  /** the proxies trusted to name the client, for the source of a gRPC call (HTTP's is Express's `request.ip`) */
  readonly trustProxy?: ProxyTrust;

  constructor(@Inject(AUTH_CONFIG) private readonly config: AuthConfig) {
    this.trustProxy = config.trustProxy;
    const limit = config.failedAuthentications;
    if (limit && limit.perMinute > 0) this.failures = new TokenBuckets(limit.perMinute, Math.max(1, limit.burst));
  }

  authenticate(credentials: Credentials, channel: Channel = 'rest'): Promise<Authentication> {
    return authenticate(credentials, this.config, channel);
  }

  authenticateGrpc(metadata: Metadata): Promise<Authentication> {
    return authenticateGrpcMetadata(metadata, this.config);
  }

  permits(identity: Identity, permission: Permission): boolean {
    return mayDo(identity.roles, permission);
  }
}
