/**
 * CORS (cross-origin resource sharing): which web pages of other origins a browser lets read the API's answers, for
 * a console served apart from the services (GANTRY_CORS_ORIGINS). It only tells browsers what they may show the page:
 * every request still passes authentication, the rate limits and the body guards, whatever its origin.
 */

/** What `@gantry/client` and the API's callers send besides the headers any page may send. */
export const CORS_REQUEST_HEADERS = [
  'authorization',
  'content-type',
  'idempotency-key',
  'if-match',
  'if-none-match',
  'x-api-key',
  'x-correlation-id',
  'x-request-id',
  'traceparent',
  'tracestate',
] as const;

/** The answers' headers a page needs to read: versions for `If-Match`, where a new resource is, when to retry, a file's name. */
export const CORS_EXPOSED_HEADERS = ['etag', 'location', 'retry-after', 'content-disposition'] as const;

export const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** How long a browser may keep a preflight's answer before it asks again. */
export const CORS_PREFLIGHT_MAX_AGE_SECONDS = 600;

interface Request {
  method?: string;
  path?: string;
  url?: string;
  headers: Record<string, string | string[] | undefined>;
}

interface Response {
  statusCode: number;
  getHeader(name: string): unknown;
  setHeader(name: string, value: string): unknown;
  end(): unknown;
}

/**
 * The middleware for the allowed origins (installed only when there are some). A page of an allowed origin gets its
 * origin back (never `*`) with what it may read; its preflight (an OPTIONS with `Access-Control-Request-Method`) is
 * answered 204 here, before a route, since it carries no credential and does nothing. Any other origin gets no CORS
 * header, so its browser keeps the answer from the page. The console's own doors (`/console/…`, the development
 * sign-in) answer the console this process serves, never another origin's page.
 */
export function crossOriginAccess(origins: readonly string[]) {
  const allowed = new Set(origins);
  return (request: Request, response: Response, next: () => void): void => {
    // the answer depends on the origin: caches must not hand one origin's to another
    const vary = response.getHeader('vary');
    response.setHeader('vary', vary ? `${String(vary)}, Origin` : 'Origin');
    const origin = request.headers.origin;
    const path = request.path ?? request.url ?? '';
    if (typeof origin !== 'string' || !allowed.has(origin) || path.startsWith('/console/')) return next();
    response.setHeader('access-control-allow-origin', origin);
    if (request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined) {
      response.setHeader('access-control-allow-methods', CORS_METHODS.join(', '));
      response.setHeader('access-control-allow-headers', CORS_REQUEST_HEADERS.join(', '));
      response.setHeader('access-control-max-age', String(CORS_PREFLIGHT_MAX_AGE_SECONDS));
      response.statusCode = 204;
      response.end();
      return;
    }
    response.setHeader('access-control-expose-headers', CORS_EXPOSED_HEADERS.join(', '));
    next();
  };
}
