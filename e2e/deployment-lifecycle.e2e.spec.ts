import { mintToken } from '@gantry/auth';
import { GantryClient, GantryError } from '@gantry/client';
import { gantryGrpc, unary } from '@gantry/client/grpc';
import { Kafka, logLevel } from 'kafkajs';
import { createTestDatabase, createTestDatabaseRoles, type TestDatabase, type TestDatabaseRoles } from '@gantry/testing';
import { Client } from 'pg';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { authoriseComponents, reportPassingSmokeTests } from './support/authorised-components';
import { causesComeFirst, deploymentRequest, idempotencyKey, MILESTONES, stagingEnvironment } from './support/deployments';
import { childEnv, eventuallyWhileRunning, repoRoot, startGantryProcess, type GantryProcess } from './support/processes';

/**
 * The five services as production runs them: separate processes on real Kafka and PostgreSQL (migrating as the owner
 * role, running as the runtime role), driven over REST and gRPC the way change enablement and an auditor would: through
 * @gantry/client, which sends each call to the service that serves it. Hostile input goes over plain fetch: the client's
 * types would not let it be sent.
 */
// five processes on a 2-core machine shared with the other suites: the first deployment waits for every consumer group
// to settle, and later ones for a busy broker; the waits poll a condition, these are only their ceilings
jest.setTimeout(240_000);

const SECRET = 'e2e-secret-that-is-long-enough-for-hs256';
const SERVICES = ['planning', 'verification', 'execution', 'records', 'model-review'] as const;

let database: TestDatabase;
let roles: TestDatabaseRoles;
let processes: Record<(typeof SERVICES)[number], GantryProcess>;
let changeManager: string;
let auditor: string;
let deploymentManager: string;
/** REST as each role, every route sent to the service that serves it */
let asChangeManager: GantryClient;
let asAuditor: GantryClient;

const restAs = (token: string) => new GantryClient({ services: Object.fromEntries(SERVICES.map((s) => [s, processes[s].url])), token });
const grpcAs = (token: string) =>
  gantryGrpc({
    addresses: { planning: `127.0.0.1:${processes.planning.grpcPort}`, execution: `127.0.0.1:${processes.execution.grpcPort}`, records: `127.0.0.1:${processes.records.grpcPort}` },
    token,
  });

beforeAll(async () => {
  if (!process.env.KAFKA_BROKERS) throw new Error('KAFKA_BROKERS is not set: the end-to-end suite needs the broker from the test setup');
  database = await createTestDatabase('gantry_e2e');
  roles = await createTestDatabaseRoles(database);
  const env = { DATABASE_URL: roles.runtimeUrl, GANTRY_MIGRATION_DATABASE_URL: roles.ownerUrl, KAFKA_BROKERS: process.env.KAFKA_BROKERS, GANTRY_JWT_SECRET: SECRET };
  const started = await Promise.all(SERVICES.map((service) => startGantryProcess(service, `services/${service}/src/main.ts`, childEnv(env))));
  processes = Object.fromEntries(started.map((p) => [p.name, p])) as typeof processes;
  changeManager = await mintToken(SECRET, { sub: 'change-enablement-system', roles: ['change-manager'] });
  auditor = await mintToken(SECRET, { sub: 'alice.auditor', roles: ['auditor'] });
  deploymentManager = await mintToken(SECRET, { sub: 'dana.manager', roles: ['deployment-manager'] });
  asChangeManager = restAs(changeManager);
  asAuditor = restAs(auditor);
  await authoriseComponents(processes.verification.url, deploymentManager);
  await restAs(deploymentManager).post('/environments', { body: stagingEnvironment });
}, 180_000);

afterAll(async () => {
  await Promise.all(Object.values(processes ?? {}).map((p) => p.stop()));
  await database?.drop();
  await roles?.drop();
});

