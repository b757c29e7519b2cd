import { credentials, loadPackageDefinition, Metadata, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { mintToken } from '@gantry/auth';
import { DEPLOYMENTS_PROTO_PATH, INBOUND_TOPICS, ITSM_CHANGE_EVENT_TYPES, SERVICE_TOPICS, type DeploymentModelContent } from '@gantry/contracts';
import { deadLetterHeaders, deadLetterTopic, KafkaBus, startConsumer, type CloudEvent, type IncomingMessage, type RunningConsumer, type Subscription } from '@gantry/messaging';
import { EventStore } from '@gantry/event-store';
import { againstTheContract, boot, consumerOptionsOf, consumersOf, type RunningProcess } from '@gantry/platform';
import { createTestDatabase, eventually, type TestDatabase } from '@gantry/testing';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { deploymentIdFor } from './deployments';
import { lockReservationKeys } from './schedule';
import { signedAuthorisation } from './test-fixtures';
import { PlanningModule, planningSlices } from './planning.module';

/**
 * Planning as it runs: REST and gRPC over real PostgreSQL; its consumers of model-review's and records' topics on real
 * Kafka (each under a group of this test's own, so other suites on the broker do not share its partitions).
 */
const SECRET = 'planning-int-secret-that-is-long-enough';
let database: TestDatabase;
let planning: RunningProcess;
let manager: string;
let changeManager: string;
let admin: string;
const AUTHORISATION_KEY_ID = `change-enablement-${randomBytes(4).toString('hex')}`;
const changeEnablementKey = generateKeyPairSync('ed25519');
let bus: KafkaBus;
const consumers: RunningConsumer[] = [];
let deadLetterReader: Subscription;
const deadLetters: IncomingMessage[] = [];
const suffix = randomBytes(4).toString('hex');
/**
 * Topics of this suite's own: on the shared ones, other suites' services (the standalone suites' on Kafka) act on this
 * suite's events and this suite's consumers on theirs, and a deployment planned here could change under a test.
 */
const topicPrefix = `planning-int-${suffix}.`;

beforeAll(async () => {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set: this suite needs the broker from the test setup');
  database = await createTestDatabase('gantry_planning');
  planning = await boot('planning', {
    modules: (runtime) => [PlanningModule.register(runtime)],
    grpc: true,
    env: { DATABASE_URL: database.url, PORT: '0', GRPC_PORT: '0', GANTRY_JWT_SECRET: SECRET, LOG_LEVEL: 'error', GANTRY_TOPIC_PREFIX: topicPrefix },
  });
  manager = await mintToken(SECRET, { sub: 'dana.manager', roles: ['deployment-manager'] });
  changeManager = await mintToken(SECRET, { sub: 'change-enablement-system', roles: ['change-manager'] });
  admin = await mintToken(SECRET, { sub: 'olga.operator', roles: ['admin'] });
  // change enablement's key for signed authorisations: production takes no one's word for a change's authorisation
  const registered = await http('POST', '/authorisation-keys', { keyId: AUTHORISATION_KEY_ID, publicKey: changeEnablementKey.publicKey.export({ type: 'spki', format: 'pem' }), owner: 'change enablement (ServiceNow)' }, admin);
  expect(registered.status).toBe(201);
  bus = new KafkaBus({ clientId: `planning-int-${suffix}`, brokers, topicPrefix });
  const topics = [SERVICE_TOPICS['model-review'], SERVICE_TOPICS.records, SERVICE_TOPICS.execution, SERVICE_TOPICS.verification, INBOUND_TOPICS.itsmChanges];
  await bus.ensureTopics([...topics, ...topics.map(deadLetterTopic)]);
  const store = new EventStore(planning.runtime.db, 'planning');
  const slices = planningSlices(store);
  for (const slice of slices) await slice.readModels?.open();
  for (const consumer of consumersOf('planning', slices)) {
    // the service's own consumer code, on Kafka, under a group name of this test's own
    consumers.push(await startConsumer({ validate: againstTheContract, ...consumerOptionsOf(consumer, 'planning', planning.runtime.clock), name: `${consumer.name}-${suffix}`, fromBeginning: false, bus, db: planning.runtime.db, schema: 'planning', log: () => undefined }));
  }
  const deadLetterTopics = [deadLetterTopic(SERVICE_TOPICS['model-review']), deadLetterTopic(INBOUND_TOPICS.itsmChanges)];
  deadLetterReader = await bus.subscribe({ group: `planning-dlq-reader-${suffix}`, topics: deadLetterTopics, fromBeginning: false }, async (batch) => {
    deadLetters.push(...batch);
  });
}, 120_000);

afterAll(async () => {
  for (const c of consumers) await c.stop();
  await deadLetterReader?.close?.();
  await bus?.close();
  await planning?.stop();
  await database?.drop();
});

const http = (method: string, path: string, body?: unknown, token = manager, headers: Record<string, string> = {}) =>
  fetch(`${planning.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });

/**
 * Events recorded through the REST and gRPC doors; what this suite's consumers record from its own itsm.changes.v1
 * messages must not count here.
 */
const planningEvents = async () =>
  Number(
    (await planning.runtime.db.query<{ n: string }>(`SELECT count(*) AS n FROM planning.events WHERE metadata->'actor'->>'channel' IN ('rest', 'grpc')`)).rows[0].n,
  );

const environment = (name: string, kind: string, position: number, overrides: Record<string, unknown> = {}) => ({
  name,
  kind,
  position,
  attributes: { operatingSystem: 'linux', runtimeVersions: { node: '24.1.0' }, allowedPorts: [443] },
  targets: [1, 2, 3, 4].map((i) => ({ name: `${name}-${i}`, kind: 'host', labels: { site: i <= 2 ? 'eu' : 'us' } })),
  timeZone: 'Europe/Berlin',
  deploymentWindows: [],
  freezes: [],
  approvalPolicy: { roles: ['service-owner'], minimumApprovers: 1 },
  ...overrides,
});

const request = (overrides: Record<string, unknown> = {}) => ({
  changeId: `CHG${Math.floor(Math.random() * 1e7)}`,
  changeType: 'normal',
  changeState: 'authorised',
  service: 'payments',
  kind: 'upgrade',
  components: [{ name: 'payments-api', version: '2.4.1', kind: 'software' }],
  environment: 'int-staging',
  window: { start: '2026-12-05T21:00:00.000Z', end: '2026-12-05T23:00:00.000Z' },
  acceptanceCriteria: [{ type: 'smoke-tests', description: 'checkout smoke suite passes' }],
  adHoc: true,
  ...overrides,
});

/** The request with change enablement's signed authorisation of it (valid for a day), as a production request needs. */
const authorised = <T extends { changeId: unknown; service: unknown; environment: unknown; components: { name: string; version: string }[] }>(body: T, claims: Record<string, unknown> = {}, key = changeEnablementKey.privateKey) => ({
  ...body,
  authorisation: signedAuthorisation(
    AUTHORISATION_KEY_ID,
    { changeId: body.changeId, service: body.service, environment: body.environment, components: body.components.map(({ name, version }) => ({ name, version })), exp: Math.floor(Date.now() / 1000) + 86_400, sub: 'carol.cab', ...claims },
    key,
  ),
});

const cloudEvent = (service: 'model-review' | 'records' | 'execution' | 'verification' | 'itsm', name: string, data: unknown, id = randomUUID()) =>
  JSON.stringify({
    specversion: '1.0',
    id,
    source: service === 'itsm' ? '/servicenow/change' : `/gantry/${service}`,
    type: service === 'itsm' ? ITSM_CHANGE_EVENT_TYPES[name as keyof typeof ITSM_CHANGE_EVENT_TYPES] : `gantry.${service}.${name}.v1`,
    subject: `x-${suffix}`,
    time: new Date().toISOString(),
    datacontenttype: 'application/json',
    data,
  } satisfies CloudEvent);

const produce = (topic: string, value: string) => bus.produce(topic, [{ key: `k-${suffix}`, value, headers: {} }]);

const grpcClient = () => {
  const definition = loadSync(DEPLOYMENTS_PROTO_PATH, {});
  const DeploymentService = (loadPackageDefinition(definition) as unknown as { gantry: { v1: { DeploymentService: ServiceClientConstructor } } }).gantry.v1.DeploymentService;
  const client = new DeploymentService(`127.0.0.1:${planning.grpcPort}`, credentials.createInsecure());
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${changeManager}`);
  const call = <T>(method: string, message: unknown) =>
    new Promise<T>((resolve, reject) => (client as unknown as Record<string, Function>)[method](message, metadata, (error: Error | null, reply: T) => (error ? reject(error) : resolve(reply))));
  return { call, close: () => client.close() };
};

describe('environments over REST', () => {
  it('registers, reads, updates with If-Match and decommissions an environment', async () => {
    const created = await http('POST', '/environments', environment('int-staging', 'staging', 4));
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(await created.json()).toMatchObject({ name: 'int-staging', status: 'active', version: 1 });

    const changed = environment('int-staging', 'staging', 4, { freezes: [{ id: 'audit', reason: 'internal audit', services: ['ledger'], start: '2027-02-01T00:00:00Z', end: '2027-02-03T00:00:00Z' }] });
    const { name: _n, ...definition } = changed;
    expect((await http('PUT', '/environments/int-staging', definition)).status).toBe(428);
    const stale = await http('PUT', '/environments/int-staging', definition, manager, { 'if-match': '"7"' });
    expect(stale.status).toBe(412);
    const updated = await http('PUT', '/environments/int-staging', definition, manager, { 'if-match': '"1"' });
    expect(updated.status).toBe(200);
    expect(updated.headers.get('etag')).toBe('"2"');

    expect((await http('POST', '/environments', environment('int-old', 'test', 3))).status).toBe(201);
    const gone = await http('POST', '/environments/int-old/decommission', { reason: 'replaced by int-staging' }, manager, { 'if-match': '"1"' });
    expect(gone.status).toBe(200);
    expect(await gone.json()).toMatchObject({ status: 'decommissioned', decommissionReason: 'replaced by int-staging' });

    const listed = (await (await http('GET', '/environments')).json()) as { environments: { name: string; status: string }[] };
    expect(listed.environments.map((e) => [e.name, e.status])).toEqual([
      ['int-old', 'decommissioned'],
      ['int-staging', 'active'],
    ]);
  });

  it.each([
    ['an unknown field', environment('int-x', 'test', 3, { colour: 'blue' }), /colour/],
    ['a window with a bad local time', environment('int-x', 'test', 3, { deploymentWindows: [{ days: ['monday'], start: '25:00', end: '02:00' }] }), /local time/],
    ['an unknown kind', environment('int-x', 'qa', 3), /kind/],
    ['no targets', environment('int-x', 'test', 3, { targets: [] }), /targets/],
  ])('%s is refused with 400 and records nothing', async (_what, body, message) => {
    const before = await planningEvents();
    const response = await http('POST', '/environments', body);
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toMatch(message);
    expect(await planningEvents()).toBe(before);
  });

  it('an unknown time zone is refused by the rule, and records nothing', async () => {
    const before = await planningEvents();
    const response = await http('POST', '/environments', environment('int-x', 'test', 3, { timeZone: 'Mars/Olympus_Mons' }));
    expect(response.status).toBe(409);
    expect(await response.json()).toMatchObject({ code: 'UnknownTimeZone' });
    expect(await planningEvents()).toBe(before);
  });

  it('only a deployment manager registers environments', async () => {
    expect((await http('POST', '/environments', environment('int-y', 'test', 3), changeManager)).status).toBe(403);
    expect((await http('GET', '/environments', undefined, changeManager)).status).toBe(200);
  });
});

