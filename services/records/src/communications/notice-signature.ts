import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that signs a notice POSTed to a channel: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">` (Stripe's scheme). */
export const NOTICE_SIGNATURE_HEADER = 'Gantry-Signature';
/** The notice's id: the same on every attempt, so a receiver keeps one delivery per id. */
export const NOTICE_ID_HEADER = 'Gantry-Notice-Id';

const hmac = (secret: string, timestamp: string, body: string) => createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

export const noticeSignature = (secret: string, body: string, now: Date): string => {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;
};

/**
 * What a receiver does with the header (docs in services/records/README.md): take `t` and every `v1`, recompute the
 * HMAC over `<t>.<raw body>` with the channel's secret, compare in constant time, and refuse a `t` older than its
 * tolerance (a replay).
 */
export function verifyNoticeSignature(secret: string, header: string | undefined, body: string, now: Date, toleranceSeconds = 300): boolean {
  const parts = (header ?? '').split(',').map((p) => p.trim().split('=', 2) as [string, string | undefined]);
  const timestamp = parts.find(([k]) => k === 't')?.[1];
  if (!timestamp || !/^\d{1,12}$/.test(timestamp) || Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(hmac(secret, timestamp, body));
  return parts.some(([k, v]) => k === 'v1' && v !== undefined && v.length === expected.length && timingSafeEqual(Buffer.from(v), expected));
}