const post = (path: string, body: unknown, token?: string, headers: Record<string, string> = {}) =>
  fetch(`${processes.planning.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** records' audit answer, undefined while records does not know the deployment yet (404) */
const auditHistory = (deploymentId: string): Promise<AuditBody | undefined> =>
  asAuditor.get('/audit/deployments/{id}', { path: { id: deploymentId } }).then(
    ({ data }) => data as AuditBody,
    (error: unknown) => {
      if (error instanceof GantryError && error.status === 404) return undefined;
      throw error;
    },
  );

interface AuditBody {
  state: { phase: string; outcome?: string };
  projection: unknown;
  history: { id: string; type: string; source: string; causationId: string | null }[];
}

/**
 * Waits until every milestone of every service is in the ledger (topics arrive independently, so the record may close
 * before, say, execution's last events are ledgered) and the projection has caught up, then returns the audit answer.
 */
const closedRecord = async (deploymentId: string) => {
  // the acceptance criterion of every request is the smoke suite: its runner reports it passed
  await reportPassingSmokeTests(processes.verification, deploymentManager, deploymentId, Object.values(processes));
  return recorded(deploymentId);
};

const recorded = (deploymentId: string) =>
  eventuallyWhileRunning(
    Object.values(processes),
    async () => {
      const body = await auditHistory(deploymentId);
      const complete = body !== undefined && MILESTONES.every((m) => body.history.some((h) => h.type === m));
      if (complete && isDeepStrictEqual(body.state, body.projection)) return body;
      // not yet: what a timeout reports
      throw new Error(`ledger so far: ${JSON.stringify(body?.history.map((h) => h.type.split('.')[2]))}; state ${JSON.stringify(body?.state)}; projection ${JSON.stringify(body?.projection)}`);
    },
    { timeoutMs: 90_000, intervalMs: 200, what: `deployment ${deploymentId} to be recorded by all five services` },
  );

const expectCompleteHistory = (body: AuditBody) => {
  const types = body.history.map((h) => h.type);
  const milestonePositions = MILESTONES.map((m) => types.indexOf(m));
  expect(milestonePositions.every((p) => p >= 0)).toBe(true);
  expect([...milestonePositions].sort((a, b) => a - b)).toEqual(milestonePositions);
  expect(new Set(body.history.map((h) => h.source))).toEqual(new Set(SERVICES.map((s) => `/gantry/${s}`)));
  expect(causesComeFirst(body.history)).toEqual([]);
  expect(body.state).toEqual(body.projection);
  expect(body.state).toMatchObject({ phase: 'closed', outcome: 'succeeded' });
};

describe('one deployment through all five services', () => {
  it('a POST /deployments is planned, verified, executed, verified again, recorded and counted', async () => {
    const response = await asChangeManager.post('/deployments', { body: deploymentRequest() });
    expect(response.status).toBe(201);
    const created = response.data as { deploymentId: string; status: string; version: number };
    expect(created).toMatchObject({ status: 'planned', version: 3 });
    expect(response.headers.get('etag')).toBe('"3"');

    const body = await closedRecord(created.deploymentId);
    expectCompleteHistory(body);
    // planning learns the outcome from records' DeploymentRecordClosed, on its own consumer
    const followed = await eventuallyWhileRunning(
      [processes.planning, processes.records],
      async () => {
        const got = (await asChangeManager.get('/deployments/{id}', { path: { id: created.deploymentId } })).data as { status: string; progress?: object };
        return got.status === 'succeeded' ? got : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'planning to say the deployment succeeded' },
    );
    expect(followed.progress).toMatchObject({ componentsVerified: true, environmentVerified: true, startedAt: expect.any(String), executedAt: expect.any(String), outcome: 'succeeded' });

    const outcomes = await asAuditor.get('/model-outcomes');
    expect(outcomes.status).toBe(200);
    expect((outcomes.data as { outcomes: { outcome: string; deployments: number }[] }).outcomes).toEqual(
      expect.arrayContaining([expect.objectContaining({ outcome: 'succeeded', deployments: expect.any(Number) })]),
    );
  });

  it('the same works through gRPC RequestDeployment, and GetDeployment answers', async () => {
    const grpc = grpcAs(changeManager);
    const request = deploymentRequest();
    try {
      // the client loads the protos with camelCase field names (the proto's are snake_case)
      const reply = await unary(grpc.deployments, 'RequestDeployment', {
        ...request,
        acceptanceCriteria: [{ type: 'smoke-tests', description: 'checkout smoke suite passes', params: { suite: 'checkout' } }],
      });
      expect(reply.status).toBe('planned');
      expectCompleteHistory(await closedRecord(reply.id));
      const got = await unary(grpc.deployments, 'GetDeployment', { id: reply.id });
      expect(got).toMatchObject({ id: reply.id, changeId: request.changeId, acceptanceCriteria: [{ type: 'smoke-tests', params: { suite: 'checkout' } }] });
      await expect(unary(grpc.deployments, 'GetDeployment', { id: 'not-a-uuid' })).rejects.toMatchObject({ code: 3 });
    } finally {
      grpc.close();
    }
  });

  it('a request planning rejects is recorded as rejected and its record closes with outcome rejected', async () => {
    const response = await asChangeManager.post('/deployments', { body: deploymentRequest({ environment: 'nowhere', targets: undefined }) });
    expect(response.status).toBe(201);
    const created = response.data as { deploymentId: string; status: string; rejection: { reason: string } };
    expect(created).toMatchObject({ status: 'rejected', rejection: { reason: 'UnknownEnvironment' } });
    const body = await eventuallyWhileRunning(
      Object.values(processes),
      async () => {
        const audit = await auditHistory(created.deploymentId);
        return audit?.state.phase === 'closed' && isDeepStrictEqual(audit.state, audit.projection) ? audit : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the rejected deployment record to close' },
    );
    expect(body.state).toMatchObject({ phase: 'closed', outcome: 'rejected' });
    expect(body.history.map((h) => h.type)).toEqual(
      expect.arrayContaining(['gantry.planning.DeploymentRequested.v1', 'gantry.planning.DeploymentRejected.v1', 'gantry.records.DeploymentRecordClosed.v1']),
    );
  });

  it('an idempotent retry plans one deployment', async () => {
    const key = idempotencyKey();
    const request = deploymentRequest();
    const first = await asChangeManager.post('/deployments', { body: request, idempotencyKey: key });
    const second = await asChangeManager.post('/deployments', { body: request, idempotencyKey: key });
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.data.deploymentId).toBe(first.data.deploymentId);
  });
});

describe('what an auditor and an operator get from records', () => {
  it('the ledger verifies, its digest verifies later, and an export verifies offline with the script in the repo', async () => {
    const digest = (await asAuditor.get('/audit/digest')).data as { position: number; digest: string };
    expect(digest.position).toBeGreaterThan(0);
    expect((await asAuditor.get('/audit/verify')).data).toMatchObject({ intact: true, from: 1 });
    expect((await asAuditor.get('/audit/verify', { query: { digest: digest.digest } })).data).toMatchObject({ intact: true, checked: digest.position });
    await expect(asAuditor.get('/audit/verify', { query: { digest: 'nonsense' } })).rejects.toMatchObject({ status: 400 });

    const exported = await asAuditor.get('/audit/export', { query: { format: 'ndjson', to: digest.position } });
    expect(exported.headers.get('content-type')).toMatch(/ndjson/);
    const dir = mkdtempSync(join(tmpdir(), 'gantry-export-'));
    writeFileSync(join(dir, 'ledger.ndjson'), exported.data as string);
    const offline = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'verify-ledger-export.js'), join(dir, 'ledger.ndjson'), '--digest', digest.digest], { encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });
    expect(offline.status).toBe(0);
    expect(JSON.parse(offline.stdout)).toMatchObject({ intact: true, checked: digest.position });
  });

  it('a deployment and its environment as of three instants: before, and after the deployment', async () => {
    const before = new Date().toISOString();
    const { data } = await asChangeManager.post('/deployments', { body: deploymentRequest({ service: 'as-of-check', components: [{ name: 'as-of-api', version: '9.9.9', kind: 'software' }] }) });
    const { deploymentId, status } = data as { deploymentId: string; status: string };
    expect(status).toBe('planned');
    await closedRecord(deploymentId);
    const after = new Date().toISOString();

    const stateAt = (asOf: string) => asAuditor.get('/audit/deployments/{id}/state', { path: { id: deploymentId }, query: { asOf } });
    await expect(stateAt(before)).rejects.toMatchObject({ status: 404 });
    expect((await stateAt(after)).data).toMatchObject({ state: { phase: 'closed', outcome: 'succeeded' } });
    const environmentAt = (asOf: string) => asAuditor.get('/audit/environments/{name}/state', { path: { name: 'staging' }, query: { asOf } });
    const servicesAt = async (at: string) => ((await environmentAt(at)).data as { services: { service: string }[] }).services;
    expect((await servicesAt(before)).some((s) => s.service === 'as-of-check')).toBe(false);
    expect((await servicesAt(after)).find((s) => s.service === 'as-of-check')).toMatchObject({ deploymentId, components: [{ name: 'as-of-api', version: '9.9.9' }] });
    await expect(environmentAt('yesterday')).rejects.toMatchObject({ status: 400 });
  });

  it('change enablement and release management get their reports on the feedback topics, read by a plain kafkajs consumer', async () => {
    const { data } = await asChangeManager.post('/deployments', { body: deploymentRequest({ service: 'feedback-check', releaseId: 'REL-2026.12' }) });
    const { deploymentId } = data as { deploymentId: string };
    await closedRecord(deploymentId);

    // as an ITSM suite would: its own client and group, from the beginning of the topics
    const kafka = new Kafka({ clientId: 'itsm-suite', brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `itsm-suite-${deploymentId}`, maxWaitTimeInMs: 100 });
    const received: { topic: string; key: string | undefined; event: { type: string; subject?: string; data: Record<string, unknown> } }[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: ['gantry.feedback.change-enablement.v1', 'gantry.feedback.release-management.v1'], fromBeginning: true });
      await consumer.run({ eachMessage: async ({ topic, message }) => void received.push({ topic, key: message.key?.toString(), event: JSON.parse(message.value!.toString()) }) });
      const reports = await eventuallyWhileRunning(
        Object.values(processes),
        () => {
          const mine = received.filter((r) => r.event.data.deploymentId === deploymentId);
          return mine.length >= 2 ? mine : undefined;
        },
        { timeoutMs: 30_000, what: 'both feedback reports' },
      );
      const change = reports.find((r) => r.topic === 'gantry.feedback.change-enablement.v1')!;
      expect(change.event).toMatchObject({
        type: 'gantry.records.ChangeImplementationReported.v1',
        data: { deploymentId, outcome: 'succeeded', closeCode: 'successful', auditHistory: `/audit/deployments/${deploymentId}` },
      });
      expect(change.event.data.actualStart).toEqual(expect.any(String));
      expect(change.event.data.plannedWindow).toEqual(expect.objectContaining({ start: expect.any(String), end: expect.any(String) }));
      const release = reports.find((r) => r.topic === 'gantry.feedback.release-management.v1')!;
      expect(release.event).toMatchObject({ type: 'gantry.records.ReleaseDeploymentReported.v1', data: { releaseId: 'REL-2026.12', environment: 'staging', outcome: 'succeeded' } });
    } finally {
      await consumer.disconnect();
    }
  });

  it('each service reports its consumers on /metrics', async () => {
    const metrics = await (await fetch(`${processes.records.url}/metrics`)).text();
    // after the deployments above: the ledger's consumer has handled planning's events and measured their age
    expect(metrics).toMatch(/gantry_consumer_messages_total\{[^}]*consumer="records\.ledger"[^}]*topic="gantry\.planning\.v1"[^}]*outcome="handled"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/gantry_consumer_event_age_seconds_count\{[^}]*consumer="records\.ledger"[^}]*\} [1-9]/);
  });
});

describe('bad input at the planning door', () => {
  /**
   * What a request through the doors records, if anything. Other planning events keep arriving meanwhile from
   * consumers (windows released as earlier deployments close, changes authorised by other suites on itsm.changes.v1).
   */
  const countPlanningEvents = async () => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      return Number((await client.query("SELECT count(*) FROM planning.events WHERE metadata->'actor'->>'channel' IN ('rest', 'grpc')")).rows[0].count);
    } finally {
      await client.end();
    }
  };

  const { changeId: _omit, ...missingChangeId } = deploymentRequest();
  it.each([
    ['a missing field', missingChangeId, 400, /changeId/],
    ['a wrong type', deploymentRequest({ components: 'payments-api' }), 400, /components/],
    ['an unknown field', deploymentRequest({ priority: 'urgent' }), 400, /priority/],
    ['an unknown nested field', deploymentRequest({ window: { start: new Date().toISOString(), end: new Date(Date.now() + 1000).toISOString(), tz: 'UTC' } }), 400, /tz/],
    ['a criterion without its parameter', deploymentRequest({ acceptanceCriteria: [{ type: 'http-health', description: 'up' }] }), 400, /url/],
    ['a window that ends before it starts', deploymentRequest({ window: { start: '2030-01-02T00:00:00Z', end: '2030-01-01T00:00:00Z' } }), 400, /window.end must be after/],
    ['a body that is not JSON', '{"changeId": ', 400, /JSON/],
    ['a 5 MB body', JSON.stringify({ ...deploymentRequest(), padding: 'x'.repeat(5 * 1024 * 1024) }), 413, /too large/],
  ])('%s gets a clear 4xx and records nothing', async (_name, body, status, message) => {
    const before = await countPlanningEvents();
    const response = await post('/deployments', body, changeManager);
    expect(response.status).toBe(status);
    expect(JSON.stringify(await response.json())).toMatch(message);
    expect(await countPlanningEvents()).toBe(before);
  });

  it('no token → 401, a token without the permission → 403', async () => {
    expect((await post('/deployments', deploymentRequest())).status).toBe(401);
    expect((await post('/deployments', deploymentRequest(), auditor)).status).toBe(403);
    expect((await fetch(`${processes.planning.url}/health`)).status).toBe(200);
  });
});

describe('the auditor role', () => {
  const call = (service: (typeof SERVICES)[number], method: string, path: string, body: unknown = {}) =>
    fetch(`${processes[service].url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${auditor}` },
      ...(method === 'GET' ? {} : { body: JSON.stringify(body) }),
    }).then((r) => r.status);
  const someId = '5b0e5a8e-2f0b-4c3e-9a57-3f5d2f3e8d10';

  it('reads everything in records', async () => {
    const today = new Date().toISOString().slice(0, 10);
    for (const path of ['/audit/deployments', '/audit/digest', '/audit/verify', '/audit/findings', '/kpis/definitions', `/kpis?period=day&from=${today}T00:00:00Z&to=${today}T23:59:59Z`, '/audit/environments/staging/state']) {
      expect([path, await call('records', 'GET', path)]).toEqual([path, 200]);
    }
  });

  it('changes nothing elsewhere: every write route of planning, model review and records answers 403, and so does gRPC', async () => {
    const writes: [(typeof SERVICES)[number], string, string][] = [
      ['planning', 'POST', '/deployments'],
      ['planning', 'POST', `/deployments/${someId}/cancel`],
      ['planning', 'POST', `/deployments/${someId}/reschedule`],
      ['planning', 'POST', '/environments'],
      ['planning', 'PUT', '/environments/staging'],
      ['planning', 'POST', '/environments/staging/decommission'],
      ['model-review', 'POST', '/models'],
      ['model-review', 'POST', '/models/starter-catalogue'],
      ['model-review', 'PUT', '/models/standard-web/draft'],
      ['model-review', 'POST', '/models/standard-web/publish'],
      ['model-review', 'POST', '/models/standard-web/revise'],
      ['model-review', 'POST', '/models/standard-web/retire'],
      ['model-review', 'POST', '/reviews'],
      ['model-review', 'POST', '/reviews/standard-web:1/findings'],
      ['model-review', 'POST', '/reviews/standard-web:1/initiatives'],
      ['model-review', 'PUT', '/reviews/standard-web:1/initiatives/i-1/status'],
      ['model-review', 'POST', '/reviews/standard-web:1/change-requests'],
      ['model-review', 'POST', '/reviews/standard-web:1/close'],
      ['records', 'POST', '/satisfaction-responses'],
      ['records', 'POST', '/admin/projections/rebuild'],
    ];
    for (const [service, method, path] of writes) expect([service, method, path, await call(service, method, path)]).toEqual([service, method, path, 403]);

    const grpc = grpcAs(auditor);
    try {
      await expect(unary(grpc.deployments, 'CancelDeployment', { id: someId, reason: 'x', expectedVersion: 1 })).rejects.toMatchObject({ code: 7 }); // PERMISSION_DENIED
    } finally {
      grpc.close();
    }
  });
});