describe('deployment requests', () => {
  it('a request for an environment that is not registered is recorded as rejected (201, status rejected, the reason)', async () => {
    const response = await http('POST', '/deployments', request({ environment: 'nowhere' }), changeManager);
    expect(response.status).toBe(201);
    const body = (await response.json()) as { deploymentId: string; status: string; rejection: unknown };
    expect(body).toMatchObject({ status: 'rejected', rejection: { reason: 'UnknownEnvironment', details: { environment: 'nowhere' } } });
    const got = await http('GET', `/deployments/${body.deploymentId}`, undefined, changeManager);
    expect(await got.json()).toMatchObject({ status: 'rejected', version: 2 });
  });

  it('a deployment whose record closed frees its window for the next request', async () => {
    const window = { start: '2026-12-14T21:00:00.000Z', end: '2026-12-14T23:00:00.000Z' };
    const first = (await (await http('POST', '/deployments', request({ service: 'release-test', window }), changeManager)).json()) as { deploymentId: string; status: string };
    expect(first.status).toBe('planned');
    const blocked = (await (await http('POST', '/deployments', request({ service: 'release-test', window }), changeManager)).json()) as { status: string };
    expect(blocked.status).toBe('rejected');
    const closed = {
      deploymentId: first.deploymentId,
      changeId: 'CHG1',
      service: 'release-test',
      environment: 'int-staging',
      model: null,
      outcome: 'succeeded',
      requestedAt: '2026-12-01T10:00:00.000Z',
      closedAt: '2026-12-01T10:05:00.000Z',
      leadTimeMs: 300_000,
    };
    // first a record of a deployment planning never planned (another installation's): nothing to release, and the
    // close after it on the same partition is not held up
    await produce(SERVICE_TOPICS.records, cloudEvent('records', 'DeploymentRecordClosed', { ...closed, deploymentId: randomUUID() }));
    await produce(SERVICE_TOPICS.records, cloudEvent('records', 'DeploymentRecordClosed', closed));
    await eventually(
      async () => {
        const schedule = (await (await http('GET', '/schedule?environment=int-staging&from=2026-12-14T00:00:00Z&to=2026-12-15T00:00:00Z')).json()) as { planned: { deploymentId: string }[] };
        return !schedule.planned.some((p) => p.deploymentId === first.deploymentId);
      },
      { what: 'the closed deployment to leave the schedule' },
    );
    const next = (await (await http('POST', '/deployments', request({ service: 'release-test', window }), changeManager)).json()) as { status: string };
    expect(next.status).toBe('planned');
  });

  it('a decision waits only for decisions on its service or its targets: others in the same environment go ahead', async () => {
    const window = { start: '2027-02-13T21:00:00.000Z', end: '2027-02-13T22:00:00.000Z' };
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // another decision in flight, holding service guard-a on int-staging-1
    const holder = planning.runtime.db.transaction(async (tx) => {
      await lockReservationKeys(tx, 'planning', { environment: 'int-staging', service: 'guard-a', targets: ['int-staging-1'] });
      locked();
      await released;
    });
    await isLocked;
    try {
      const elsewhere = await http('POST', '/deployments', request({ service: 'guard-b', targets: ['int-staging-2'], window }), changeManager);
      expect(await elsewhere.json()).toMatchObject({ status: 'planned' });
      let answered = false;
      const sameTarget = http('POST', '/deployments', request({ service: 'guard-c', targets: ['int-staging-1'], window }), changeManager).then((r) => ((answered = true), r));
      const sameService = http('POST', '/deployments', request({ service: 'guard-a', targets: ['int-staging-3'], window }), changeManager).then((r) => ((answered = true), r));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(answered).toBe(false);
      release();
      await holder;
      expect(await (await sameTarget).json()).toMatchObject({ status: 'planned' });
      expect(await (await sameService).json()).toMatchObject({ status: 'planned' });
    } finally {
      release();
      await holder;
    }
  });

  it('10 concurrent requests for the same environment, service and window: exactly one planned, nine rejected naming the winner', async () => {
    const window = { start: '2026-12-12T21:00:00.000Z', end: '2026-12-12T23:00:00.000Z' };
    const responses = await Promise.all(Array.from({ length: 10 }, () => http('POST', '/deployments', request({ service: 'race', window }), changeManager)));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(201));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as { deploymentId: string; status: string; rejection?: { reason: string; details: { deploymentId: string } } }[];
    const planned = bodies.filter((b) => b.status === 'planned');
    const rejected = bodies.filter((b) => b.status === 'rejected');
    expect(planned).toHaveLength(1);
    expect(rejected).toHaveLength(9);
    for (const r of rejected) expect(r.rejection).toMatchObject({ reason: 'ConflictingDeployment', details: { deploymentId: planned[0].deploymentId } });

    const schedule = await http('GET', `/schedule?environment=int-staging&from=2026-12-12T00:00:00Z&to=2026-12-13T00:00:00Z`);
    expect(schedule.status).toBe(200);
    const body = (await schedule.json()) as { planned: { deploymentId: string }[]; freeWindows: { start: string; end: string }[] };
    expect(body.planned.map((p) => p.deploymentId)).toEqual([planned[0].deploymentId]);
    expect(body.freeWindows).toEqual([
      { start: '2026-12-12T00:00:00.000Z', end: window.start },
      { start: window.end, end: '2026-12-13T00:00:00.000Z' },
    ]);
  });

  it('the same request through REST, gRPC and an itsm.changes.v1 event produces the same plan', async () => {
    const client = grpcClient();
    const { call } = client;
    try {
      const viaRest = (await (await http('POST', '/deployments', request({ service: 'doors-rest', targets: ['int-staging-1'] }), changeManager)).json()) as { plan: Record<string, unknown> };
      const viaGrpc = await call<{ id: string; status: string }>('RequestDeployment', {
        ...request({ service: 'doors-grpc', targets: ['int-staging-1'] }),
        window: { start: '2026-12-05T23:00:00.000Z', end: '2026-12-06T01:00:00.000Z' },
        acceptanceCriteria: [{ type: 'smoke-tests', description: 'checkout smoke suite passes' }],
      });
      expect(viaGrpc.status).toBe('planned');
      const grpcPlan = ((await (await http('GET', `/deployments/${viaGrpc.id}`, undefined, changeManager)).json()) as { plan: Record<string, unknown> }).plan;
      // who proved the change authorised differs by door: the requester's permission, or change enablement's event
      const comparable = ({ deploymentId: _d, changeId: _c, service: _s, window: _w, plannedAt: _p, requestedBy: _r, authorisedBy: _a, ...rest }: Record<string, unknown>) => rest;
      expect(comparable(grpcPlan)).toEqual(comparable(viaRest.plan));

      const { changeState: _s, adHoc: _a, ...authorised } = request({ service: 'doors-itsm', targets: ['int-staging-1'], window: { start: '2026-12-06T01:00:00.000Z', end: '2026-12-06T03:00:00.000Z' } });
      await produce(INBOUND_TOPICS.itsmChanges, cloudEvent('itsm', 'ChangeAuthorized', { ...authorised, adHoc: true }));
      const viaItsm = await eventually(async () => (await http('GET', '/deployments?environment=int-staging&limit=500', undefined, changeManager).then((r) => r.json()) as { deployments: { request: { service: string }; plan: Record<string, unknown> }[] }).deployments.find((d) => d.request.service === 'doors-itsm'), { what: 'the deployment of the authorised change' });
      expect(comparable(viaItsm.plan)).toEqual(comparable(viaRest.plan));
      const before = await planningEvents();
      await expect(call('RequestDeployment', { ...request(), changeType: 'urgent' })).rejects.toMatchObject({ code: 3, details: expect.stringMatching(/changeType/) });
      await expect(call('RequestDeployment', { ...request(), window: { start: 'soon', end: 'later' } })).rejects.toMatchObject({ code: 3 });
      expect(await planningEvents()).toBe(before);
    } finally {
      client.close();
    }
  });

  it('a commit time is recorded with the request through REST, gRPC and an itsm.changes.v1 event; one after the request or not a time is refused at each door and records nothing', async () => {
    const client = grpcClient();
    const { call } = client;
    const committed = '2026-12-01T10:00:00+01:00';
    const at = (day: number) => ({ targets: ['int-staging-2'], window: { start: `2027-03-0${day}T10:00:00.000Z`, end: `2027-03-0${day}T11:00:00.000Z` } });
    try {
      const viaRest = await http('POST', '/deployments', request({ service: 'commit-rest', commitTime: committed, ...at(1) }), changeManager);
      expect(viaRest.status).toBe(201);
      expect(((await viaRest.json()) as { request: { commitTime: string } }).request.commitTime).toBe('2026-12-01T09:00:00.000Z');
      const viaGrpc = await call<{ status: string; commitTime: string }>('RequestDeployment', { ...request({ service: 'commit-grpc', ...at(2) }), commitTime: committed });
      expect(viaGrpc).toMatchObject({ status: 'planned', commitTime: '2026-12-01T09:00:00.000Z' });
      const { changeState: _s, ...authorised } = request({ service: 'commit-itsm', commitTime: committed, ...at(3) });
      await produce(INBOUND_TOPICS.itsmChanges, cloudEvent('itsm', 'ChangeAuthorized', authorised));
      const viaItsm = await eventually(
        async () => (await http('GET', '/deployments?environment=int-staging&limit=500', undefined, changeManager).then((r) => r.json()) as { deployments: { request: { service: string; commitTime?: string } }[] }).deployments.find((d) => d.request.service === 'commit-itsm'),
        { what: 'the deployment of the authorised change' },
      );
      expect(viaItsm.request.commitTime).toBe('2026-12-01T09:00:00.000Z');

      const before = await planningEvents();
      const future = '2099-01-01T00:00:00.000Z';
      const notATime = await http('POST', '/deployments', request({ service: 'commit-rest-bad', commitTime: 'last tuesday', ...at(4) }), changeManager);
      expect(notATime.status).toBe(400);
      const later = await http('POST', '/deployments', request({ service: 'commit-rest-later', commitTime: future, ...at(5) }), changeManager);
      expect(later.status).toBe(422);
      expect(await later.json()).toMatchObject({ code: 'CommitTimeAfterRequest', details: { commitTime: future } });
      await expect(call('RequestDeployment', { ...request({ service: 'commit-grpc-bad', ...at(6) }), commitTime: 'soon' })).rejects.toMatchObject({ code: 3 });
      await expect(call('RequestDeployment', { ...request({ service: 'commit-grpc-later', ...at(7) }), commitTime: future })).rejects.toMatchObject({ code: 9, details: expect.stringMatching(/CommitTimeAfterRequest/) });
      expect(await planningEvents()).toBe(before);
      const { changeState: _l, ...laterChange } = request({ service: 'commit-itsm-later', commitTime: future, ...at(8) });
      await produce(INBOUND_TOPICS.itsmChanges, cloudEvent('itsm', 'ChangeAuthorized', laterChange));
      await eventually(() => deadLetters.some((m) => String(m.value).includes('commit-itsm-later')), { what: 'the later commit on the dead-letter topic' });
      const dead = deadLetters.find((m) => String(m.value).includes('commit-itsm-later'))!;
      expect(JSON.stringify(dead.headers)).toMatch(/CommitTimeAfterRequest/);
    } finally {
      client.close();
    }
  });

  it('an emergency change may deploy inside a freeze only when a deployment manager asks, and the override is recorded', async () => {
    // int-staging freezes `ledger` from 1 to 3 February 2027 (registered above)
    const inFreeze = request({ service: 'ledger', changeType: 'emergency', window: { start: '2027-02-02T10:00:00.000Z', end: '2027-02-02T11:00:00.000Z' }, freezeOverride: { reason: 'ledger outage' } });
    const bySystem = (await (await http('POST', '/deployments', inFreeze, changeManager)).json()) as { status: string; rejection: unknown };
    expect(bySystem).toMatchObject({ status: 'rejected', rejection: { reason: 'FreezePeriod', details: { freezeId: 'audit', overrideRefused: 'only a deployment manager may override a freeze' } } });
    const byManager = (await (await http('POST', '/deployments', inFreeze, manager)).json()) as { status: string; plan: unknown };
    expect(byManager).toMatchObject({ status: 'planned', plan: { freezeOverride: { freezeId: 'audit', reason: 'ledger outage', by: 'dana.manager' } } });
  });

  it('a request for the next available window is planned in the earliest free one and records it', async () => {
    const response = await http('POST', '/deployments', request({ service: 'next-free', window: undefined, nextAvailable: { durationMinutes: 45 } }), changeManager);
    const body = (await response.json()) as { status: string; request: { requestedAt: string; nextAvailable: unknown; window: { start: string; end: string } }; plan: { window: unknown } };
    expect(body.status).toBe('planned');
    // int-staging has no deployment windows and nothing reserved now: the earliest free window starts at once
    // (when the decision is made, a few milliseconds after the request was received)
    const lag = Date.parse(body.request.window.start) - Date.parse(body.request.requestedAt);
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(5_000);
    expect(Date.parse(body.request.window.end) - Date.parse(body.request.window.start)).toBe(45 * 60_000);
    expect(body.request.nextAvailable).toEqual({ durationMinutes: 45 });
    expect(body.plan.window).toEqual(body.request.window);
  });

  it.each([
    ['no change state', (() => { const { changeState: _s, ...r } = request(); return r; })(), /changeState/],
    ['an unknown change type', request({ changeType: 'urgent' }), /changeType/],
    ['a model and adHoc together', request({ model: 'in-house-web' }), /exclude each other/],
    ['a window and nextAvailable together', request({ nextAvailable: { durationMinutes: 30 } }), /exclude each other/],
    ['neither a window nor nextAvailable', request({ window: undefined }), /window \(or nextAvailable\) is required/],
  ])('%s is refused with 400 and records nothing', async (_what, body, message) => {
    const before = await planningEvents();
    const response = await http('POST', '/deployments', body, changeManager);
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toMatch(message);
    expect(await planningEvents()).toBe(before);
  });
});

