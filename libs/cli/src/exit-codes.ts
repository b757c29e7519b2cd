import { GantryError } from '@gantry/client';

/** What `gantry` exits with, for scripts that branch on it (libs/cli/README.md). */
export const EXIT = {
  ok: 0,
  /** the server refused (a rule, validation, not found) or something else went wrong */
  refused: 1,
  /** the command line is wrong */
  usage: 2,
  /** the credentials were refused (401) or lack the permission (403) */
  auth: 3,
  /** no server answered at the URL */
  unreachable: 4,
  /** the outcome is not the one asked for: a watched deployment did not succeed, a ledger export does not verify */
  notSucceeded: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An expected failure with its one-line message and exit code: printed as it is, without a stack trace. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}

/** The network failures of fetch (undici) that mean no server answered, rather than a server that refused. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);

const networkCode = (error: unknown): string | undefined => {
  let e = error as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++, e = e.cause as typeof e) {
    if (typeof e.code === 'string' && UNREACHABLE.has(e.code)) return e.code;
  }
  return undefined;
};

/** The one line and exit code an error gets: a GantryError its status, code, message and reasons. */
export function failureOf(error: unknown, url: string): CliFailure {
  if (error instanceof CliFailure) return error;
  if (error instanceof GantryError) {
    const what = [`HTTP ${error.status}`, error.code].filter(Boolean).join(' ');
    const reasons = error.reasons.length > 0 && error.reasons.join('; ') !== error.message ? ` (reasons: ${error.reasons.join('; ')})` : '';
    if (error.status === 401) return new CliFailure(`not authenticated at ${url}: ${what}: ${error.message}; run \`gantry login\` or set GANTRY_TOKEN`, EXIT.auth);
    if (error.status === 403) return new CliFailure(`not allowed: ${what}: ${error.message}${reasons}`, EXIT.auth);
    return new CliFailure(`${what}: ${error.message}${reasons}`, EXIT.refused);
  }
  // fetch's own refusals (a port it never calls, a malformed URL) say only `fetch failed`, with the reason in the cause
  const code = networkCode(error) ?? (error instanceof TypeError && error.message === 'fetch failed' ? ((error.cause as Error | undefined)?.message ?? 'fetch failed') : undefined);
  if (code) return new CliFailure(`cannot reach Gantry at ${url} (${code}): is it running, and is the URL right? (\`gantry login <url>\` or GANTRY_URL)`, EXIT.unreachable);
  return new CliFailure((error as Error)?.message ?? String(error), EXIT.refused);
}

/** A deployment watched past its timeout: not the outcome asked for yet. */
export const stillGoing = (id: string, status: string | undefined, timeout: number) => new CliFailure(`deployment ${id} is still ${status ?? 'unknown'} after ${timeout} s`, EXIT.refused);
