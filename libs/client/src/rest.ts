import { GantryError } from './errors';
import type { paths } from './generated/rest';
import { OPERATION_SERVICES } from './generated/operations';

/** The five services of the distributed mode. */
export type GantryService = 'planning' | 'verification' | 'execution' | 'records' | 'model-review';

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'patch';

/** The paths that have an operation for `M`. */
export type PathsWith<M extends HttpMethod> = { [P in keyof paths]: paths[P] extends Record<M, { parameters: unknown }> ? P : never }[keyof paths];

type Operation<P extends keyof paths, M extends HttpMethod> = paths[P] extends Record<M, infer O> ? O : never;

/** The JSON body an operation takes: `BodyOf<'/deployments', 'post'>` is a deployment request. */
export type BodyOf<P extends keyof paths, M extends HttpMethod> = Operation<P, M> extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

type PathParams<O> = O extends { parameters: { path: infer P } } ? { path: P } : unknown;
/** Query values are text on the wire; numbers and booleans are written as text (the servers coerce them back). */
type Loose<Q> = { [K in keyof Q]: Q[K] extends string | undefined ? Q[K] | number | boolean : Q[K] };
type QueryParams<O> = O extends { parameters: { query: infer Q } }
  ? { query: Loose<Q> }
  : O extends { parameters: { query?: infer Q } }
    ? [Q] extends [undefined]
      ? unknown
      : { query?: Loose<NonNullable<Q>> }
    : unknown;
type Body<O> = O extends { requestBody: { content: { 'application/json': infer B } } }
  ? { body: B }
  : O extends { requestBody?: { content: { 'application/json': infer B } } }
    ? { body?: B }
    : unknown;

/**
 * What a 2xx answer holds. The OpenAPI document does not describe most responses yet (the controllers declare no
 * response schemas): those are `any` until it does, when they get their type here without a change to callers.
 */
export type ResponseOf<O> = O extends { responses: infer R }
  ? { [S in keyof R]: S extends 200 | 201 | 202 ? (R[S] extends { content: { 'application/json': infer T } } ? T : any) : never }[keyof R]
  : any;

/** A request's parts: its path parameters, query and body as the operation declares them, and per-call extras. */
export type RequestOptions<O> = PathParams<O> &
  QueryParams<O> &
  Body<O> & {
    headers?: Record<string, string>;
    /** POST only: the `Idempotency-Key` (default: a new random one, so a retry of this call is not a second command) */
    idempotencyKey?: string;
    /** `If-Match`: the ETag last read, which writes to versioned resources require */
    ifMatch?: string;
    signal?: AbortSignal;
  };

/** the options argument may be left out when nothing in it is required */
type Args<O> = Partial<RequestOptions<O>> extends RequestOptions<O> ? [options?: RequestOptions<O>] : [options: RequestOptions<O>];

export interface GantryResponse<T> {
  data: T;
  status: number;
  headers: Headers;
}

export interface GantryClientOptions {
  /** the embedded default's URL (every route on one port), or a gateway in front of the services */
  baseUrl?: string;
  /** the distributed mode: each service's URL; a route goes to the service that serves it (`x-gantry-service`) */
  services?: Partial<Record<GantryService, string>>;
  /** a bearer token (JWT), or a function that gives a fresh one per request */
  token?: string | (() => string | Promise<string>);
  /** a system's API key, sent as `X-Api-Key` */
  apiKey?: string;
  fetch?: typeof fetch;
  /** makes idempotency keys (default: `crypto.randomUUID()`) */
  newIdempotencyKey?: () => string;
}

/**
 * Gantry's REST API, typed from contracts/openapi.json. Runs wherever `fetch` does (Node, browsers): it imports nothing
 * of Node's. Every method resolves with the answer of a 2xx and rejects with a `GantryError` otherwise.
 *
 *     const gantry = new GantryClient({ baseUrl: 'http://127.0.0.1:3000', token });
 *     const { data } = await gantry.get('/deployments/{id}', { path: { id } });
 */
