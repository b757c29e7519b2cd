import { specification } from '@gantry/decider';
import { authorisationKeyDecider } from './authorisation-key.decider';

const key = { keyId: 'change-enablement-2026', algorithm: 'ed25519' as const, publicKey: '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n', owner: 'change enablement (ServiceNow)' };
const now = '2026-11-20T10:00:00.000Z';
const registered = { type: 'AuthorisationKeyRegistered' as const, data: { ...key, registeredAt: now } };
const revoked = { type: 'AuthorisationKeyRevoked' as const, data: { keyId: 'change-enablement-2026', reason: 'leaked', effectiveAt: '2026-11-01T00:00:00.000Z', revokedAt: now } };
const spec = specification(authorisationKeyDecider);

describe('RegisterAuthorisationKey', () => {
  it('a new key is trusted', () => spec.given([]).when({ type: 'RegisterAuthorisationKey', key, now }).then([registered]));
  it('another key under a taken id is refused', () =>
    spec.given([registered]).when({ type: 'RegisterAuthorisationKey', key: { ...key, algorithm: 'ecdsa-p256' }, now }).thenRefused({ code: 'KeyIdTaken', keyId: 'change-enablement-2026' }));
  it('the same key again changes nothing', () => spec.given([registered]).when({ type: 'RegisterAuthorisationKey', key, now }).thenNothing());
  it('a revoked key is never trusted again', () => spec.given([registered, revoked]).when({ type: 'RegisterAuthorisationKey', key, now }).thenRefused({ code: 'KeyRevoked', keyId: 'change-enablement-2026' }));
});

describe('RevokeAuthorisationKey', () => {
  const revoke = { type: 'RevokeAuthorisationKey' as const, keyId: 'change-enablement-2026', reason: 'leaked', effectiveAt: '2026-11-01T00:00:00.000Z', now };
  it('a trusted key is revoked from its effective time', () => spec.given([registered]).when(revoke).then([revoked]));
  it('a key never registered cannot be revoked', () => spec.given([]).when(revoke).thenRefused({ code: 'KeyNotRegistered', keyId: 'change-enablement-2026' }));
  it('revoking again changes nothing', () => spec.given([registered, revoked]).when(revoke).thenNothing());
});
