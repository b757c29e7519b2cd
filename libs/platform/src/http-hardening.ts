import { HttpException, HttpStatus, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { TokenBuckets, type AuthenticatedRequest } from '@gantry/auth';
import type { Observable } from 'rxjs';

/**
 * Headers every API answer carries: no sniffing, no framing, no referrer, nothing cached (answers hold audit data).
 * The API serves JSON only, so its content security policy allows nothing; the Swagger UI under /docs needs its
 * own scripts and styles and gets a policy limited to this origin; so does the web console (`/` and `/assets/`), whose
 * scripts and styles are files of its build, never inline.
 */
export function securityHeaders(request: { path?: string; url?: string }, response: { setHeader(name: string, value: string): unknown }, next: () => void): void {
  const path = request.path ?? request.url ?? '';
  response.setHeader('x-content-type-options', 'nosniff');
  response.setHeader('x-frame-options', 'DENY');
  response.setHeader('referrer-policy', 'no-referrer');
  response.setHeader('cross-origin-resource-policy', 'same-origin');
  response.setHeader('content-security-policy', contentSecurityPolicy(path));
  response.setHeader('cache-control', 'no-store');
  next();
}

const contentSecurityPolicy = (path: string): string => {
  if (path.startsWith('/docs')) return "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";
  if (path === '/' || path.startsWith('/assets/')) return consoleContentSecurityPolicy();
  return "default-src 'none'; frame-ancestors 'none'";
};

/**
 * The web console's policy: its own files only, and its fetches to this origin and to `connectOrigins` (the identity
 * provider it signs people in with: discovery and the token endpoint).
 */
export const consoleContentSecurityPolicy = (connectOrigins: readonly string[] = []): string =>
  `default-src 'self'; ${connectOrigins.length ? `connect-src 'self' ${connectOrigins.join(' ')}; ` : ''}img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;

/**
 * Requests per identity, as a token bucket: `perMinute` tokens refill evenly, up to `burst` at once. Past it: 429 with
 * Retry-After (seconds until one token is back). Counted per process, after authentication, by subject (an
 * unauthenticated request was already refused by AuthGuard, which limits failed authentications per source). gRPC is
 * not counted here.
 */
@Injectable()
export class RateLimit implements NestInterceptor {
  private readonly buckets: TokenBuckets;

  constructor(
    private readonly perMinute: number,
    burst: number,
    now: () => number = Date.now,
  ) {
    this.buckets = new TokenBuckets(perMinute, burst, now);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http' || this.perMinute <= 0) return next.handle();
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!request.identity) return next.handle();
    const waitSeconds = this.take(request.identity.subject);
    if (waitSeconds > 0) {
      context.switchToHttp().getResponse<{ setHeader(name: string, value: string): unknown }>().setHeader('retry-after', String(waitSeconds));
      throw new HttpException(`rate limit of ${this.perMinute} requests per minute exceeded; retry after ${waitSeconds} s`, HttpStatus.TOO_MANY_REQUESTS);
    }
    return next.handle();
  }

  /** takes a token; 0 when there was one, else the seconds until there is */
  take(subject: string): number {
    return this.buckets.take(subject);
  }
}

/**
 * body-parser's `verify`, which runs on a JSON body's bytes before they are parsed, before authentication: keeps the
 * bytes as `rawBody` (signed webhook callbacks are checked against the bytes that were signed) and refuses a body
 * nesting objects and arrays deeper than `maxDepth` (400). Deep enough nesting overflows the
 * stack of what validates a body, and parsing and validating it costs seconds; counting brackets costs microseconds.
 */
export const keepingRawBody =
  (maxDepth: number) =>
  (request: { rawBody?: Buffer }, _response: unknown, body: Buffer): void => {
    request.rawBody = body;
    // body-parser answers what `verify` throws with the error's own status
    if (nestsDeeperThan(body, maxDepth)) throw Object.assign(new Error(`request body nests deeper than ${maxDepth} levels`), { status: 400, type: 'entity.too.deep' });
  };

/** Whether JSON text opens more than `maxDepth` objects and arrays inside each other (brackets in strings do not count). */
export function nestsDeeperThan(json: Uint8Array, maxDepth: number): boolean {
  const QUOTE = 0x22;
  const BACKSLASH = 0x5c;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const byte = json[i];
    if (inString) {
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) inString = true;
    else if (byte === 0x7b || byte === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (byte === 0x7d || byte === 0x5d) depth--;
  }
  return false;
}
