/** A JWT's claims, read without checking its signature (the services check it): what the console shows and offers. */
export function claimsOf(token: string): Record<string, unknown> | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
    const claims: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0))));
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The longest a timer waits: a longer delay makes it fire at once. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * How long until a token expires (`expiresAt`, its `exp` in milliseconds since the epoch), to sign out then; undefined
 * when it does not expire, or later than a timer can wait (the services refuse it all the same once it has: the
 * console then signs out on their 401).
 */
export const expiryDelay = (expiresAt: number | undefined, now: number): number | undefined => {
  if (expiresAt === undefined) return undefined;
  const delay = Math.max(0, expiresAt - now);
  return delay > LONGEST_TIMER_MS ? undefined : delay;
};