const modelContent = (name: string): DeploymentModelContent => ({
  name,
  description: 'in-house software through staging to production, progressively',
  applicability: { deploymentKinds: ['install', 'upgrade'], componentKinds: ['software'], componentSources: ['in-house'], environmentKinds: ['staging', 'production'], serviceTags: [] },
  strategy: { type: 'progressive', waves: [0.5, 0.5] },
  environmentFlow: ['staging', 'production'],
  gates: [{ environmentKind: 'production', roles: ['deployment-manager'], minApprovers: 1 }],
  automationLevel: 'automatic',
  manualSteps: [],
  qualityThresholds: { minTestPassRatio: 0.9, maxCriticalVulnerabilities: 0, maxHighVulnerabilities: 3 },
  documentationRequired: false,
  backupRequired: true,
  rollbackPolicy: 'automatic',
  acceptanceCriteria: [{ type: 'metric-threshold', description: 'error rate stays low', metric: 'http_errors_ratio', comparator: '<', threshold: 0.01 }],
  responsibilities: { plan: ['deployment-manager'], execute: ['deployment-practitioner'], verify: ['service-owner'] },
});

describe('changes after planning', () => {
  const planned = async (service: string, window = { start: '2027-01-09T21:00:00.000Z', end: '2027-01-09T22:00:00.000Z' }) => {
    const response = await http('POST', '/deployments', request({ service, window }), changeManager);
    const body = (await response.json()) as { deploymentId: string; status: string; version: number };
    expect(body).toMatchObject({ status: 'planned' });
    return body;
  };

  it('a reschedule needs If-Match, is checked again, and moves the reservation', async () => {
    const first = await planned('resched-a');
    const other = await planned('resched-b', { start: '2027-01-16T21:00:00.000Z', end: '2027-01-16T22:00:00.000Z' });
    const into = (window: { start: string; end: string }, ifMatch?: string) => http('POST', `/deployments/${first.deploymentId}/reschedule`, { window }, changeManager, ifMatch ? { 'if-match': ifMatch } : {});
    expect((await into({ start: '2027-01-10T21:00:00.000Z', end: '2027-01-10T22:00:00.000Z' })).status).toBe(428);
    expect((await into({ start: '2027-01-10T21:00:00.000Z', end: '2027-01-10T22:00:00.000Z' }, '"1"')).status).toBe(412);
    // the same service is not involved, but the targets (all of the environment's) overlap: a conflict naming the other
    const conflict = await into({ start: '2027-01-16T21:30:00.000Z', end: '2027-01-16T22:30:00.000Z' }, `"${first.version}"`);
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ code: 'ConflictingDeployment', details: { details: { deploymentId: other.deploymentId } } });
    const moved = await into({ start: '2027-01-10T21:00:00.000Z', end: '2027-01-10T22:00:00.000Z' }, `"${first.version}"`);
    expect(moved.status).toBe(200);
    // DeploymentRescheduled, and the reservation of the new window
    expect(await moved.json()).toMatchObject({ status: 'planned', version: first.version + 2, plan: { window: { start: '2027-01-10T21:00:00.000Z' } } });
    const schedule = (await (await http('GET', '/schedule?environment=int-staging&from=2027-01-09T00:00:00Z&to=2027-01-11T00:00:00Z')).json()) as { planned: { deploymentId: string; window: { start: string } }[] };
    expect(schedule.planned).toEqual([expect.objectContaining({ deploymentId: first.deploymentId, window: expect.objectContaining({ start: '2027-01-10T21:00:00.000Z' }) })]);
  });

  it('a cancel over gRPC releases the window; a started deployment cannot be cancelled', async () => {
    const doomed = await planned('cancel-a', { start: '2027-01-23T21:00:00.000Z', end: '2027-01-23T22:00:00.000Z' });
    const client = grpcClient();
    try {
      await expect(client.call('CancelDeployment', { id: doomed.deploymentId, reason: 'change withdrawn' })).rejects.toMatchObject({ code: 3 });
      const reply = await client.call<{ status: string; cause: string }>('CancelDeployment', { id: doomed.deploymentId, reason: 'change withdrawn', expectedVersion: doomed.version });
      expect(reply).toMatchObject({ status: 'cancelled', cause: 'cancelled: change withdrawn' });
      const listed = await client.call<{ deployments: { id: string }[] }>('ListDeployments', { environment: 'int-staging', status: 'cancelled' });
      expect(listed.deployments.map((d) => d.id)).toContain(doomed.deploymentId);
    } finally {
      client.close();
    }
    // the window is free again: another deployment takes it
    await planned('cancel-b', { start: '2027-01-23T21:00:00.000Z', end: '2027-01-23T22:00:00.000Z' });

    const running = await planned('cancel-c', { start: '2027-01-30T21:00:00.000Z', end: '2027-01-30T22:00:00.000Z' });
    await produce(SERVICE_TOPICS.execution, cloudEvent('execution', 'DeploymentStarted', { deploymentId: running.deploymentId, startedAt: '2027-01-30T21:00:01.000Z' }));
    await eventually(async () => (await planning.runtime.db.query(`SELECT 1 FROM planning.started_deployments WHERE deployment_id = $1`, [running.deploymentId])).rowCount === 1, { what: 'the start to be known' });
    const refused = await http('POST', `/deployments/${running.deploymentId}/cancel`, { reason: 'too late' }, changeManager, { 'if-match': `"${running.version}"` });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: 'DeploymentAlreadyStarted' });
  });

  it('a cancel or a reschedule of a deployment that does not exist is 404, whatever If-Match says', async () => {
    const unknown = randomUUID();
    const window = { start: '2027-02-06T21:00:00.000Z', end: '2027-02-06T22:00:00.000Z' };
    for (const [path, body] of [['cancel', { reason: 'never was' }], ['reschedule', { window }]] as const) {
      const answer = await http('POST', `/deployments/${unknown}/${path}`, body, changeManager, { 'if-match': '"3"' });
      expect(answer.status).toBe(404);
    }
  });
});

