import { checkWebhookSignature, verifyWebhookSignature, webhookSignature } from './webhook-signature';

const secret = 'whsec_test';
const body = '{"id":"1"}';
const at = new Date('2026-12-07T10:00:00Z');
const header = webhookSignature(secret, body, at);

describe('the one webhook signature', () => {
  it('is t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => expect(header).toMatch(/^t=1796637600,v1=[0-9a-f]{64}$/));
  it('verifies with the secret, the raw body and a time inside the tolerance', () => expect(verifyWebhookSignature(secret, header, body, new Date(at.getTime() + 60_000))).toBe(true));
  it('says why it refuses', () => {
    expect(checkWebhookSignature(secret, undefined, body, at)).toEqual({ ok: false, reason: 'Gantry-Signature is required' });
    expect(checkWebhookSignature(secret, 'v1=abc', body, at)).toEqual({ ok: false, reason: 'the signature has no t=<unix seconds>' });
    expect(checkWebhookSignature(secret, header, body, new Date(at.getTime() + 301_000))).toEqual({ ok: false, reason: 'the timestamp is outside the replay window' });
    expect(checkWebhookSignature('another', header, body, at)).toEqual({ ok: false, reason: 'the signature does not match' });
    expect(checkWebhookSignature(secret, header, `${body} `, at)).toEqual({ ok: false, reason: 'the signature does not match' });
  });
  it('takes any of several v1 (a receiver rotating its secret)', () =>
    expect(verifyWebhookSignature(secret, `${header},v1=${'0'.repeat(64)}`, body, at)).toBe(true));
});
