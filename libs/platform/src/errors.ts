import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { StreamVersionConflict } from '@gantry/event-store';

/** A business rule refused a command: an expected failure, carried as a value up to the edge. */
export class RuleRefused extends Error {
  constructor(
    readonly code: string,
    readonly details: Record<string, unknown> = {},
    /** 409 when the current state forbids it, 422 when the request can never be accepted as stated, 403 when the rule is about who asks */
    readonly status: 403 | 409 | 422 = 409,
  ) {
    super(`${code}${Object.keys(details).length ? `: ${JSON.stringify(details)}` : ''}`);
  }
}

/** The client's If-Match named a version that is no longer current. */
export class StaleVersion extends Error {
  constructor(readonly expected: number, readonly actual: number) {
    super(`If-Match names version ${expected}, the current version is ${actual}`);
  }
}

export class NotFound extends Error {}

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  code?: string;
  details?: Record<string, unknown>;
}

const CONNECTION_ERROR_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', '57P01', '57P02', '57P03', '08000', '08003', '08006']);

/**
 * Whether another writer got there first: a stream moved under the command, or PostgreSQL broke a deadlock between
 * two writers by aborting this one (40P01). Deciding again on what is there now is the answer to both.
 */
export const lostARace = (error: unknown): boolean => error instanceof StreamVersionConflict || (error as { code?: string })?.code === '40P01';

/** Whether an error means the database (or another dependency) is unavailable rather than that the request is wrong. */
export const isUnavailable = (error: unknown): boolean => {
  const e = error as { code?: string; message?: string };
  return (e?.code !== undefined && CONNECTION_ERROR_CODES.has(e.code)) || /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect/.test(e?.message ?? '');
};

/** The one mapping from failures to HTTP responses. Unexpected errors are logged and answered without internals. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message = typeof response === 'string' ? response : ((response as { message?: string | string[] }).message ?? error.message);
    return { statusCode: status, error: HttpStatus[status] ?? 'Error', message };
  }
  if (error instanceof RuleRefused) {
    return { statusCode: error.status, error: HttpStatus[error.status], message: error.message, code: error.code, details: error.details };
  }
  if (lostARace(error)) {
    return { statusCode: 409, error: 'CONFLICT', message: 'the resource was changed concurrently; read it again and retry', code: 'VersionConflict' };
  }
  if (error instanceof StaleVersion) {
    return { statusCode: 412, error: 'PRECONDITION_FAILED', message: error.message, code: 'StaleVersion' };
  }
  if (error instanceof NotFound) return { statusCode: 404, error: 'NOT_FOUND', message: error.message };
  const bodyParser = error as { type?: string; status?: number; limit?: number };
  if (bodyParser?.type === 'entity.too.large') {
    return { statusCode: 413, error: 'PAYLOAD_TOO_LARGE', message: `request body exceeds the limit of ${bodyParser.limit} bytes` };
  }
  if (bodyParser?.type === 'entity.parse.failed') return { statusCode: 400, error: 'BAD_REQUEST', message: 'request body is not valid JSON' };
  if (typeof bodyParser?.status === 'number' && bodyParser.status >= 400 && bodyParser.status < 500) {
    return { statusCode: bodyParser.status, error: HttpStatus[bodyParser.status] ?? 'Error', message: (error as Error).message };
  }
  if ((error as Error)?.name === 'IdentityProviderUnavailable') return { statusCode: 503, error: 'SERVICE_UNAVAILABLE', message: (error as Error).message };
  // PostgreSQL refused text it cannot store (a NUL character, an invalid byte sequence): the request's fault
  if ((error as { code?: string })?.code === '22021' || (error as { code?: string })?.code === '22P05') {
    return { statusCode: 400, error: 'BAD_REQUEST', message: 'the request holds characters that cannot be stored (e.g. NUL)' };
  }
  if (isUnavailable(error)) return { statusCode: 503, error: 'SERVICE_UNAVAILABLE', message: 'a dependency is unavailable; retry later' };
  return { statusCode: 500, error: 'INTERNAL_SERVER_ERROR', message: 'internal error' };
}

@Catch()
export class ErrorMapping implements ExceptionFilter {
  private readonly logger = new Logger('ErrorMapping');

  catch(error: unknown, host: ArgumentsHost): void {
    const body = toErrorBody(error);
    // an outage (503) is expected and says what is down; anything else 5xx is a bug and gets its stack
    if (body.statusCode === 503) this.logger.warn(`answered 503: ${error instanceof Error ? error.message : String(error)}`);
    else if (body.statusCode >= 500) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    if (host.getType() !== 'http') throw error;
    const response = host.switchToHttp().getResponse();
    response.status(body.statusCode).json(body);
  }
}

/** The part of the HTTP response a controller may touch (headers and status), whatever the HTTP adapter. */
export interface HttpResponse {
  setHeader(name: string, value: string): unknown;
  status(code: number): unknown;
}