describe('the forward schedule', () => {
  it('without from and to it covers the coming 14 days; either alone sets the other 14 days away; bad values are 400', async () => {
    const before = Date.now();
    const response = await http('GET', '/schedule?environment=int-staging');
    const after = Date.now();
    expect(response.status).toBe(200);
    const body = (await response.json()) as { from: string; to: string };
    expect(Date.parse(body.from)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(body.from)).toBeLessThanOrEqual(after);
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(14 * 86_400_000);

    expect(await (await http('GET', '/schedule?environment=int-staging&from=2027-03-01T00:00:00Z')).json()).toMatchObject({ from: '2027-03-01T00:00:00.000Z', to: '2027-03-15T00:00:00.000Z' });
    expect(await (await http('GET', '/schedule?environment=int-staging&to=2027-03-15T00:00:00Z')).json()).toMatchObject({ from: '2027-03-01T00:00:00.000Z', to: '2027-03-15T00:00:00.000Z' });
    for (const query of ['from=tomorrow', 'to=2027-13-01T00:00:00Z', 'from=2027-03-02T00:00:00Z&to=2027-03-01T00:00:00Z', 'from=2027-01-01T00:00:00Z&to=2028-02-01T00:00:00Z']) {
      expect([query, (await http('GET', `/schedule?environment=int-staging&${query}`)).status]).toEqual([query, 400]);
    }
    expect((await http('GET', '/schedule')).status).toBe(400);
  });
});

describe('a deployment after planning: its status follows what verification, execution and records publish (Kafka)', () => {
  it('planned → verified → executing → executed → succeeded over REST and gRPC, a duplicate delivery changing nothing', async () => {
    const response = await http('POST', '/deployments', request({ service: 'followed', window: { start: '2027-04-17T21:00:00.000Z', end: '2027-04-17T22:00:00.000Z' } }), changeManager);
    const planned = (await response.json()) as { deploymentId: string; version: number; status: string };
    expect(planned).toMatchObject({ status: 'planned' });
    const { deploymentId } = planned;
    const read = async () => {
      const got = await http('GET', `/deployments/${deploymentId}`, undefined, changeManager);
      return { etag: got.headers.get('etag'), body: (await got.json()) as { status: string; version: number; plan?: unknown; progress?: Record<string, unknown> } };
    };
    const statusBecomes = (status: string) => eventually(async () => ((await read()).body.status === status ? (await read()).body : undefined), { what: `the deployment to be ${status}` });

    await produce(SERVICE_TOPICS.verification, cloudEvent('verification', 'ComponentsVerified', { deploymentId, components: [{ name: 'payments-api', version: '2.4.1', result: 'verified' }] }));
    await produce(SERVICE_TOPICS.verification, cloudEvent('verification', 'TargetEnvironmentVerified', { deploymentId, environment: 'int-staging' }));
    expect(await statusBecomes('verified')).toMatchObject({ version: planned.version, progress: { componentsVerified: true, environmentVerified: true } });

    await produce(SERVICE_TOPICS.execution, cloudEvent('execution', 'DeploymentStarted', { deploymentId, startedAt: '2027-04-17T21:00:01.000Z' }));
    expect(await statusBecomes('executing')).toMatchObject({ progress: { startedAt: '2027-04-17T21:00:01.000Z' } });
    await produce(SERVICE_TOPICS.execution, cloudEvent('execution', 'DeploymentExecuted', { deploymentId, executedAt: '2027-04-17T21:20:00.000Z', targets: 4 }));
    expect(await statusBecomes('executed')).toMatchObject({ progress: { executedAt: '2027-04-17T21:20:00.000Z' } });

    const closed = { deploymentId, changeId: 'CHG1', service: 'followed', environment: 'int-staging', model: null, outcome: 'succeeded', requestedAt: '2027-02-01T10:00:00.000Z', closedAt: '2027-04-17T21:30:00.000Z', leadTimeMs: 1 };
    const closedId = randomUUID();
    await produce(SERVICE_TOPICS.records, cloudEvent('records', 'DeploymentRecordClosed', closed, closedId));
    await produce(SERVICE_TOPICS.records, cloudEvent('records', 'DeploymentRecordClosed', { ...closed, outcome: 'failed', cause: 'a duplicate delivery' }, closedId));
    // another consumer releases the window (DeploymentWindowReleased): a version more
    const succeeded = await eventually(async () => {
      const { body } = await read();
      return body.status === 'succeeded' && body.version === planned.version + 1 ? body : undefined;
    }, { what: 'the deployment to be succeeded and its window released' });
    // the plan and everything else of the answer stay
    expect(succeeded).toMatchObject({ plan: { service: 'followed' }, progress: { outcome: 'succeeded', closedAt: '2027-04-17T21:30:00.000Z', startedAt: '2027-04-17T21:00:01.000Z' } });
    expect(succeeded.progress).not.toHaveProperty('cause');

    // the ETag stays the stream's version (If-Match); an answer with progress is never 304
    const { etag } = await read();
    expect(etag).toBe(`"${succeeded.version}"`);
    expect((await http('GET', `/deployments/${deploymentId}`, undefined, changeManager, { 'if-none-match': etag! })).status).toBe(200);

    const client = grpcClient();
    try {
      expect(await client.call('GetDeployment', { id: deploymentId })).toMatchObject({ id: deploymentId, status: 'succeeded' });
      const listed = await client.call<{ deployments: { id: string }[] }>('ListDeployments', { environment: 'int-staging', status: 'succeeded' });
      expect(listed.deployments.map((d) => d.id)).toContain(deploymentId);
    } finally {
      client.close();
    }
    const listed = (await (await http('GET', '/deployments?environment=int-staging&status=executing', undefined, changeManager)).json()) as { deployments: { deploymentId: string }[] };
    expect(listed.deployments.map((d) => d.deploymentId)).not.toContain(deploymentId);
  });

  it('a deployment that failed says so, with the cause records closed it with (gRPC: cause)', async () => {
    const response = await http('POST', '/deployments', request({ service: 'followed-b', window: { start: '2027-04-24T21:00:00.000Z', end: '2027-04-24T22:00:00.000Z' } }), changeManager);
    const { deploymentId } = (await response.json()) as { deploymentId: string };
    const closed = { deploymentId, changeId: 'CHG2', service: 'followed-b', environment: 'int-staging', model: null, outcome: 'rolled-back', cause: 'RolledBack: DeploymentVerificationFailed', requestedAt: '2027-02-01T10:00:00.000Z', closedAt: '2027-04-24T21:40:00.000Z', leadTimeMs: 1 };
    await produce(SERVICE_TOPICS.records, cloudEvent('records', 'DeploymentRecordClosed', closed));
    const view = await eventually(async () => {
      const body = (await (await http('GET', `/deployments/${deploymentId}`, undefined, changeManager)).json()) as { status: string; progress?: unknown };
      return body.status === 'rolled-back' ? body : undefined;
    }, { what: 'the deployment to be rolled back' });
    expect(view.progress).toEqual({ outcome: 'rolled-back', cause: 'RolledBack: DeploymentVerificationFailed', closedAt: '2027-04-24T21:40:00.000Z' });
    const client = grpcClient();
    try {
      expect(await client.call('GetDeployment', { id: deploymentId })).toMatchObject({ status: 'rolled-back', cause: 'RolledBack: DeploymentVerificationFailed' });
    } finally {
      client.close();
    }
  });
});

describe('one truth after the record closed (Kafka)', () => {
  it('a cancel after records closed the deployment as failed (verification failed before it started) is refused with the reason on every door; REST, gRPC and the list say failed', async () => {
    const changeId = `CHG-LATE-${suffix}`;
    const response = await http('POST', '/deployments', request({ changeId, service: 'late-cancel', window: { start: '2027-05-01T21:00:00.000Z', end: '2027-05-01T22:00:00.000Z' } }), changeManager);
    const planned = (await response.json()) as { deploymentId: string; version: number };
    const { deploymentId } = planned;
    const closed = { deploymentId, changeId, service: 'late-cancel', environment: 'int-staging', model: null, outcome: 'failed', cause: 'ComponentsVerificationFailed', requestedAt: '2027-02-01T10:00:00.000Z', closedAt: '2027-02-01T10:05:00.000Z', leadTimeMs: 1 };
    await produce(SERVICE_TOPICS.records, cloudEvent('records', 'DeploymentRecordClosed', closed));
    // the window is released too (a version more): the close is known to planning
    const failed = await eventually(async () => {
      const body = (await (await http('GET', `/deployments/${deploymentId}`, undefined, changeManager)).json()) as { status: string; version: number };
      return body.status === 'failed' && body.version === planned.version + 1 ? body : undefined;
    }, { what: 'planning to know the record closed as failed' });

    const refused = await http('POST', `/deployments/${deploymentId}/cancel`, { reason: 'too late' }, changeManager, { 'if-match': `"${failed.version}"` });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: 'DeploymentAlreadyClosed', details: { outcome: 'failed', reason: expect.stringContaining('records closed the deployment as failed') } });
    const rescheduled = await http('POST', `/deployments/${deploymentId}/reschedule`, { window: { start: '2027-05-08T21:00:00.000Z', end: '2027-05-08T22:00:00.000Z' } }, changeManager, { 'if-match': `"${failed.version}"` });
    expect(await rescheduled.json()).toMatchObject({ code: 'DeploymentAlreadyClosed' });
    const client = grpcClient();
    try {
      await expect(client.call('CancelDeployment', { id: deploymentId, reason: 'too late', expectedVersion: failed.version })).rejects.toMatchObject({ details: expect.stringContaining('DeploymentAlreadyClosed') });
      expect(await client.call('GetDeployment', { id: deploymentId })).toMatchObject({ status: 'failed', cause: 'ComponentsVerificationFailed' });
      const listed = await client.call<{ deployments: { id: string }[] }>('ListDeployments', { environment: 'int-staging', status: 'failed' });
      expect(listed.deployments.map((d) => d.id)).toContain(deploymentId);
      const cancelledOnes = await client.call<{ deployments: { id: string }[] }>('ListDeployments', { environment: 'int-staging', status: 'cancelled' });
      expect((cancelledOnes.deployments ?? []).map((d) => d.id)).not.toContain(deploymentId);
    } finally {
      client.close();
    }

    // the change cancelled in change enablement afterwards: the closed deployment keeps its outcome, nothing recorded
    const before = (await planning.runtime.db.query(`SELECT count(*)::int AS n FROM planning.events WHERE stream_id = $1`, [`Deployment-${deploymentId}`])).rows[0].n;
    const marker = `CHG-LATE-MARK-${suffix}`;
    await produce(INBOUND_TOPICS.itsmChanges, cloudEvent('itsm', 'ChangeCancelled', { changeId, reason: 'withdrawn by the CAB' }));
    // a later authorisation on the same partition: once it is planned, the cancel before it was handled
    const { changeState: _state, ...marking } = request({ changeId: marker, service: 'late-cancel-mark', window: { start: '2027-05-15T21:00:00.000Z', end: '2027-05-15T22:00:00.000Z' } });
    await produce(INBOUND_TOPICS.itsmChanges, cloudEvent('itsm', 'ChangeAuthorized', marking));
    await eventually(async () => (await planning.runtime.db.query(`SELECT 1 FROM planning.events WHERE event_type = 'DeploymentRequested' AND data->>'changeId' = $1`, [marker])).rowCount === 1, { what: 'the marker' });
    expect((await planning.runtime.db.query(`SELECT count(*)::int AS n FROM planning.events WHERE stream_id = $1`, [`Deployment-${deploymentId}`])).rows[0].n).toBe(before);
    expect(await (await http('GET', `/deployments/${deploymentId}`, undefined, changeManager)).json()).toMatchObject({ status: 'failed' });
  });
});

