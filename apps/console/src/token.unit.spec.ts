import { aJwt } from './sign-in/test-fixtures';
import { claimsOf, expiryDelay } from './token';

const NOW = Date.parse('2026-03-01T09:00:00Z');

it("reads a JWT's claims, and nothing from what is not one", () => {
  expect(claimsOf(aJwt({ sub: 'dörte', roles: ['auditor'], exp: 1_800_000_000 }))).toEqual({ sub: 'dörte', roles: ['auditor'], exp: 1_800_000_000 });
  for (const token of ['opaque', 'a.!!!.c', `x.${Buffer.from('[1]').toString('base64url')}.y`]) expect(claimsOf(token)).toBeUndefined();
});

describe('a session ends when its token expires', () => {
  it('at its expiry, or at once when that has passed', () => {
    expect(expiryDelay(NOW + 5_000, NOW)).toBe(5_000);
    expect(expiryDelay(NOW - 60_000, NOW)).toBe(0);
  });

  it('never by a timer without an expiry (an API key), or later than a timer can wait (the services refuse it then)', () => {
    expect(expiryDelay(undefined, NOW)).toBeUndefined();
    expect(expiryDelay(NOW + 2 ** 31 - 1, NOW)).toBe(2 ** 31 - 1);
    expect(expiryDelay(NOW + 30 * 24 * 3600_000, NOW)).toBeUndefined();
  });
});
