/**
 * A refusal from Gantry: the HTTP status and the body its one error mapping answers with (libs/platform/src/errors.ts:
 * `{statusCode, error, message, code?, details?}`). `code` is the rule that refused (`VersionConflict`, `StaleVersion`,
 * a domain rule such as `RequesterMayNotApprove`); `reasons` the validation problems of a 400, or a rule's reasons.
 */
export class GantryError extends Error {
  override readonly name = 'GantryError';

  constructor(
    readonly status: number,
    message: string,
    readonly code: string | undefined,
    readonly reasons: readonly string[],
    readonly details: Record<string, unknown> | undefined,
    /** the response body as it came (JSON, or text when it was not JSON) */
    readonly body: unknown,
  ) {
    super(message);
  }

  /** The error an answer with this status and body means. */
  static of(status: number, body: unknown): GantryError {
    const b = (body && typeof body === 'object' ? body : {}) as { message?: unknown; code?: unknown; details?: unknown; error?: unknown };
    const messages = Array.isArray(b.message) ? b.message.map(String) : typeof b.message === 'string' ? [b.message] : [];
    const details = b.details && typeof b.details === 'object' ? (b.details as Record<string, unknown>) : undefined;
    const detailReasons = Array.isArray(details?.reasons) ? details.reasons.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))) : [];
    const message = messages.join('; ') || (typeof body === 'string' && body) || (typeof b.error === 'string' ? b.error : `HTTP ${status}`);
    return new GantryError(status, message, typeof b.code === 'string' ? b.code : undefined, Array.isArray(b.message) ? messages : detailReasons, details, body);
  }
}