describe('the itsm.changes.v1 door', () => {
  const authorisation = (changeId: string, service: string) => {
    const { changeState: _s, ...asked } = request({ changeId, service, window: { start: '2027-02-06T21:00:00.000Z', end: '2027-02-06T22:00:00.000Z' } });
    return asked;
  };
  const deploymentsOf = async (changeId: string) =>
    (await planning.runtime.db.query<{ id: string }>(`SELECT data->>'deploymentId' AS id FROM planning.events WHERE event_type = 'DeploymentRequested' AND data->>'changeId' = $1`, [changeId])).rows;

  it('a duplicate ChangeAuthorized creates one deployment; a ChangeCancelled cancels it; a schema-invalid event goes to the dead-letter topic', async () => {
    const changeId = `CHG-ITSM-${suffix}`;
    const id = randomUUID();
    await produce(INBOUND_TOPICS.itsmChanges, cloudEvent('itsm', 'ChangeAuthorized', authorisation(changeId, 'itsm-a'), id));
    await produce(INBOUND_TOPICS.itsmChanges, cloudEvent('itsm', 'ChangeAuthorized', authorisation(changeId, 'itsm-a'), id));
    // the same authorisation re-sent as a new event names the same deployment too
    await produce(INBOUND_TOPICS.itsmChanges, cloudEvent('itsm', 'ChangeAuthorized', authorisation(changeId, 'itsm-a')));
    // schema-invalid, and for another service: were it recorded, the change would have a second deployment
    await produce(INBOUND_TOPICS.itsmChanges, cloudEvent('itsm', 'ChangeAuthorized', { ...authorisation(changeId, 'itsm-bad'), changeType: 'whenever' }));
    await produce(INBOUND_TOPICS.itsmChanges, `{"not": "a cloud event", "changeId": "${changeId}"`);
    await eventually(() => deadLetters.some((m) => String(m.value).includes('whenever')), { what: 'the invalid authorisation on the dead-letter topic' });
    await eventually(() => deadLetters.some((m) => String(m.value).startsWith('{"not": "a cloud event"')), { what: 'the unparseable message on the dead-letter topic' });
    const [deployment, ...others] = await eventually(async () => ((await deploymentsOf(changeId)).length > 0 ? deploymentsOf(changeId) : undefined), { what: 'the deployment' });
    expect(others).toEqual([]);

    await produce(INBOUND_TOPICS.itsmChanges, cloudEvent('itsm', 'ChangeCancelled', { changeId, reason: 'withdrawn by the CAB' }));
    const cancelled = await eventually(async () => {
      const view = (await (await http('GET', `/deployments/${deployment.id}`, undefined, changeManager)).json()) as { status: string; cancellation?: { reason: string } };
      return view.status === 'cancelled' ? view : undefined;
    }, { what: 'the deployment to be cancelled' });
    expect(cancelled.cancellation?.reason).toBe(`change ${changeId} was cancelled: withdrawn by the CAB`);
    expect(await deploymentsOf(changeId)).toHaveLength(1);
  });
});

describe('one contract on every door: REST, gRPC and itsm.changes.v1 (Kafka)', () => {
  const reasonOf = (message: IncomingMessage) => String(message.headers[deadLetterHeaders.reason] ?? '');
  const itsmDeployment = async (changeId: string) =>
    (await planning.runtime.db.query<{ data: { window: { start: string; end: string }; nextAvailable?: unknown } }>(`SELECT data FROM planning.events WHERE event_type = 'DeploymentRequested' AND data->>'changeId' = $1`, [changeId])).rows[0]?.data;

  it('a ChangeAuthorized asking for the next available window and no window is planned, as POST /deployments is; with both it is dead-lettered with REST\'s reason', async () => {
    const changeId = `CHG-NEXT-${suffix}`;
    const { changeState: _s, window: _w, ...asked } = request({ changeId, service: 'itsm-next' });
    await produce(INBOUND_TOPICS.itsmChanges, cloudEvent('itsm', 'ChangeAuthorized', { ...asked, nextAvailable: { durationMinutes: 30 } }));
    const both = `CHG-BOTH-${suffix}`;
    await produce(INBOUND_TOPICS.itsmChanges, cloudEvent('itsm', 'ChangeAuthorized', { ...asked, changeId: both, window: { start: '2027-06-05T21:00:00.000Z', end: '2027-06-05T22:00:00.000Z' }, nextAvailable: { durationMinutes: 30 } }));
    const recorded = await eventually(() => itsmDeployment(changeId), { what: 'the deployment of the change' });
    expect(recorded.nextAvailable).toEqual({ durationMinutes: 30 });
    expect(Date.parse(recorded.window.end) - Date.parse(recorded.window.start)).toBe(30 * 60_000);
    await eventually(() => deadLetters.some((m) => String(m.value).includes(both) && reasonOf(m).includes('nextAvailable and window exclude each other')), { what: 'the authorisation with both on the dead-letter topic' });
    expect(await itsmDeployment(both)).toBeUndefined();
  });

  it('a change id of the contract\'s length (128) is accepted by every door, one character more refused by every door', async () => {
    const longest = (door: string) => `CHG-${door}-${suffix}-`.padEnd(128, 'x');
    const windowOf = (day: number) => ({ start: `2027-07-${String(day).padStart(2, '0')}T21:00:00.000Z`, end: `2027-07-${String(day).padStart(2, '0')}T22:00:00.000Z` });
    const rest = await http('POST', '/deployments', request({ changeId: longest('rest'), service: 'long-rest', window: windowOf(3) }), changeManager);
    expect(rest.status).toBe(201);
    const tooLongRest = await http('POST', '/deployments', request({ changeId: `${longest('rest')}x`, service: 'long-rest', window: windowOf(10) }), changeManager);
    expect([tooLongRest.status, JSON.stringify(await tooLongRest.json())]).toEqual([400, expect.stringContaining('changeId must NOT have more than 128 characters')]);

    const client = grpcClient();
    try {
      const { changeState: _s, window, ...asked } = request({ service: 'long-grpc', window: windowOf(17) });
      const message = { ...asked, changeState: 'authorised', window, acceptanceCriteria: [{ type: 'smoke-tests', description: 'checkout smoke suite passes' }] };
      expect(await client.call('RequestDeployment', { ...message, changeId: longest('grpc') })).toMatchObject({ changeId: longest('grpc') });
      await expect(client.call('RequestDeployment', { ...message, changeId: `${longest('grpc')}x`, window: windowOf(24) })).rejects.toMatchObject({ code: 3, details: expect.stringContaining('changeId must NOT have more than 128 characters') });
    } finally {
      client.close();
    }

    const { changeState: _state, ...authorisation } = request({ service: 'long-itsm', window: windowOf(31) });
    await produce(INBOUND_TOPICS.itsmChanges, cloudEvent('itsm', 'ChangeAuthorized', { ...authorisation, changeId: `${longest('itsm')}x` }));
    await produce(INBOUND_TOPICS.itsmChanges, cloudEvent('itsm', 'ChangeAuthorized', { ...authorisation, changeId: longest('itsm') }));
    await eventually(() => itsmDeployment(longest('itsm')), { what: 'the deployment of the longest change id' });
    await eventually(() => deadLetters.some((m) => String(m.value).includes(`${longest('itsm')}x`) && reasonOf(m).includes('changeId must NOT have more than 128 characters')), { what: 'the longer change id on the dead-letter topic' });
    expect(await itsmDeployment(`${longest('itsm')}x`)).toBeUndefined();
  });
});