export class GantryClient {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: GantryClientOptions) {
    if (!options.baseUrl && !options.services) throw new Error('GantryClient needs baseUrl (embedded default) or services (distributed mode)');
    this.fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  }

  get<P extends PathsWith<'get'>>(path: P, ...[options]: Args<Operation<P, 'get'>>): Promise<GantryResponse<ResponseOf<Operation<P, 'get'>>>> {
    return this.request('get', path, options);
  }

  post<P extends PathsWith<'post'>>(path: P, ...[options]: Args<Operation<P, 'post'>>): Promise<GantryResponse<ResponseOf<Operation<P, 'post'>>>> {
    return this.request('post', path, options);
  }

  put<P extends PathsWith<'put'>>(path: P, ...[options]: Args<Operation<P, 'put'>>): Promise<GantryResponse<ResponseOf<Operation<P, 'put'>>>> {
    return this.request('put', path, options);
  }

  patch<P extends PathsWith<'patch'>>(path: P, ...[options]: Args<Operation<P, 'patch'>>): Promise<GantryResponse<ResponseOf<Operation<P, 'patch'>>>> {
    return this.request('patch', path, options);
  }

  delete<P extends PathsWith<'delete'>>(path: P, ...[options]: Args<Operation<P, 'delete'>>): Promise<GantryResponse<ResponseOf<Operation<P, 'delete'>>>> {
    return this.request('delete', path, options);
  }

  /** The URL an operation is sent to: the service's that serves it, or the one base URL. */
  urlOf(method: HttpMethod, path: string): string {
    const { baseUrl, services } = this.options;
    if (!services) return baseUrl!;
    const service = (OPERATION_SERVICES as Record<string, GantryService | 'any'>)[`${method.toUpperCase()} ${path}`];
    if (service === undefined) throw new Error(`${method.toUpperCase()} ${path} is not an operation of Gantry's REST API`);
    const url = service === 'any' ? (baseUrl ?? Object.values(services)[0]) : (services[service] ?? baseUrl);
    if (!url) throw new Error(`${method.toUpperCase()} ${path} is served by ${service}, whose URL is not configured`);
    return url;
  }

  private async request(method: HttpMethod, path: string, options: Record<string, unknown> = {}): Promise<GantryResponse<any>> {
    const { path: params, query, body, headers: extra, idempotencyKey, ifMatch, signal } = options as {
      path?: Record<string, string | number>;
      query?: Record<string, unknown>;
      body?: unknown;
      headers?: Record<string, string>;
      idempotencyKey?: string;
      ifMatch?: string;
      signal?: AbortSignal;
    };
    const concrete = path.replace(/\{(\w+)\}/g, (_m, name: string) => {
      const value = params?.[name];
      if (value === undefined) throw new Error(`${path} needs the path parameter ${name}`);
      return encodeURIComponent(String(value));
    });
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query ?? {})) {
      for (const one of Array.isArray(value) ? value : [value]) if (one !== undefined && one !== null) search.append(name, String(one));
    }
    const headers: Record<string, string> = { accept: 'application/json', ...(await this.credentials()) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (method === 'post') headers['idempotency-key'] = idempotencyKey ?? (this.options.newIdempotencyKey ?? (() => globalThis.crypto.randomUUID()))();
    if (ifMatch !== undefined) headers['if-match'] = ifMatch;
    const url = `${this.urlOf(method, path).replace(/\/$/, '')}${concrete}${search.size ? `?${search}` : ''}`;
    const response = await this.fetch(url, { method: method.toUpperCase(), headers: { ...headers, ...extra }, body: body === undefined ? undefined : JSON.stringify(body), signal });
    const text = await response.text();
    let data: unknown = text;
    if (text && /^application\/(?:[\w.-]+\+)?json\b/.test(response.headers.get('content-type') ?? '')) {
      try {
        data = JSON.parse(text);
      } catch {
        // not JSON after all: the text as it came
      }
    }
    if (!response.ok) throw GantryError.of(response.status, data);
    return { data: text ? data : undefined, status: response.status, headers: response.headers };
  }

  private async credentials(): Promise<Record<string, string>> {
    const { token, apiKey } = this.options;
    const bearer = typeof token === 'function' ? await token() : token;
    return { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(apiKey ? { 'x-api-key': apiKey } : {}) };
  }
}
