import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a signed webhook message, in both directions (Gantry → executor, executor callback → Gantry). */
export const SIGNATURE_HEADER = 'x-gantry-signature';
export const TIMESTAMP_HEADER = 'x-gantry-timestamp';

/** `sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">`: the timestamp is signed too, so it cannot be moved. */
export const sign = (secret: string, timestamp: string, body: string): string => `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

export const signedHeaders = (secret: string, body: string, now: Date): Record<string, string> => {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  return { [TIMESTAMP_HEADER]: timestamp, [SIGNATURE_HEADER]: sign(secret, timestamp, body) };
};

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

/** A signature that matches, on a timestamp inside the replay window. (A replay inside the window is caught by the receipt.) */
export function checkSignature(secret: string, headers: { timestamp?: string; signature?: string }, body: string, now: Date, windowSeconds: number): SignatureCheck {
  const { timestamp, signature } = headers;
  if (!timestamp || !signature) return { ok: false, reason: `${TIMESTAMP_HEADER} and ${SIGNATURE_HEADER} are required` };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'the timestamp is not a number of seconds' };
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > windowSeconds) return { ok: false, reason: 'the timestamp is outside the replay window' };
  const expected = Buffer.from(sign(secret, timestamp, body));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'the signature does not match' };
  return { ok: true };
}
