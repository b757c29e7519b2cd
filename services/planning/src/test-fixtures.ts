import { sign, type KeyObject } from 'node:crypto';
import type { EnvironmentDefinition } from '@gantry/contracts';

// Test support for this service's unit tests: environments as the rules of several slices see them.

/** A production environment in Berlin: Saturday-night windows, a year-end freeze, two approvals by service owners. */
export const production: EnvironmentDefinition = {
  name: 'production',
  kind: 'production',
  position: 5,
  attributes: { operatingSystem: 'linux', runtimeVersions: { node: '24.1.0' }, capacityUnits: 64, allowedPorts: [443] },
  targets: [
    { name: 'prod-eu-1', kind: 'host', labels: { site: 'eu' } },
    { name: 'prod-eu-2', kind: 'host', labels: { site: 'eu' } },
    { name: 'prod-us-1', kind: 'host', labels: { site: 'us' } },
    { name: 'prod-us-2', kind: 'host', labels: { site: 'us' } },
  ],
  timeZone: 'Europe/Berlin',
  deploymentWindows: [{ days: ['saturday'], start: '22:00', end: '04:00' }],
  freezes: [
    { id: 'year-end', reason: 'year-end trading', start: '2026-12-20T00:00:00Z', end: '2027-01-04T00:00:00Z' },
    { id: 'payments-audit', reason: 'payments audit', services: ['payments'], start: '2026-11-14T00:00:00Z', end: '2026-11-16T00:00:00Z' },
  ],
  approvalPolicy: { roles: ['service-owner'], minimumApprovers: 1 },
};

/** Staging, any time, no approvals. */
export const staging: EnvironmentDefinition = {
  name: 'staging',
  kind: 'staging',
  position: 4,
  attributes: {},
  targets: [
    { name: 'staging-eu-1', kind: 'host' },
    { name: 'staging-eu-2', kind: 'host' },
  ],
  timeZone: 'UTC',
  deploymentWindows: [],
  freezes: [],
  approvalPolicy: { roles: [], minimumApprovers: 0 },
};

/** A signed authorisation as change enablement makes it: a compact JWS over the claims, EdDSA or ES256 by the key's type. */
export const signedAuthorisation = (kid: string, claims: unknown, privateKey: KeyObject): string => {
  const alg = privateKey.asymmetricKeyType === 'ed25519' ? 'EdDSA' : 'ES256';
  const input = `${Buffer.from(JSON.stringify({ alg, kid })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const signature = alg === 'EdDSA' ? sign(null, Buffer.from(input), privateKey) : sign('sha256', Buffer.from(input), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return `${input}.${signature.toString('base64url')}`;
};
