import { mintToken } from '@gantry/auth';
import { boot, type RunningProcess } from '@gantry/platform';
import { createTestDatabase, eventually, type TestDatabase } from '@gantry/testing';
import { standalone } from './standalone';

/** API keys for systems, issued and revoked by an admin at run time, honoured by every service of the process. */
const secret = 'api-keys-secret-of-at-least-32-characters';
let database: TestDatabase;
let running: RunningProcess;
let admin: string;

beforeAll(async () => {
  database = await createTestDatabase('gantry_keys');
  running = await boot('standalone', { ...standalone, grpc: false, env: { DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', GANTRY_JWT_SECRET: secret } });
  admin = await mintToken(secret, { sub: 'root@ops', roles: ['admin'] });
}, 60_000);

afterAll(async () => {
  await running?.stop();
  await database?.drop();
});

const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) =>
  fetch(`${running.url}${path}`, { method, headers: { 'content-type': 'application/json', ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

describe('API keys issued by admins', () => {
  it('a key works at every service with its roles only, shows its last use, and stops working once revoked', async () => {
    const issued = await call('POST', '/api-keys', { authorization: `Bearer ${admin}` }, { name: 'servicenow-prod', roles: ['auditor'] });
    expect(issued.status).toBe(201);
    const key = (await issued.json()) as { keyId: string; key: string; name: string; roles: string[] };
    expect(key).toMatchObject({ name: 'servicenow-prod', roles: ['auditor'], key: expect.stringMatching(/^gk_[A-Za-z0-9_-]{43}$/) });
    expect(JSON.stringify(key)).not.toMatch(/sha256/);

    const withKey = { 'x-api-key': key.key };
    // every service learns the key from records' topic and keeps it in its own schema (in the distributed mode each
    // process looks keys up there; this embedded process looks them up in records' copy)
    await eventually(async () => {
      const { rows } = await running.runtime.db.query<{ n: string }>(
        ['planning', 'verification', 'execution', 'records', 'model_review'].map((schema) => `SELECT count(*) AS n FROM ${schema}.api_keys WHERE key_id = $1`).join(' UNION ALL '),
        [key.keyId],
      );
      return rows.length === 5 && rows.every((r) => r.n === '1');
    }, { what: 'every service to hold the key' });
    for (const path of ['/environments', '/audit/digest', '/models']) {
      await eventually(async () => (await call('GET', path, withKey)).status === 200, { what: `the key to be accepted at ${path}` });
    }
    expect((await call('POST', '/environments', withKey, {})).status).toBe(403);
    expect((await call('GET', '/api-keys', withKey)).status).toBe(403);

    const listed = (await (await call('GET', '/api-keys', { authorization: `Bearer ${admin}` })).json()) as { apiKeys: Record<string, unknown>[] };
    const entry = listed.apiKeys.find((k) => k.keyId === key.keyId)!;
    expect(entry).toMatchObject({ name: 'servicenow-prod', roles: ['auditor'], issuedBy: 'root@ops', revokedAt: null, lastUsedAt: expect.any(String) });
    expect(JSON.stringify(listed)).not.toContain(key.key);

    const revoked = await call('POST', `/api-keys/${key.keyId}/revoke`, { authorization: `Bearer ${admin}` }, { reason: 'rotated after the pilot' });
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ keyId: key.keyId, revokedBy: 'root@ops', reason: 'rotated after the pilot' });
    for (const path of ['/environments', '/audit/digest', '/models']) {
      await eventually(async () => (await call('GET', path, withKey)).status === 401, { what: `the key to be refused at ${path}` });
    }
    // revoking again changes nothing; an unknown key is 404; only admins manage keys
    expect((await call('POST', `/api-keys/${key.keyId}/revoke`, { authorization: `Bearer ${admin}` }, { reason: 'again' })).status).toBe(200);
    expect((await call('POST', '/api-keys/5b0c2f4e-8a4a-4d3e-9a51-0d7a3f1f2b11/revoke', { authorization: `Bearer ${admin}` }, { reason: 'x' })).status).toBe(404);
    const manager = await mintToken(secret, { sub: 'dana', roles: ['deployment-manager'] });
    expect((await call('POST', '/api-keys', { authorization: `Bearer ${manager}` }, { name: 'x', roles: ['admin'] })).status).toBe(403);
  });

  it('the issue and the revocation are in the ledger with the admin as actor, by hash only', async () => {
    const issued = (await (await call('POST', '/api-keys', { authorization: `Bearer ${admin}` }, { name: 'jenkins', roles: ['deployment-practitioner'] })).json()) as { keyId: string; key: string };
    await call('POST', `/api-keys/${issued.keyId}/revoke`, { authorization: `Bearer ${admin}` }, { reason: 'leaked in a build log' });
    const entries = await eventually(async () => {
      const { rows } = await running.runtime.db.query<{ event: { type: string; data: Record<string, unknown>; actor?: unknown } }>(
        `SELECT event FROM records.ledger WHERE event->'data'->>'keyId' = $1 ORDER BY position`,
        [issued.keyId],
      );
      return rows.length === 2 && rows.map((r) => r.event);
    }, { what: 'both events in the ledger' });
    expect(entries.map((e) => e.type)).toEqual(['gantry.records.ApiKeyIssued.v1', 'gantry.records.ApiKeyRevoked.v1']);
    expect(JSON.stringify(entries)).toContain('root@ops');
    expect(JSON.stringify(entries)).not.toContain(issued.key);
  });

  it('bad input is refused and records nothing', async () => {
    for (const body of [{ name: 'x', roles: [] }, { name: 'x', roles: ['god'] }, { name: '../etc', roles: ['auditor'] }, { name: 'x', roles: ['auditor'], extra: 1 }]) {
      expect((await call('POST', '/api-keys', { authorization: `Bearer ${admin}` }, body)).status).toBe(400);
    }
    expect((await call('POST', '/api-keys/not-a-uuid/revoke', { authorization: `Bearer ${admin}` }, { reason: 'x' })).status).toBe(400);
  });
});
