import { mintToken } from '@gantry/auth';
import { GantryClient, GantryError } from '@gantry/client';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { authoriseComponents, reportPassingSmokeTests } from './support/authorised-components';
import { deploymentRequest, MILESTONES, stagingEnvironment } from './support/deployments';
import { childEnv, eventuallyWhileRunning, startGantryProcess, type GantryProcess } from './support/processes';

/**
 * `npm start` with nothing configured: one process, PGlite in the data directory, the in-process bus; driven through
 * @gantry/client with the one base URL.
 */
let gantry: GantryProcess;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'gantry-embedded-'));
  gantry = await startGantryProcess('standalone', 'services/standalone/src/main.ts', childEnv({ GANTRY_DATA_DIR: dataDir, GANTRY_JWT_SECRET: '', LOG_LEVEL: 'info' }), {
    timeoutMs: 120_000,
  });
}, 150_000);

afterAll(async () => {
  await gantry?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('the same request and audit query work with the embedded defaults', async () => {
  expect(gantry.output()).toMatch(/database: embedded, bus: in-process/);
  const secret = readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim();
  const token = await mintToken(secret, { sub: 'demo.user', roles: ['deployment-manager'] });
  const client = new GantryClient({ baseUrl: gantry.url, token });
  const registered = await client.post('/environments', { body: stagingEnvironment });
  expect(registered.status).toBe(201);
  await authoriseComponents(gantry.url, token);
  const response = await client.post('/deployments', { body: deploymentRequest() });
  expect(response.status).toBe(201);
  const { deploymentId } = response.data as { deploymentId: string };
  await reportPassingSmokeTests(gantry, token, deploymentId);
  const auditor = new GantryClient({ baseUrl: gantry.url, token: await mintToken(secret, { sub: 'alice.auditor', roles: ['auditor'] }) });
  const body = await eventuallyWhileRunning(
    [gantry],
    async () => {
      const json = await auditor.get('/audit/deployments/{id}', { path: { id: deploymentId } }).then(
        ({ data }) => data as { state: { phase: string }; projection: unknown; history: { type: string }[] },
        (error: unknown) => {
          if (error instanceof GantryError && error.status === 404) return undefined;
          throw error;
        },
      );
      return json && MILESTONES.every((m) => json.history.some((h) => h.type === m)) && isDeepStrictEqual(json.state, json.projection) ? json : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200, what: 'the embedded default to record the deployment' },
  );
  const types = body.history.map((h) => h.type);
  expect(MILESTONES.map((m) => types.indexOf(m)).every((p) => p >= 0)).toBe(true);
  expect(body.state).toEqual(body.projection);
  expect(body.state).toMatchObject({ phase: 'closed', outcome: 'succeeded' });
});

it("what README's Try it shows: the complete record with ?waitForOutcome, and the deployment succeeded in planning", async () => {
  const secret = readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim();
  const token = await mintToken(secret, { sub: 'demo.user', roles: ['deployment-manager'] });
  const client = new GantryClient({ baseUrl: gantry.url, token });
  const response = await client.post('/deployments', { body: deploymentRequest({ service: 'try-it' }) });
  expect(response.status).toBe(201);
  const { deploymentId } = response.data as { deploymentId: string };
  await reportPassingSmokeTests(gantry, token, deploymentId);
  const audit = await client.get('/audit/deployments/{id}', { path: { id: deploymentId }, query: { waitForOutcome: 30 } });
  expect(audit.status).toBe(200);
  const body = audit.data as { state: unknown; projection: unknown; history: { type: string; source: string }[]; integrity: unknown };
  expect(body.state).toMatchObject({ phase: 'closed', outcome: 'succeeded' });
  // on PGlite too, the audit read says its entries verify against the latest signed checkpoint (or are newer than it)
  expect(body.integrity).toMatchObject({ verified: true, notCheckpointed: expect.any(Array), firstFailure: null });
  expect(body.projection).toEqual(body.state);
  expect(MILESTONES.slice(0, -1).every((m) => body.history.some((h) => h.type === m))).toBe(true);

  const deployment = await eventuallyWhileRunning(
    [gantry],
    async () => {
      const got = (await client.get('/deployments/{id}', { path: { id: deploymentId } })).data as { status: string; progress?: object };
      return got.status === 'succeeded' ? got : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 200, what: 'planning to say the deployment succeeded' },
  );
  expect(deployment.progress).toMatchObject({ startedAt: expect.any(String), executedAt: expect.any(String), outcome: 'succeeded', closedAt: expect.any(String) });
  expect((await client.get('/schedule', { query: { environment: 'staging' } })).status).toBe(200);
  expect((await client.get('/kpis')).status).toBe(200);
});

it('the embedded default starts with the starter catalogue of deployment models', async () => {
  const secret = readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim();
  const token = await mintToken(secret, { sub: 'alice.auditor', roles: ['auditor'] });
  const response = await new GantryClient({ baseUrl: gantry.url, token }).get('/models', { query: { status: 'active' } });
  expect(response.status).toBe(200);
  const { models } = response.data as { models: { name: string }[] };
  expect(models.map((m) => m.name)).toEqual(
    expect.arrayContaining(['hardware-for-external-consumers', 'vendor-hardware', 'software-for-external-consumers', 'in-house-software-ci-cd', 'component-retirement']),
  );
});