describe('models from model-review and the promotion rule from records (Kafka)', () => {
  const modelName = `int-web-${suffix}`;

  it('a published model is planned with; a duplicate delivery changes nothing; a schema-invalid one goes to the dead-letter topic', async () => {
    const published = { name: modelName, version: 1, content: modelContent(modelName), supersedes: null, publishedBy: 'mo.owner', publishedAt: new Date().toISOString() };
    const id = randomUUID();
    await produce(SERVICE_TOPICS['model-review'], cloudEvent('model-review', 'DeploymentModelPublished', published, id));
    await produce(SERVICE_TOPICS['model-review'], cloudEvent('model-review', 'DeploymentModelPublished', published, id));
    await produce(SERVICE_TOPICS['model-review'], cloudEvent('model-review', 'DeploymentModelPublished', { ...published, name: 'Not A Name!' }));
    await eventually(() => deadLetters.some((m) => String(m.value).includes('Not A Name!')), { what: 'the invalid model on the dead-letter topic' });
    await eventually(async () => (await planning.runtime.db.query(`SELECT 1 FROM planning.deployment_models WHERE name = $1`, [modelName])).rowCount === 1, { what: 'the model in the read model' });
    expect(consumers[0].counts.duplicates).toBeGreaterThanOrEqual(1);

    const response = await http('POST', '/deployments', request({ adHoc: undefined, model: modelName, service: 'promoted', window: { start: '2026-12-19T21:00:00.000Z', end: '2026-12-19T22:00:00.000Z' } }), changeManager);
    expect(await response.json()).toMatchObject({ status: 'planned', plan: { model: { name: modelName, version: 1 }, strategy: 'progressive', waves: [{ index: 1 }, { index: 2 }] } });
  });

  it('a production request for versions that never succeeded in staging is refused; after a succeeded staging deployment it is planned', async () => {
    expect((await http('POST', '/environments', environment('int-production', 'production', 5))).status).toBe(201);
    const toProduction = (version: string) =>
      authorised(request({ adHoc: undefined, model: modelName, service: `promoted-${version}`, environment: 'int-production', components: [{ name: 'payments-api', version, kind: 'software' }] }));

    const refused = (await (await http('POST', '/deployments', toProduction('3.0.0'), changeManager)).json()) as { status: string; rejection: unknown };
    expect(refused).toMatchObject({ status: 'rejected', rejection: { reason: 'PromotionRuleNotMet', details: { previousEnvironmentKind: 'staging', components: [{ name: 'payments-api', version: '3.0.0' }] } } });

    const staged = (await (
      await http('POST', '/deployments', request({ adHoc: undefined, model: modelName, service: 'staged', components: [{ name: 'payments-api', version: '3.0.0', kind: 'software' }], window: { start: '2026-12-26T21:00:00.000Z', end: '2026-12-26T22:00:00.000Z' } }), changeManager)
    ).json()) as { deploymentId: string; status: string };
    expect(staged.status).toBe('planned');
    const closed = {
      deploymentId: staged.deploymentId,
      changeId: 'CHG1',
      service: 'staged',
      environment: 'int-staging',
      model: { name: modelName, version: 1 },
      outcome: 'succeeded',
      requestedAt: '2026-11-30T10:00:00.000Z',
      closedAt: '2026-11-30T11:00:00.000Z',
      leadTimeMs: 3_600_000,
    };
    await produce(SERVICE_TOPICS.records, cloudEvent('records', 'DeploymentRecordClosed', closed));
    await eventually(async () => (await planning.runtime.db.query(`SELECT 1 FROM planning.succeeded_versions WHERE deployment_id = $1`, [staged.deploymentId])).rowCount === 1, {
      what: 'the succeeded staging deployment in the read model',
    });

    const planned = (await (await http('POST', '/deployments', toProduction('3.0.0'), changeManager)).json()) as { status: string; plan: unknown };
    expect(planned).toMatchObject({ status: 'planned', plan: { environment: 'int-production', gates: [{ source: 'model' }, { source: 'environment' }] } });
  });

  it('the flow holds for ad hoc deployments too: by position, production after staging; ad hoc needs its own permission; an emergency skips a stage only by a deployment manager, recorded', async () => {
    // a second production environment, after int-production: its previous stage is staging, not production
    expect((await http('POST', '/environments', environment('int-prod-eu', 'production', 6))).status).toBe(201);
    const practitioner = await mintToken(SECRET, { sub: 'pat.practitioner', roles: ['deployment-practitioner'] });
    const adHoc = (service: string, overrides: Record<string, unknown> = {}) =>
      authorised(request({ service, environment: 'int-prod-eu', components: [{ name: 'payments-api', version: '4.0.0', kind: 'software' }], ...overrides }));
    type Answer = { deploymentId: string; status: string; rejection?: unknown; plan?: Record<string, unknown> };
    const post = async (body: unknown, token: string) => (await (await http('POST', '/deployments', body, token)).json()) as Answer;

    expect(await post(adHoc('flow-unproven'), manager)).toMatchObject({
      status: 'rejected',
      rejection: { reason: 'PromotionRuleNotMet', details: { previousEnvironmentKind: 'staging', previousEnvironments: ['int-staging'], flowFrom: 'positions', components: [{ name: 'payments-api', version: '4.0.0' }] } },
    });
    expect(await post(adHoc('flow-practitioner'), practitioner)).toMatchObject({ status: 'rejected', rejection: { reason: 'AdHocNotPermitted' } });

    const emergency = (service: string) => adHoc(service, { changeType: 'emergency', promotionOverride: { reason: 'card outage: the fix cannot wait for staging' } });
    expect(await post(emergency('flow-emergency-system'), changeManager)).toMatchObject({
      status: 'rejected',
      rejection: { reason: 'PromotionRuleNotMet', details: { overrideRefused: 'only a deployment manager may skip a stage' } },
    });
    const skipped = await post(emergency('flow-emergency'), manager);
    const override = { skippedEnvironmentKind: 'staging', components: [{ name: 'payments-api', version: '4.0.0' }], reason: 'card outage: the fix cannot wait for staging', by: 'dana.manager' };
    expect(skipped).toMatchObject({ status: 'planned', plan: { adHoc: true, promotionOverride: override } });
    const recorded = await planning.runtime.db.query<{ data: Record<string, unknown> }>(`SELECT data FROM planning.events WHERE stream_id = $1 AND event_type = 'DeploymentPlanned'`, [`Deployment-${skipped.deploymentId}`]);
    expect(recorded.rows[0].data).toMatchObject({ adHoc: true, promotionOverride: override });

    // 4.0.0 succeeds in staging (ad hoc: int-staging is the first stage, nothing below it is active)
    const staged = await post(request({ service: 'flow-staged', components: [{ name: 'payments-api', version: '4.0.0', kind: 'software' }], window: { start: '2027-03-06T21:00:00.000Z', end: '2027-03-06T22:00:00.000Z' } }), manager);
    expect(staged).toMatchObject({ status: 'planned', plan: { adHoc: true } });
    const closed = { deploymentId: staged.deploymentId, changeId: 'CHG2', service: 'flow-staged', environment: 'int-staging', model: null, outcome: 'succeeded', requestedAt: '2026-11-30T10:00:00.000Z', closedAt: '2026-11-30T11:00:00.000Z', leadTimeMs: 3_600_000 };
    await produce(SERVICE_TOPICS.records, cloudEvent('records', 'DeploymentRecordClosed', closed));
    await eventually(async () => (await planning.runtime.db.query(`SELECT 1 FROM planning.succeeded_versions WHERE deployment_id = $1`, [staged.deploymentId])).rowCount === 1, {
      what: 'the succeeded staging deployment in the read model',
    });

    // in a window of its own: the emergency holds every target of int-prod-eu in the first
    const proven = adHoc('flow-proven', { window: { start: '2027-03-13T21:00:00.000Z', end: '2027-03-13T22:00:00.000Z' } });
    expect(await post(proven, manager)).toMatchObject({ status: 'planned', plan: { environment: 'int-prod-eu', model: null, adHoc: true } });
  });
});

