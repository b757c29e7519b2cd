import { createHash } from 'node:crypto';

/**
 * The deployment id of a request that names itself: a retried request with the same Idempotency-Key (from the same
 * requester), or the same change enablement event sent again, names the same deployment, so it is planned once. A UUID
 * shaped like version 5 (variant RFC 4122) from the SHA-256 of `<requester> NUL <key>`.
 */
export const deploymentIdFor = (requester: string, idempotencyKey: string): string => {
  const h = createHash('sha256').update(`${requester}\u0000${idempotencyKey}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** The deployment a `ChangeAuthorized` from `source` (its CloudEvent's) asks for: one per change, environment and service. */
export const changeDeploymentId = (source: string, change: { changeId: string; environment: string; service: string }): string =>
  deploymentIdFor(`itsm:${source}`, `${change.changeId}\u0000${change.environment}\u0000${change.service}`);
