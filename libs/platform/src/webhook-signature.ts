import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The one signature of what Gantry POSTs to a receiver on its own initiative (records' notice channels and webhook
 * subscriptions, execution's webhook executor) and of what an executor calls back with: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` (Stripe's scheme). The time is signed
 * too, so a receiver can refuse a replay.
 */
export const WEBHOOK_SIGNATURE_HEADER = 'Gantry-Signature';

const hmac = (secret: string, timestamp: string, body: string) => createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');

export const webhookSignature = (secret: string, body: string, now: Date): string => {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return `t=${timestamp},v1=${hmac(secret, timestamp, body)}`;
};

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/**
 * What a receiver does with the header: take `t` and every `v1`, recompute the HMAC over `<t>.<raw body>` with its
 * secret, compare in constant time, and refuse a `t` further than its tolerance from now (a replay; one inside the
 * window is the receiver's to catch, e.g. by keeping the signatures it has seen).
 */
export function checkWebhookSignature(secret: string, header: string | undefined, body: string, now: Date, toleranceSeconds = 300): SignatureCheck {
  if (!header) return { ok: false, reason: `${WEBHOOK_SIGNATURE_HEADER} is required` };
  const parts = header.split(',').map((p) => p.trim().split('=', 2) as [string, string | undefined]);
  const timestamp = parts.find(([k]) => k === 't')?.[1];
  if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'the signature has no t=<unix seconds>' };
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) return { ok: false, reason: 'the timestamp is outside the replay window' };
  const expected = Buffer.from(hmac(secret, timestamp, body));
  const matches = parts.some(([k, v]) => k === 'v1' && v !== undefined && v.length === expected.length && timingSafeEqual(Buffer.from(v), expected));
  return matches ? { ok: true } : { ok: false, reason: 'the signature does not match' };
}

export const verifyWebhookSignature = (secret: string, header: string | undefined, body: string, now: Date, toleranceSeconds = 300): boolean =>
  checkWebhookSignature(secret, header, body, now, toleranceSeconds).ok;
