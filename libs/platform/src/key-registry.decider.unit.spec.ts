import { specification } from '@gantry/decider';
import { keyRegistryDecider, type KeyKind } from './key-registry.decider';

// each registry by its kind, with a key of the kind it holds: a build pipeline's, change enablement's
describe.each([
  { kind: 'SigningKey' as KeyKind, keyId: 'ci-2026', owner: 'payments CI' },
  { kind: 'AuthorisationKey' as KeyKind, keyId: 'change-enablement-2026', owner: 'change enablement (ServiceNow)' },
])('$kind', ({ kind, keyId, owner }) => {
  const key = { keyId, algorithm: 'ed25519' as const, publicKey: '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n', owner };
  const now = '2026-11-20T10:00:00.000Z';
  const registered = { type: `${kind}Registered` as const, data: { ...key, registeredAt: now } };
  const revoked = { type: `${kind}Revoked` as const, data: { keyId, reason: 'leaked', effectiveAt: '2026-11-01T00:00:00.000Z', revokedAt: now } };
  const spec = specification(keyRegistryDecider(kind));

  describe(`Register${kind}`, () => {
    const register = { type: `Register${kind}` as const, key, now };
    it('a new key is trusted', () => spec.given([]).when(register).then([registered]));
    it('another key under a taken id is refused', () => spec.given([registered]).when({ ...register, key: { ...key, algorithm: 'ecdsa-p256' } }).thenRefused({ code: 'KeyIdTaken', keyId }));
    it('the same key again changes nothing', () => spec.given([registered]).when(register).thenNothing());
    it('a revoked key is never trusted again', () => spec.given([registered, revoked]).when(register).thenRefused({ code: 'KeyRevoked', keyId }));
  });

  describe(`Revoke${kind}`, () => {
    const revoke = { type: `Revoke${kind}` as const, keyId, reason: 'leaked', effectiveAt: '2026-11-01T00:00:00.000Z', now };
    it('a trusted key is revoked from its effective time', () => spec.given([registered]).when(revoke).then([revoked]));
    it('a key never registered cannot be revoked', () => spec.given([]).when(revoke).thenRefused({ code: 'KeyNotRegistered', keyId }));
    it('revoking again changes nothing', () => spec.given([registered, revoked]).when(revoke).thenNothing());
  });
});
