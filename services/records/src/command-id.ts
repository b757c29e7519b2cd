import type { RequestContext } from '@gantry/platform';
import { createHash } from 'node:crypto';

/** The id of what a request records: derived from the caller and its Idempotency-Key (a retry names the same), else new. */
export const commandId = (context: RequestContext): string =>
  context.idempotencyKey
    ? createHash('sha256').update(`${context.identity.subject}\u0000${context.idempotencyKey}`).digest('hex').slice(0, 32)
    : context.newId();
