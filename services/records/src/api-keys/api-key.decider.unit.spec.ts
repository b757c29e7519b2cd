import { specification } from '@gantry/decider';
import type { ApiKeyIssued } from '@gantry/contracts';
import { apiKeyDecider } from './api-key.decider';

const keyId = '7c1d2a9e-3b4f-4e6a-8c0d-1e2f3a4b5c6d';
const issued: ApiKeyIssued = { keyId, name: 'servicenow', roles: ['change-manager'], sha256: 'a'.repeat(64), issuedBy: 'root', issuedAt: '2026-11-23T01:00:00.000Z' };
const revoke = { type: 'RevokeApiKey' as const, keyId, reason: 'rotated', by: 'root', at: '2026-11-24T01:00:00.000Z' };
const revoked = { type: 'ApiKeyRevoked' as const, data: { keyId, name: 'servicenow', reason: 'rotated', revokedBy: 'root', revokedAt: '2026-11-24T01:00:00.000Z' } };
const spec = specification(apiKeyDecider);

describe('IssueApiKey', () => {
  it('records the key by its hash', () => spec.given([]).when({ type: 'IssueApiKey', key: issued }).then([{ type: 'ApiKeyIssued', data: issued }]));
  it('refuses another key under a taken id', () =>
    spec.given([{ type: 'ApiKeyIssued', data: issued }]).when({ type: 'IssueApiKey', key: { ...issued, sha256: 'b'.repeat(64) } }).thenRefused({ code: 'ApiKeyIdTaken', keyId }));
  it('does nothing when the same key is issued again', () => spec.given([{ type: 'ApiKeyIssued', data: issued }]).when({ type: 'IssueApiKey', key: issued }).thenNothing());
});

describe('RevokeApiKey', () => {
  it('revokes an active key, with who, when and why', () => spec.given([{ type: 'ApiKeyIssued', data: issued }]).when(revoke).then([revoked]));
  it('refuses a key that was never issued', () => spec.given([]).when(revoke).thenRefused({ code: 'ApiKeyNotFound', keyId }));
  it('does nothing for a key already revoked', () => spec.given([{ type: 'ApiKeyIssued', data: issued }, revoked]).when(revoke).thenNothing());
});