describe('verifiable authorisation: a change is proved authorised, never merely claimed (Kafka)', () => {
  type Answer = { deploymentId: string; status: string; rejection?: { reason: string; details: Record<string, unknown> }; plan?: Record<string, unknown> };
  const post = async (body: unknown, token = manager) => (await (await http('POST', '/deployments', body, token)).json()) as Answer;
  // a removal has no previous stage to prove: only the authorisation is weighed here
  const removal = (service: string, day: number) =>
    request({ service, kind: 'removal', environment: 'int-prod-authz', components: [{ name: 'legacy-api', version: '1.0.0', kind: 'software' }], window: { start: `2027-04-${String(day).padStart(2, '0')}T21:00:00.000Z`, end: `2027-04-${String(day).padStart(2, '0')}T22:00:00.000Z` } });
  const recordedPlan = async (deploymentId: string) =>
    (await planning.runtime.db.query<{ data: Record<string, unknown> }>(`SELECT data FROM planning.events WHERE stream_id = $1 AND event_type = 'DeploymentPlanned'`, [`Deployment-${deploymentId}`])).rows[0]?.data;

  beforeAll(async () => {
    expect((await http('POST', '/environments', environment('int-prod-authz', 'production', 9))).status).toBe(201);
  });

  it('only an admin trusts change enablement\'s keys: a deployment manager may not register one', async () => {
    const key = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' });
    expect((await http('POST', '/authorisation-keys', { keyId: 'self-made', publicKey: key, owner: 'dana' }, manager)).status).toBe(403);
    expect(await (await http('GET', `/authorisation-keys/${AUTHORISATION_KEY_ID}`, undefined, manager)).json()).toMatchObject({ status: 'trusted', algorithm: 'ed25519' });
  });

  it('a request into production that only says its change is authorised is refused AuthorisationNotProven, even from a deployment manager, and the rejection recorded', async () => {
    const claimed = await post(removal('authz-claimed', 1));
    expect(claimed).toMatchObject({
      status: 'rejected',
      rejection: { reason: 'AuthorisationNotProven', details: { way: 'permission', accepted: ['itsm', 'signed'], why: 'a production environment accepts an authorisation only by itsm or signed, not by permission' } },
    });
    const recorded = await planning.runtime.db.query(`SELECT 1 FROM planning.events WHERE stream_id = $1 AND event_type = 'DeploymentRejected'`, [`Deployment-${claimed.deploymentId}`]);
    expect(recorded.rowCount).toBe(1);
  });

  it('a signed authorisation by change enablement\'s key is accepted, its signer and key recorded in the plan; a forged, tampered or expired one is refused', async () => {
    const signed = await post(authorised(removal('authz-signed', 2)));
    expect(signed).toMatchObject({ status: 'planned', plan: { authorisedBy: { way: 'signed', by: 'carol.cab', keyId: AUTHORISATION_KEY_ID } } });
    expect(await recordedPlan(signed.deploymentId)).toMatchObject({ authorisedBy: { way: 'signed', by: 'carol.cab', keyId: AUTHORISATION_KEY_ID } });

    const forged = await post(authorised(removal('authz-forged', 3), {}, generateKeyPairSync('ed25519').privateKey));
    expect(forged).toMatchObject({ status: 'rejected', rejection: { reason: 'AuthorisationNotProven', details: { way: 'signed', why: `the signed authorisation's signature does not verify under key ${AUTHORISATION_KEY_ID}` } } });

    // signed for one deployment, its payload then rewritten to name another service
    const genuine = authorised(removal('authz-tampered', 4));
    const [header, , signature] = genuine.authorisation.split('.');
    const rewritten = Buffer.from(JSON.stringify({ changeId: genuine.changeId, service: 'authz-elsewhere', environment: 'int-prod-authz', components: [{ name: 'legacy-api', version: '1.0.0' }], exp: Math.floor(Date.now() / 1000) + 86_400 })).toString('base64url');
    const tampered = await post({ ...genuine, service: 'authz-elsewhere', authorisation: `${header}.${rewritten}.${signature}` });
    expect(tampered).toMatchObject({ status: 'rejected', rejection: { reason: 'AuthorisationNotProven', details: { why: expect.stringMatching(/signature does not verify/) } } });

    const expired = await post(authorised(removal('authz-expired', 5), { exp: Math.floor(Date.now() / 1000) - 60 }));
    expect(expired).toMatchObject({ status: 'rejected', rejection: { reason: 'AuthorisationNotProven', details: { why: expect.stringMatching(/^the signed authorisation expired at /) } } });

    const another = await post({ ...authorised(removal('authz-other', 6)), service: 'authz-other-service' });
    expect(another).toMatchObject({ status: 'rejected', rejection: { reason: 'AuthorisationNotProven', details: { why: 'the signed authorisation is for another service', differing: ['service'] } } });
  });

  it('a ChangeAuthorized on itsm.changes.v1 proves the change: the plan names who authorised it and the event', async () => {
    const { changeState: _s, ...change } = removal('authz-itsm', 7);
    const id = randomUUID();
    await produce(INBOUND_TOPICS.itsmChanges, cloudEvent('itsm', 'ChangeAuthorized', { ...change, authorisedBy: 'carol.cab@example.com' }, id));
    const found = await eventually(
      async () => (await http('GET', '/deployments?environment=int-prod-authz&limit=100').then((r) => r.json()) as { deployments: Answer[] }).deployments.find((d) => d.plan?.service === 'authz-itsm'),
      { what: 'the deployment of the authorised change' },
    );
    expect(found.plan).toMatchObject({ authorisedBy: { way: 'itsm', by: 'carol.cab@example.com', source: '/servicenow/change', eventId: id } });
  });

  it('revoking a key revokes the authorisations it signed of plans not yet closed, in the revocation\'s transaction; other plans keep theirs', async () => {
    const key = generateKeyPairSync('ed25519');
    const keyId = `ce-rotated-${suffix}`;
    expect((await http('POST', '/authorisation-keys', { keyId, publicKey: key.publicKey.export({ type: 'spki', format: 'pem' }), owner: 'change enablement' }, admin)).status).toBe(201);
    const signedWith = (body: ReturnType<typeof removal>) => ({
      ...body,
      authorisation: signedAuthorisation(keyId, { changeId: body.changeId, service: body.service, environment: body.environment, components: [{ name: 'legacy-api', version: '1.0.0' }], exp: Math.floor(Date.now() / 1000) + 3600, sub: 'carol.cab' }, key.privateKey),
    });
    const revokedBody = signedWith(removal('authz-key-revoked', 24));
    const byRevokedKey = await post(revokedBody);
    const byOtherKey = await post(authorised(removal('authz-key-kept', 25)));
    expect([byRevokedKey.status, byOtherKey.status]).toEqual(['planned', 'planned']);

    expect((await http('POST', `/authorisation-keys/${keyId}/revoke`, { reason: 'change enablement rotated its keys' }, admin)).status).toBe(200);
    const revocations = async (deploymentId: string) =>
      (await planning.runtime.db.query<{ data: Record<string, unknown> }>(`SELECT data FROM planning.events WHERE stream_id = $1 AND event_type = 'DeploymentAuthorisationRevoked'`, [`Deployment-${deploymentId}`])).rows.map((r) => r.data);
    expect(await revocations(byRevokedKey.deploymentId)).toEqual([
      expect.objectContaining({ deploymentId: byRevokedKey.deploymentId, changeId: revokedBody.changeId, environment: 'int-prod-authz', keyId, reason: 'change enablement rotated its keys' }),
    ]);
    expect(await revocations(byOtherKey.deploymentId)).toEqual([]);
    expect(await (await http('GET', `/deployments/${byRevokedKey.deploymentId}`)).json()).toMatchObject({ authorisationRevoked: { keyId, reason: 'change enablement rotated its keys' } });
    // revoked again: the same answer, nothing more recorded
    expect((await http('POST', `/authorisation-keys/${keyId}/revoke`, { reason: 'again' }, admin)).status).toBe(200);
    expect(await revocations(byRevokedKey.deploymentId)).toHaveLength(1);
  });

  it('in production the requester does not authorise their own change: an itsm.changes.v1 event naming them (in another case) and a signature by them are rejected RequesterMayNotAuthorise, and recorded', async () => {
    const { changeState: _s, ...change } = removal('authz-self-itsm', 9);
    const event = { ...(JSON.parse(cloudEvent('itsm', 'ChangeAuthorized', { ...change, authorisedBy: 'Dana.Manager' })) as CloudEvent), actor: 'dana.manager' };
    await produce(INBOUND_TOPICS.itsmChanges, JSON.stringify(event));
    const viaItsm = await eventually(
      async () => (await http('GET', '/deployments?environment=int-prod-authz&limit=100').then((r) => r.json()) as { deployments: (Answer & { request: { service: string } })[] }).deployments.find((d) => d.request.service === 'authz-self-itsm'),
      { what: 'the deployment of the self-authorised change' },
    );
    expect(viaItsm).toMatchObject({
      status: 'rejected',
      rejection: { reason: 'RequesterMayNotAuthorise', details: { requestedBy: 'dana.manager', authorisedBy: 'Dana.Manager', way: 'itsm', why: expect.stringMatching(/requester may not be the change's authoriser/) } },
    });

    const viaRest = await post(authorised(removal('authz-self-signed', 10), { sub: 'DANA.MANAGER' }));
    expect(viaRest).toMatchObject({ status: 'rejected', rejection: { reason: 'RequesterMayNotAuthorise', details: { requestedBy: 'dana.manager', authorisedBy: 'DANA.MANAGER', way: 'signed' } } });
    const recorded = await planning.runtime.db.query(`SELECT 1 FROM planning.events WHERE stream_id = $1 AND event_type = 'DeploymentRejected'`, [`Deployment-${viaRest.deploymentId}`]);
    expect(recorded.rowCount).toBe(1);
    // the same signature, asked for by someone else, is a change authorised by another person
    expect(await post(authorised(removal('authz-other-requester', 11), { sub: 'DANA.MANAGER' }), changeManager)).toMatchObject({ status: 'planned', plan: { authorisedBy: { way: 'signed', by: 'DANA.MANAGER' } } });
  });

  it('over gRPC, a signed authorisation is accepted and the answer and GetDeployment name who authorised it; a request merely claiming authorisation is refused with the reason', async () => {
    const client = grpcClient();
    const { call } = client;
    type GrpcDeployment = { id: string; status: string; cause?: string; rejectionDetails?: string; authorisedBy?: Record<string, unknown> };
    try {
      const signed = await call<GrpcDeployment>('RequestDeployment', authorised(removal('authz-grpc-signed', 12)));
      const authorisedBy = { way: 'signed', by: 'carol.cab', keyId: AUTHORISATION_KEY_ID };
      expect(signed).toMatchObject({ status: 'planned', authorisedBy });
      expect(await call<GrpcDeployment>('GetDeployment', { id: signed.id })).toMatchObject({ status: 'planned', authorisedBy });

      const claimed = await call<GrpcDeployment>('RequestDeployment', removal('authz-grpc-claimed', 13));
      expect(claimed).toMatchObject({ status: 'rejected', cause: 'AuthorisationNotProven' });
      expect(claimed.authorisedBy ?? null).toBeNull();
      expect(JSON.parse(claimed.rejectionDetails!)).toMatchObject({ way: 'permission', why: 'a production environment accepts an authorisation only by itsm or signed, not by permission' });
    } finally {
      client.close();
    }
  });

  it('after its key is revoked, change enablement\'s signature no longer authorises', async () => {
    const other = generateKeyPairSync('ed25519');
    const keyId = `ce-revoked-${suffix}`;
    expect((await http('POST', '/authorisation-keys', { keyId, publicKey: other.publicKey.export({ type: 'spki', format: 'pem' }), owner: 'change enablement' }, admin)).status).toBe(201);
    expect((await http('POST', `/authorisation-keys/${keyId}/revoke`, { reason: 'private key leaked' }, admin)).status).toBe(200);
    const body = removal('authz-revoked', 8);
    const token = signedAuthorisation(keyId, { changeId: body.changeId, service: body.service, environment: body.environment, components: [{ name: 'legacy-api', version: '1.0.0' }], exp: Math.floor(Date.now() / 1000) + 3600 }, other.privateKey);
    expect(await post({ ...body, authorisation: token })).toMatchObject({ status: 'rejected', rejection: { reason: 'AuthorisationNotProven', details: { why: `authorisation key ${keyId} was revoked: private key leaked` } } });
  });
});

describe('the service catalogue over REST', () => {
  const owner = (token = manager) => token;
  const entry = (name: string, overrides: Record<string, unknown> = {}) => ({
    name,
    description: 'takes card payments',
    owner: { name: 'Ada Owner', contact: { email: 'ada@example.com', chat: '@ada' } },
    stakeholders: [{ name: 'Service desk', role: 'service-desk', contact: { email: 'desk@example.com' } }],
    dependencies: [],
    channels: [{ name: 'ops-chat', url: 'https://chat.example.com/hooks/payments', secretRef: 'PAYMENTS_CHAT' }],
    ...overrides,
  });
  let serviceOwner: string;
  beforeAll(async () => {
    serviceOwner = await mintToken(SECRET, { sub: 'sam.owner', roles: ['service-owner'] });
  });

  it('a service owner registers, updates and reads an entry; everyone reads the catalogue; others may not change it', async () => {
    const name = `cat-payments-${suffix}`;
    expect((await http('POST', '/services', entry(name), owner(manager))).status).toBe(403);
    const created = await http('POST', '/services', entry(name), serviceOwner);
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    const updated = await http('PUT', `/services/${name}`, { ...entry(name), name: undefined, dependencies: [`cat-ledger-${suffix}`] }, serviceOwner, { 'if-match': '"1"' });
    expect(updated.status).toBe(200);
    expect(((await updated.json()) as { definition: { dependencies: string[] } }).definition.dependencies).toEqual([`cat-ledger-${suffix}`]);
    const read = (await (await http('GET', `/services/${name}`, undefined, changeManager)).json()) as { version: number };
    expect(read.version).toBe(2);
    const listed = (await (await http('GET', '/services', undefined, changeManager)).json()) as { services: { name: string }[] };
    expect(listed.services.map((s) => s.name)).toContain(name);
    expect((await http('GET', `/services/cat-nowhere-${suffix}`, undefined, changeManager)).status).toBe(404);
  });

  it.each([
    ['an unknown field', { colour: 'blue' }, /colour/],
    ['an owner without a contact', { owner: { name: 'Ada', contact: {} } }, /contact/],
    ['a channel that is not http', { channels: [{ name: 'ops', url: 'file:///etc/passwd', secretRef: 'X' }] }, /url/],
    ['a secret given in place of its reference', { channels: [{ name: 'ops', url: 'https://chat.example.com/h', secretRef: 'hunter2 is my secret' }] }, /secretRef/],
    ['a stakeholder list of the wrong type', { stakeholders: 'everyone' }, /stakeholders/],
  ])('%s is refused with 400 and records nothing', async (_what, overrides, message) => {
    const before = await planningEvents();
    const response = await http('POST', '/services', entry(`cat-x-${suffix}`, overrides), serviceOwner);
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toMatch(message);
    expect(await planningEvents()).toBe(before);
  });

  it('a body that is not JSON, and a name that is too long, are refused with 400', async () => {
    expect((await http('POST', '/services', '{"name": ', serviceOwner)).status).toBe(400);
    expect((await http('GET', `/services/${'x'.repeat(300)}`, undefined, serviceOwner)).status).toBe(400);
  });

  it('a plan warns of a service it depends on deploying in an overlapping window in the same environment, and is not refused', async () => {
    // the first stage of the flow, so no promotion is asked of it; decommissioned at the end, so the flow is as it was
    const env = `int-catalogue-${suffix}`;
    expect((await http('POST', '/environments', environment(env, 'development', 1))).status).toBe(201);
    const ledger = `cat-ledger-db-${suffix}`;
    const payments = `cat-pay-${suffix}`;
    expect((await http('POST', '/services', entry(ledger, { channels: [] }), serviceOwner)).status).toBe(201);
    expect((await http('POST', '/services', entry(payments, { dependencies: [ledger] }), serviceOwner)).status).toBe(201);
    const window = { start: '2026-12-12T21:00:00.000Z', end: '2026-12-12T23:00:00.000Z' };
    const first = (await (await http('POST', '/deployments', request({ service: ledger, environment: env, targets: [`${env}-1`], window, components: [{ name: 'ledger-db', version: '1.0.0', kind: 'software' }] }), manager)).json()) as { deploymentId: string; status: string };
    expect(first.status).toBe('planned');
    const second = (await (await http('POST', '/deployments', request({ service: payments, environment: env, targets: [`${env}-3`], window: { start: '2026-12-12T22:00:00.000Z', end: '2026-12-13T00:00:00.000Z' } }), manager)).json()) as {
      status: string;
      plan: { warnings?: unknown[] };
    };
    // they share no target: a warning, not a conflict
    expect(second.status).toBe('planned');
    expect(second.plan.warnings).toEqual([{ code: 'DependentServiceDeploying', service: ledger, relation: 'depends-on', deploymentId: first.deploymentId, window }]);
    expect((await http('POST', `/environments/${env}/decommission`, { reason: 'test over' }, manager, { 'if-match': '"1"' })).status).toBe(200);
  });
});

describe('chained promotion through the model’s flow (Kafka)', () => {
  const modelName = `int-chain-${suffix}`;
  // kinds that other cases also register environments of: each stage's environment is named in the request
  const stages = { development: `chain-dev-${suffix}`, test: `chain-test-${suffix}`, staging: `chain-staging-${suffix}`, production: `chain-prod-${suffix}` };
  type Stage = { deploymentId: string; status: string; request: { environment: string; chain?: { chainId: string; stage: number; of: number } }; plan?: { environment: string; window: { start: string }; chain?: unknown } };

  const chainRequest = (service: string, version: string) => {
    const components = [{ name: 'chain-api', version, kind: 'software' }];
    const production = signedAuthorisation(
      AUTHORISATION_KEY_ID,
      { changeId: `CHG-CHAIN-${service}`, service, environment: stages.production, components: [{ name: 'chain-api', version }], exp: Math.floor(Date.now() / 1000) + 86_400, sub: 'carol.cab' },
      changeEnablementKey.privateKey,
    );
    return request({
      changeId: `CHG-CHAIN-${service}`,
      adHoc: undefined,
      model: modelName,
      service,
      kind: 'install',
      components,
      environment: stages.development,
      window: undefined,
      nextAvailable: { durationMinutes: 30 },
      promote: { through: 'production', environments: stages, authorisations: { production } },
    });
  };
  const closed = (stage: Stage, service: string, outcome: string) =>
    cloudEvent('records', 'DeploymentRecordClosed', {
      deploymentId: stage.deploymentId,
      changeId: `CHG-CHAIN-${service}`,
      service,
      environment: stage.request.environment,
      model: { name: modelName, version: 1 },
      outcome,
      ...(outcome === 'succeeded' ? {} : { cause: 'AcceptanceCriteriaNotMet' }),
      requestedAt: new Date().toISOString(),
      closedAt: new Date().toISOString(),
      leadTimeMs: 1,
    });
  const stageOf = (chainId: string, n: number) => (n === 1 ? chainId : deploymentIdFor(chainId, `stage ${n}`));
  const requested = (chainId: string, n: number) =>
    eventually(
      async () => {
        const response = await http('GET', `/deployments/${stageOf(chainId, n)}`, undefined, changeManager);
        return response.status === 200 ? ((await response.json()) as Stage) : undefined;
      },
      { what: `stage ${n} of chain ${chainId} to be requested` },
    );

  beforeAll(async () => {
    const content = {
      ...modelContent(modelName),
      applicability: { deploymentKinds: ['install' as const], componentKinds: ['software' as const], componentSources: ['in-house' as const], environmentKinds: ['development' as const, 'test' as const, 'staging' as const, 'production' as const], serviceTags: [] },
      environmentFlow: ['development' as const, 'test' as const, 'staging' as const, 'production' as const],
      strategy: { type: 'big-bang' as const },
      gates: [],
    };
    await produce(SERVICE_TOPICS['model-review'], cloudEvent('model-review', 'DeploymentModelPublished', { name: modelName, version: 1, content, supersedes: null, publishedBy: 'mo.owner', publishedAt: new Date().toISOString() }));
    for (const [position, [kind, name]] of Object.entries(stages).entries()) expect((await http('POST', '/environments', environment(name, kind, position + 1, { approvalPolicy: { roles: [], minimumApprovers: 0 } }))).status).toBe(201);
    await eventually(async () => (await planning.runtime.db.query(`SELECT 1 FROM planning.deployment_models WHERE name = $1`, [modelName])).rowCount === 1, { what: 'the chain’s model in the read model' });
  });

  afterAll(async () => {
    // the flow by positions is as it was for whatever runs after
    for (const name of Object.values(stages)) await http('POST', `/environments/${name}/decommission`, { reason: 'test over' }, manager, { 'if-match': '"1"' });
  });

  it('development → production: each stage is requested when the one before succeeded, each with its own plan; a failed stage stops its chain', async () => {
    const first = (await (await http('POST', '/deployments', chainRequest(`chained-${suffix}`, `1.0.0-${suffix}`), changeManager)).json()) as Stage;
    expect(first).toMatchObject({ status: 'planned', request: { environment: stages.development, chain: { chainId: first.deploymentId, stage: 1, of: 4 } }, plan: { chain: { stage: 1, of: 4 } } });
    const stopping = (await (await http('POST', '/deployments', chainRequest(`stopped-${suffix}`, `2.0.0-${suffix}`), changeManager)).json()) as Stage;
    expect(stopping.status).toBe('planned');

    // records closes the chain that stops: development succeeded, then test failed
    await produce(SERVICE_TOPICS.records, closed(stopping, `stopped-${suffix}`, 'succeeded'));
    const failing = await requested(stopping.deploymentId, 2);
    expect(failing).toMatchObject({ status: 'planned', plan: { environment: stages.test, chain: { chainId: stopping.deploymentId, stage: 2, of: 4 } } });
    await produce(SERVICE_TOPICS.records, closed(failing, `stopped-${suffix}`, 'failed'));

    const seen: Stage[] = [first];
    for (const n of [2, 3, 4]) {
      // a duplicate delivery of the close asks for the same next stage again, and changes nothing
      const close = closed(seen[n - 2], `chained-${suffix}`, 'succeeded');
      await produce(SERVICE_TOPICS.records, close);
      await produce(SERVICE_TOPICS.records, close);
      const stage = await requested(first.deploymentId, n);
      expect(stage).toMatchObject({ status: 'planned', version: 3, request: { environment: Object.values(stages)[n - 1], chain: { chainId: first.deploymentId, stage: n, of: 4 } } });
      expect(stage.plan).toMatchObject({ environment: Object.values(stages)[n - 1], chain: { stage: n } });
      seen.push(stage);
    }
    // production was proven by the signed authorisation the request carried for it, and planned in its own window
    expect(seen[3].plan).toMatchObject({ authorisedBy: { way: 'signed', by: 'carol.cab' } });

    // the failed close went before the last success on the same partition: by now it was weighed, and nothing followed it
    expect((await http('GET', `/deployments/${stageOf(stopping.deploymentId, 3)}`, undefined, changeManager)).status).toBe(404);
  });

  it('a chain through a kind with several environments, none named, is refused before its first stage (PromotionChainStageUnresolved)', async () => {
    const body = chainRequest(`unnamed-${suffix}`, `3.0.0-${suffix}`);
    const another = `chain-staging-b-${suffix}`;
    expect((await http('POST', '/environments', environment(another, 'staging', 3))).status).toBe(201);
    const refused = (await (await http('POST', '/deployments', { ...body, promote: { through: 'staging', environments: { test: stages.test } } }, changeManager)).json()) as {
      status: string;
      rejection: unknown;
    };
    expect(refused).toMatchObject({ status: 'rejected', rejection: { reason: 'PromotionChainStageUnresolved', details: { kind: 'staging', environments: expect.arrayContaining([stages.staging, another]) } } });
    expect((await http('POST', `/environments/${another}/decommission`, { reason: 'test over' }, manager, { 'if-match': '"1"' })).status).toBe(200);
  });
  it('over gRPC a chain is asked with promote, and the answer and GetDeployment name its chain', async () => {
    const { window: _window, nextAvailable: _next, promote, acceptanceCriteria, ...asked } = chainRequest(`grpc-chained-${suffix}`, `4.0.0-${suffix}`) as Record<string, unknown>;
    const client = grpcClient();
    try {
      const reply = await client.call<{ id: string; status: string; chain?: unknown }>('RequestDeployment', {
        ...asked,
        acceptanceCriteria: (acceptanceCriteria as { type: string; description: string }[]).map((c) => ({ ...c, params: {} })),
        nextAvailableMinutes: 30,
        promote,
      });
      const chain = { chainId: reply.id, stage: 1, of: 4, environments: Object.values(stages) };
      expect(reply).toMatchObject({ status: 'planned', chain });
      expect(await client.call('GetDeployment', { id: reply.id })).toMatchObject({ chain });
    } finally {
      client.close();
    }
  });
});
