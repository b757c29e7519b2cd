import { mintToken } from '@gantry/auth';
import { DEAD_LETTER_HEADERS, deadLetterTopic, INBOUND_TOPICS, ITAM_COMPONENT_EVENT_TYPES, SERVICE_TOPICS, signedStatement, type DeploymentPlanned, type EnvironmentDefinition } from '@gantry/contracts';
import { KafkaBus, type CloudEvent, type IncomingMessage, type Subscription } from '@gantry/messaging';
import { boot, type RunningProcess } from '@gantry/platform';
import { createTestDatabase, eventually, type TestDatabase } from '@gantry/testing';
import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_SIGNED_KINDS } from './deployment-verifications';
import { VerificationModule } from './verification.module';

/**
 * Verification as it runs: REST over real PostgreSQL, its consumers and publisher on real Kafka (consumer groups of
 * this run's own), real signatures made here with node's crypto, real HTTP servers for the health probes.
 */
const SECRET = 'verification-int-secret-long-enough';
const suffix = randomBytes(4).toString('hex');
const PROBE_DEADLINE_SECONDS = 2;
let database: TestDatabase;
let verification: RunningProcess;
let bus: KafkaBus;
let manager: string;
let monitoring: string;
let auditor: string;
const readers: Subscription[] = [];
const published: CloudEvent[] = [];
const deadLetters: IncomingMessage[] = [];

/** A test HTTP server that answers with the statuses given, in turn (the last one for ever), and counts the requests. */
interface HealthServer {
  url: string;
  requests: number;
  close(): Promise<void>;
}
const servers: HealthServer[] = [];
const healthServer = async (statuses: number[]): Promise<HealthServer> => {
  const state = { requests: 0 };
  const server: Server = createServer((_req, res) => {
    const status = statuses[Math.min(state.requests, statuses.length - 1)];
    state.requests++;
    res.writeHead(status).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const handle = {
    url: `http://127.0.0.1:${port}/health`,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  servers.push(handle);
  return handle;
};

/** The service as it runs, on this suite's database and consumer groups (booted again to show what survives a restart). */
const bootVerification = () =>
  boot('verification', {
    modules: (runtime) => [
      VerificationModule.register(runtime, {
        policy: { allowedProbeHosts: ['127.0.0.1'], probeIntervalMs: 100, probeTimeoutMs: 1000, consecutiveSuccesses: 3, evaluationDeadlineMs: 6000, signedKinds: DEFAULT_SIGNED_KINDS },
        // other suites publish on the same topics at the same time: act on this suite's messages only
        actsOn: (event) => produced.has(event.id),
        fromBeginning: false,
      }),
    ],
    env: {
      DATABASE_URL: database.url,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS,
      GANTRY_CONSUMER_GROUP_PREFIX: `vint-${suffix}-`,
      PORT: '0',
      GANTRY_JWT_SECRET: SECRET,
      LOG_LEVEL: 'error',
    },
  });

beforeAll(async () => {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set: this suite needs the broker from the test setup');
  database = await createTestDatabase('gantry_verification');
  bus = new KafkaBus({ clientId: `verification-int-${suffix}`, brokers });
  const topics = [SERVICE_TOPICS.planning, SERVICE_TOPICS.execution, SERVICE_TOPICS.verification, INBOUND_TOPICS.itamComponents];
  await bus.ensureTopics([...topics, ...topics.map(deadLetterTopic)]);
  readers.push(
    await bus.subscribe({ group: `verification-int-reader-${suffix}`, topics: [SERVICE_TOPICS.verification], fromBeginning: false }, async (batch) => {
      published.push(...batch.map((m) => JSON.parse(m.value!.toString()) as CloudEvent));
    }),
    await bus.subscribe({ group: `verification-int-dlq-${suffix}`, topics: [deadLetterTopic(INBOUND_TOPICS.itamComponents)], fromBeginning: false }, async (batch) => {
      deadLetters.push(...batch);
    }),
  );
  verification = await bootVerification();
  manager = await mintToken(SECRET, { sub: 'dana.manager', roles: ['deployment-manager'] });
  monitoring = await mintToken(SECRET, { sub: 'monitoring', roles: ['deployment-practitioner'] });
  auditor = await mintToken(SECRET, { sub: 'alice.auditor', roles: ['auditor'] });
}, 120_000);

afterAll(async () => {
  for (const reader of readers) await reader.close();
  await verification?.stop();
  await bus?.close();
  for (const server of servers) await server.close();
  await database?.drop();
});

const http = (method: string, path: string, body?: unknown, token = manager) =>
  fetch(`${verification.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });

const expectStatus = async (response: Response, status: number) => {
  if (response.status !== status) throw new Error(`expected ${status}, got ${response.status}: ${await response.text()}`);
};

let streamVersions = 0;
/** ids of the messages this suite produced: the only ones its verification instance acts on */
const produced = new Set<string>();
const produce = (topic: string, type: string, data: unknown, source: string, key: string, extra: Partial<CloudEvent> = {}) => {
  const id = randomUUID();
  produced.add(id);
  return bus.produce(topic, [
    { key, headers: {}, value: JSON.stringify({ specversion: '1.0', id, source, type, subject: key, time: new Date().toISOString(), datacontenttype: 'application/json', data, ...extra }) },
  ]);
};

/** An event this suite's verification instance recorded (other verification processes on the broker publish too). */
const recordedHere = async (event: CloudEvent) =>
  ((await verification.runtime.db.query(`SELECT 1 FROM verification.events WHERE event_id = $1`, [event.id])).rowCount ?? 0) > 0;
const planning = (name: string, data: unknown, key: string, streamversion = ++streamVersions) =>
  produce(SERVICE_TOPICS.planning, `gantry.planning.${name}.v1`, data, '/gantry/planning', key, { streamversion });
const execution = (name: string, data: { deploymentId: string }) => produce(SERVICE_TOPICS.execution, `gantry.execution.${name}.v1`, data, '/gantry/execution', `DeploymentRun-${data.deploymentId}`);
const itam = (name: keyof typeof ITAM_COMPONENT_EVENT_TYPES, data: unknown) => produce(INBOUND_TOPICS.itamComponents, ITAM_COMPONENT_EVENT_TYPES[name], data, '/itam/dml', `itam-${suffix}`);

/** The event of `name` this suite's verification instance published about the deployment. */
const publishedEvent = (name: string, deploymentId: string, timeoutMs = 60_000) =>
  eventually(
    async () => {
      for (const e of published.filter((p) => p.type === `gantry.verification.${name}.v1` && (p.data as { deploymentId?: string }).deploymentId === deploymentId)) {
        if (await recordedHere(e)) return e;
      }
      return undefined;
    },
    { timeoutMs, what: `${name} of ${deploymentId}` },
  ).then((e) => e.data as Record<string, unknown>);

// ---- signing keys and component versions, made here ----

const digestOf = (content: string) => `sha256:${createHash('sha256').update(content).digest('hex')}`;
const ed25519 = generateKeyPairSync('ed25519');
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = generateKeyPairSync('ed25519');
const signWith = (key: KeyObject, statement: { name: string; version: string; digest: string }) =>
  sign(key.asymmetricKeyType === 'ed25519' ? null : 'sha256', Buffer.from(signedStatement(statement)), key).toString('base64');

const keyIds = { ed: `ed-${suffix}`, p256: `p256-${suffix}`, revoked: `revoked-${suffix}` };
const revokedKey = generateKeyPairSync('ed25519');

/** A software component version: content hashed, signed by `key` under `keyId`. */
const software = (name: string, key: KeyObject, keyId: string, overrides: Record<string, unknown> = {}) => {
  const version = '1.0.0';
  const digest = digestOf(`${name} build`);
  return { name, version, kind: 'software', digest, size: 1024, source: 'ci.example.com', signature: signWith(key, { name, version, digest }), keyId, ...overrides };
};

const register = async (definition: Record<string, unknown>) => expectStatus(await http('POST', '/components', definition), 201);

// ---- environments and plans ----

const environmentName = `vint-${suffix}`;
const environment: EnvironmentDefinition = {
  name: environmentName,
  kind: 'staging',
  position: 4,
  attributes: { operatingSystem: 'linux', runtimeVersions: { node: '24.1.0' }, capacityUnits: 8, allowedPorts: [443] },
  targets: [{ name: 'host-1', kind: 'host' }, { name: 'host-2', kind: 'host' }],
  timeZone: 'Europe/Berlin',
  deploymentWindows: [],
  freezes: [{ id: 'year-end', reason: 'year-end close', services: ['frozen-service'], start: '2030-12-20T00:00:00Z', end: '2031-01-05T00:00:00Z' }],
  approvalPolicy: { roles: [], minimumApprovers: 0 },
};

const plan = (components: { name: string; version: string; kind: string; digest?: string }[], overrides: Partial<DeploymentPlanned> = {}): DeploymentPlanned => ({
  deploymentId: randomUUID(),
  changeId: `CHG${suffix}`,
  service: 'payments',
  kind: 'upgrade',
  components: components.map(({ name, version, kind, digest }) => ({ name, version, kind, ...(digest ? { digest } : {}) })) as DeploymentPlanned['components'],
  environment: environmentName,
  window: { start: new Date(Date.now() - 60_000).toISOString(), end: new Date(Date.now() + 3_600_000).toISOString() },
  model: null,
  strategy: 'big-bang',
  waves: [{ index: 1, targets: ['host-1'] }],
  acceptanceCriteria: [],
  backupRequired: false,
  rollback: 'automatic',
  ...overrides,
});
const planned = async (p: DeploymentPlanned) => {
  await planning('DeploymentPlanned', p, `Deployment-${p.deploymentId}`, 2);
  return p;
};

const good = { ed: software(`ed-api-${suffix}`, ed25519.privateKey, keyIds.ed), p256: software(`p256-api-${suffix}`, p256.privateKey, keyIds.p256) };

beforeAll(async () => {
  await expectStatus(await http('POST', '/signing-keys', { keyId: keyIds.ed, publicKey: ed25519.publicKey.export({ type: 'spki', format: 'pem' }), owner: 'payments CI' }), 201);
  await expectStatus(await http('POST', '/signing-keys', { keyId: keyIds.p256, publicKey: p256.publicKey.export({ format: 'jwk' }), owner: 'vendor' }), 201);
  await expectStatus(await http('POST', '/signing-keys', { keyId: keyIds.revoked, publicKey: revokedKey.publicKey.export({ type: 'spki', format: 'pem' }), owner: 'old CI' }), 201);
  await register(good.ed);
  await register(good.p256);
  await planning('EnvironmentRegistered', { ...environment, registeredAt: new Date().toISOString() }, `Environment-${environmentName}`, 1);
}, 60_000);

describe('components against the authorised repository, with real signatures', () => {
  it('versions signed with Ed25519 (PEM key) and ECDSA P-256 (JWK key) are verified', async () => {
    const p = await planned(plan([good.ed, good.p256], { environmentSnapshot: { name: environmentName, kind: 'staging', version: 1, attributes: environment.attributes, targets: environment.targets } }));
    // what was verified goes out with its bytes and who signed them: execution hands these to the executors
    expect(await publishedEvent('ComponentsVerified', p.deploymentId)).toEqual({
      deploymentId: p.deploymentId,
      components: [good.ed, good.p256].map(({ name, version, digest, signature, keyId }) => ({ name, version, result: 'verified', digest, signature, keyId })),
    });
    expect(await publishedEvent('TargetEnvironmentVerified', p.deploymentId)).toMatchObject({ environment: environmentName });
    const view = await (await http('GET', `/verifications/${p.deploymentId}`, undefined, auditor)).json();
    expect(view).toMatchObject({ components: { result: 'passed', failures: [] }, environment: { result: 'passed' } });
  });

  it('a tampered digest, an unregistered key, a key revoked before use and a malformed signature each fail with their code', async () => {
    const tampered = { ...software(`tampered-${suffix}`, ed25519.privateKey, keyIds.ed), digest: digestOf('something else') };
    const unregistered = software(`stranger-${suffix}`, stranger.privateKey, `nobody-${suffix}`);
    const revoked = software(`revoked-${suffix}`, revokedKey.privateKey, keyIds.revoked);
    const malformed = { ...software(`malformed-${suffix}`, p256.privateKey, keyIds.p256), signature: 'AAAAAAAA' };
    const unsigned = { ...software(`unsigned-${suffix}`, ed25519.privateKey, keyIds.ed), signature: undefined, keyId: undefined };
    for (const definition of [tampered, unregistered, revoked, malformed, unsigned]) await register(JSON.parse(JSON.stringify(definition)));
    await expectStatus(await http('POST', `/signing-keys/${keyIds.revoked}/revoke`, { reason: 'private key leaked', effectiveAt: new Date(Date.now() - 86_400_000).toISOString() }), 200);
    const requestedOtherBytes = { ...good.ed, digest: digestOf('not the registered build') };
    const p = await planned(plan([tampered, unregistered, revoked, malformed, unsigned, { name: `unknown-${suffix}`, version: '1.0.0', kind: 'software' }]));
    const q = await planned(plan([requestedOtherBytes]));
    const failures = (await publishedEvent('ComponentVerificationFailed', p.deploymentId)).failures as { name: string; reason: string }[];
    expect(failures.map((f) => [f.name, f.reason])).toEqual([
      [tampered.name, 'SignatureInvalid'],
      [unregistered.name, 'KeyUntrusted'],
      [revoked.name, 'KeyRevoked'],
      [malformed.name, 'SignatureInvalid'],
      [unsigned.name, 'SignatureMissing'],
      [`unknown-${suffix}`, 'NotInAuthorisedRepository'],
    ]);
    expect((await publishedEvent('ComponentVerificationFailed', q.deploymentId)).failures).toEqual([{ name: good.ed.name, version: '1.0.0', reason: 'DigestMismatch' }]);
  });

  it('the signing policy: configuration and data must be signed like software (by default); hardware and licences need not be', async () => {
    const unsignedAs = (kind: string) => ({ ...software(`${kind}-${suffix}`, ed25519.privateKey, keyIds.ed), kind, signature: undefined, keyId: undefined });
    const kinds = ['configuration', 'data', 'hardware', 'licence'];
    for (const kind of kinds) await register(JSON.parse(JSON.stringify(unsignedAs(kind))));
    const signedConfiguration = software(`signed-configuration-${suffix}`, ed25519.privateKey, keyIds.ed, { kind: 'configuration' });
    await register(signedConfiguration);
    const p = await planned(plan(kinds.map(unsignedAs)));
    expect((await publishedEvent('ComponentVerificationFailed', p.deploymentId)).failures).toEqual([
      { name: `configuration-${suffix}`, version: '1.0.0', reason: 'SignatureMissing' },
      { name: `data-${suffix}`, version: '1.0.0', reason: 'SignatureMissing' },
    ]);
    const q = await planned(plan([signedConfiguration, unsignedAs('hardware'), unsignedAs('licence')]));
    expect(await publishedEvent('ComponentsVerified', q.deploymentId)).toMatchObject({ components: [{ name: signedConfiguration.name, keyId: keyIds.ed }, { name: `hardware-${suffix}` }, { name: `licence-${suffix}` }] });
  });

  it('the signing policy: workstation images and driver packages are verified like software (by default), digest and signature', async () => {
    const image = software(`win11-image-${suffix}`, ed25519.privateKey, keyIds.ed, { kind: 'workstation-image', size: 6_442_450_944 });
    const driver = software(`dock-driver-${suffix}`, p256.privateKey, keyIds.p256, { kind: 'driver-package', requirements: { compatibleWith: [image.name, 'rack-server-r760'] } });
    const unsignedImage = { ...software(`unsigned-image-${suffix}`, ed25519.privateKey, keyIds.ed, { kind: 'workstation-image' }), signature: undefined, keyId: undefined };
    for (const definition of [image, driver, JSON.parse(JSON.stringify(unsignedImage))]) await register(definition);
    const p = await planned(plan([image, driver]));
    expect(await publishedEvent('ComponentsVerified', p.deploymentId)).toMatchObject({
      components: [
        { name: image.name, digest: image.digest, signature: image.signature, keyId: keyIds.ed },
        { name: driver.name, digest: driver.digest, signature: driver.signature, keyId: keyIds.p256 },
      ],
    });
    const q = await planned(plan([unsignedImage, { ...driver, digest: digestOf('other driver build') }]));
    expect((await publishedEvent('ComponentVerificationFailed', q.deploymentId)).failures).toEqual([
      { name: unsignedImage.name, version: '1.0.0', reason: 'SignatureMissing' },
      { name: driver.name, version: '1.0.0', reason: 'DigestMismatch' },
    ]);
  });

  it('a hardware version is registered without bytes (its units and documents instead) and verified', async () => {
    const rack = {
      name: `rack-server-${suffix}`,
      version: '2026.1',
      kind: 'hardware',
      source: 'vendor order PO-2026-118',
      units: [{ serial: `SN-${suffix}-1` }, { serial: `SN-${suffix}-2`, warrantyUntil: '2031-01-31T00:00:00.000Z' }],
      documents: [{ kind: 'warranty', reference: 'https://vendor.example/warranty/PO-2026-118' }],
    };
    await register(rack);
    expect(await (await http('GET', `/components/${rack.name}/versions/2026.1`, undefined, auditor)).json()).toMatchObject({ status: 'registered', units: rack.units, documents: rack.documents });
    const p = await planned(plan([{ name: rack.name, version: '2026.1', kind: 'hardware' }]));
    expect(await publishedEvent('ComponentsVerified', p.deploymentId)).toMatchObject({ components: [{ name: rack.name, version: '2026.1' }] });
    // software still needs its bytes named
    await expectStatus(await http('POST', '/components', { ...rack, name: `no-bytes-${suffix}`, kind: 'software', units: undefined, documents: undefined }), 400);
  });

  it("the plan's quality thresholds and documentation rule apply", async () => {
    const weak = software(`weak-${suffix}`, ed25519.privateKey, keyIds.ed, { quality: { testsPassed: 90, testsTotal: 100, criticalVulnerabilities: 1, highVulnerabilities: 0 } });
    await register(weak);
    const p = await planned(plan([weak], { qualityThresholds: { minTestPassRatio: 0.95, maxCriticalVulnerabilities: 0, maxHighVulnerabilities: 3 }, documentationRequired: true }));
    expect(((await publishedEvent('ComponentVerificationFailed', p.deploymentId)).failures as { reason: string }[]).map((f) => f.reason)).toEqual([
      'QualityBelowThreshold',
      'VulnerabilitiesAboveThreshold',
      'DocumentationMissing',
    ]);
  });
});

describe('revocation of verified deployments whose run is not over', () => {
  it('a version withdrawn on itam.components.v1 after verification revokes the deployment not yet started and the one in flight, not the one whose run is over', async () => {
    const component = software(`withdrawn-${suffix}`, ed25519.privateKey, keyIds.ed);
    await itam('ComponentVersionRegistered', component);
    await eventually(async () => (await http('GET', `/components/${component.name}/versions/1.0.0`, undefined, auditor)).status === 200, { what: 'the version from ITAM' });
    const waiting = await planned(plan([component]));
    const inFlight = await planned(plan([component]));
    const over = await planned(plan([component]));
    for (const p of [waiting, inFlight, over]) await publishedEvent('ComponentsVerified', p.deploymentId);
    for (const p of [inFlight, over]) await execution('DeploymentStarted', { deploymentId: p.deploymentId, startedAt: new Date().toISOString() } as never);
    await execution('DeploymentExecuted', { deploymentId: over.deploymentId, executedAt: new Date().toISOString(), targets: 1 } as never);
    await eventually(async () => (await verification.runtime.db.query(`SELECT 1 FROM verification.runs_over WHERE deployment_id = $1`, [over.deploymentId])).rowCount === 1, {
      what: 'the end of the run to be noted',
    });
    await itam('ComponentVersionWithdrawn', { name: component.name, version: '1.0.0', reason: 'CVE-2026-4242 in a dependency' });
    for (const p of [waiting, inFlight]) {
      expect(await publishedEvent('ComponentVerificationRevoked', p.deploymentId)).toMatchObject({ components: [{ name: component.name, version: '1.0.0', reason: 'Withdrawn' }] });
    }
    // a later plan with the withdrawn version fails
    const later = await planned(plan([component]));
    expect((await publishedEvent('ComponentVerificationFailed', later.deploymentId)).failures).toEqual([{ name: component.name, version: '1.0.0', reason: 'Withdrawn' }]);
    const revocations = published.filter((e) => e.type === 'gantry.verification.ComponentVerificationRevoked.v1' && (e.data as { deploymentId: string }).deploymentId === over.deploymentId);
    expect(await Promise.all(revocations.map(recordedHere))).not.toContain(true);
  });

  it('revoking a key revokes the deployments verified with versions it signed', async () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyId = `short-lived-${suffix}`;
    await expectStatus(await http('POST', '/signing-keys', { keyId, publicKey: key.publicKey.export({ type: 'spki', format: 'pem' }), owner: 'vendor' }), 201);
    const component = software(`signed-then-revoked-${suffix}`, key.privateKey, keyId);
    await register(component);
    const p = await planned(plan([component]));
    await publishedEvent('ComponentsVerified', p.deploymentId);
    await expectStatus(await http('POST', `/signing-keys/${keyId}/revoke`, { reason: 'vendor rotated its keys' }), 200);
    expect(await publishedEvent('ComponentVerificationRevoked', p.deploymentId)).toMatchObject({ components: [{ name: component.name, reason: 'KeyRevoked' }] });
  });
});

describe('the target environment, from planning events on Kafka', () => {
  const needing = async (label: string, requirements: Record<string, unknown>) => {
    const component = software(`${label}-${suffix}`, ed25519.privateKey, keyIds.ed, { requirements });
    await register(component);
    return component;
  };

  it.each([
    ['RuntimeUnsatisfied', { runtimes: { node: '>=26' } }, {}],
    ['OperatingSystemMismatch', { operatingSystem: 'windows' }, {}],
    ['CapacityInsufficient', { capacityUnits: 64 }, {}],
    ['PortNotAllowed', { ports: [443, 22] }, {}],
    ['FreezePeriod', {}, { service: 'frozen-service', window: { start: '2030-12-24T20:00:00.000Z', end: '2030-12-24T22:00:00.000Z' } }],
    ['EnvironmentUnknown', {}, { environment: `nowhere-${suffix}` }],
    ['WindowClosed', {}, { window: { start: '2020-01-01T00:00:00.000Z', end: '2020-01-01T01:00:00.000Z' } }],
  ] as [string, Record<string, unknown>, Partial<DeploymentPlanned>][])('%s', async (reason, requirements, overrides) => {
    const component = await needing(reason.toLowerCase(), requirements);
    const p = await planned(plan([component], overrides));
    const failed = await publishedEvent('TargetEnvironmentVerificationFailed', p.deploymentId);
    expect((failed.failures as { reason: string }[]).map((f) => f.reason)).toEqual([reason]);
  });

  it('EnvironmentDecommissioned, and an environment that meets every requirement', async () => {
    const fitting = await needing('fitting', { runtimes: { node: '>=24 <25' }, operatingSystem: 'linux', capacityUnits: 8, ports: [443] });
    expect(await publishedEvent('TargetEnvironmentVerified', (await planned(plan([fitting]))).deploymentId)).toMatchObject({ environment: environmentName });
    const gone = `vint-gone-${suffix}`;
    await planning('EnvironmentRegistered', { ...environment, name: gone, registeredAt: new Date().toISOString() }, `Environment-${gone}`, 1);
    await planning('EnvironmentDecommissioned', { name: gone, reason: 'moved', decommissionedAt: new Date().toISOString() }, `Environment-${gone}`, 2);
    const snapshot = { name: gone, kind: 'staging' as const, version: 2, attributes: environment.attributes, targets: environment.targets };
    const p = await planned(plan([fitting], { environment: gone, environmentSnapshot: snapshot }));
    expect(((await publishedEvent('TargetEnvironmentVerificationFailed', p.deploymentId)).failures as { reason: string }[]).map((f) => f.reason)).toEqual(['EnvironmentDecommissioned']);
  });
});

describe('deployment verification against the acceptance criteria', () => {
  const executed = async (criteria: DeploymentPlanned['acceptanceCriteria']) => {
    const p = await planned(plan([good.ed], { acceptanceCriteria: criteria }));
    await publishedEvent('ComponentsVerified', p.deploymentId);
    await execution('DeploymentExecuted', { deploymentId: p.deploymentId, executedAt: new Date().toISOString(), targets: 1 } as never);
    return p.deploymentId;
  };
  const criteriaOf = (event: Record<string, unknown>) => event.criteria as { type: string; result: string; reason?: string; measured?: Record<string, unknown> }[];

  it('http-health: a service answering 500, 500, then 200 is verified only after three successes in a row', async () => {
    const server = await healthServer([500, 500, 200]);
    const deploymentId = await executed([{ type: 'http-health', description: 'health endpoint answers', url: server.url, consecutiveSuccesses: 3, deadlineSeconds: 10 }]);
    const verified = await publishedEvent('DeploymentVerified', deploymentId);
    expect(criteriaOf(verified)).toEqual([{ type: 'http-health', description: 'health endpoint answers', result: 'met', measured: { consecutiveSuccesses: 3, probes: 5, lastStatus: 200 } }]);
    expect(server.requests).toBe(5);
  });

  it('http-health: a service that stays down fails by the deadline', async () => {
    const server = await healthServer([503]);
    const deploymentId = await executed([{ type: 'http-health', description: 'health endpoint answers', url: server.url, deadlineSeconds: PROBE_DEADLINE_SECONDS }]);
    const failed = await publishedEvent('DeploymentVerificationFailed', deploymentId);
    expect(criteriaOf(failed)).toEqual([expect.objectContaining({ result: 'failed', reason: 'DeadlinePassed', measured: expect.objectContaining({ consecutiveSuccesses: 0, lastStatus: 503 }) })]);
    expect(server.requests).toBeGreaterThan(3);
  });

  it('http-health: a host not on the allow-list is refused without a request being sent', async () => {
    const server = await healthServer([200]);
    const deploymentId = await executed([{ type: 'http-health', description: 'health endpoint answers', url: server.url.replace('127.0.0.1', 'localhost') }]);
    const failed = await publishedEvent('DeploymentVerificationFailed', deploymentId);
    expect(criteriaOf(failed)).toEqual([expect.objectContaining({ result: 'failed', reason: 'HostNotAllowed', measured: expect.objectContaining({ probes: 0 }) })]);
    expect(server.requests).toBe(0);
  });

  const errorRate = { type: 'metric-threshold' as const, description: 'error rate under 1%', metric: 'errorRate', comparator: '<' as const, threshold: 0.01 };
  const smoke = { type: 'smoke-tests' as const, description: 'checkout smoke suite', suite: 'checkout' };

  it('metric threshold and smoke tests met with posted observations and results', async () => {
    const deploymentId = await executed([errorRate, smoke]);
    await expectStatus(await http('POST', `/deployments/${deploymentId}/observations`, { target: 'host-1', errorRate: 0.002, p95LatencyMs: 120 }, monitoring), 202);
    await expectStatus(await http('POST', `/deployments/${deploymentId}/test-results`, { suite: 'checkout', passed: 41, failed: 0 }, monitoring), 202);
    const verified = await publishedEvent('DeploymentVerified', deploymentId);
    expect(criteriaOf(verified)).toEqual([
      { type: 'metric-threshold', description: 'error rate under 1%', result: 'met', measured: { errorRate: 0.002, observations: 1 } },
      { type: 'smoke-tests', description: 'checkout smoke suite', result: 'met', measured: { passed: 41, failed: 0 } },
    ]);
  });

  it('a metric over its threshold fails the deployment', async () => {
    const deploymentId = await executed([errorRate]);
    await expectStatus(await http('POST', `/deployments/${deploymentId}/observations`, { errorRate: 0.05 }, monitoring), 202);
    expect(criteriaOf(await publishedEvent('DeploymentVerificationFailed', deploymentId))).toEqual([expect.objectContaining({ result: 'failed', reason: 'ThresholdExceeded', measured: { errorRate: 0.05, observations: 1 } })]);
  });

  it('no observation by the deadline fails the deployment', async () => {
    const deploymentId = await executed([errorRate]);
    const failed = await publishedEvent('DeploymentVerificationFailed', deploymentId);
    expect(criteriaOf(failed)).toEqual([expect.objectContaining({ result: 'failed', reason: 'DeadlinePassed' })]);
  });

  it("manual-evidence: met from execution's manual step completions with their evidence", async () => {
    const p = await planned(plan([good.ed], { acceptanceCriteria: [{ type: 'manual-evidence', description: 'rack photos uploaded' }] }));
    await publishedEvent('ComponentsVerified', p.deploymentId);
    const step = { deploymentId: p.deploymentId, stepId: 'host-1/deploy/1' };
    await execution('ManualStepRequired', { ...step, wave: 1, target: 'host-1', action: 'deploy', role: 'deployment-practitioner', instruction: 'rack the server', evidenceRequired: true, requestedAt: new Date().toISOString() } as never);
    await execution('ManualStepCompleted', { ...step, by: 'pat.practitioner', evidence: [{ description: 'photo of the rack', reference: 'https://evidence.example.com/1' }], completedAt: new Date().toISOString() } as never);
    await execution('DeploymentExecuted', { deploymentId: p.deploymentId, executedAt: new Date().toISOString(), targets: 1 } as never);
    expect(criteriaOf(await publishedEvent('DeploymentVerified', p.deploymentId))).toEqual([
      { type: 'manual-evidence', description: 'rack photos uploaded', result: 'met', measured: { stepsRequiringEvidence: 1, withEvidence: 1 } },
    ]);
  });

  it('a deadline survives a restart: the service stopped while it waits still fails the criterion at its deadline', async () => {
    const deploymentId = await executed([errorRate]);
    await eventually(async () => ((await (await http('GET', `/verifications/${deploymentId}`)).json()) as { evaluations: Record<string, unknown> }).evaluations.deployment, {
      what: 'the evaluation to start',
    });
    await verification.stop();
    verification = await bootVerification();
    const failed = await publishedEvent('DeploymentVerificationFailed', deploymentId);
    expect(criteriaOf(failed)).toEqual([expect.objectContaining({ result: 'failed', reason: 'DeadlinePassed' })]);
  }, 60_000);

  it('blue-green: the idle side is verified on execution’s request, with observations of its own targets', async () => {
    const p = await planned(plan([good.ed]));
    await publishedEvent('ComponentsVerified', p.deploymentId);
    await execution('IdleSideVerificationRequested', { deploymentId: p.deploymentId, side: 'green', targets: ['host-2'], acceptanceCriteria: [errorRate], requestedAt: new Date().toISOString() } as never);
    await eventually(async () => ((await (await http('GET', `/verifications/${p.deploymentId}`)).json()) as { evaluations: Record<string, unknown> }).evaluations.green, { what: 'the idle side evaluation' });
    await expectStatus(await http('POST', `/deployments/${p.deploymentId}/observations`, { target: 'host-1', errorRate: 0.5 }, monitoring), 202);
    await expectStatus(await http('POST', `/deployments/${p.deploymentId}/observations`, { target: 'host-2', errorRate: 0.001 }, monitoring), 202);
    expect(await publishedEvent('IdleSideVerified', p.deploymentId)).toMatchObject({ side: 'green', criteria: [{ result: 'met', measured: { errorRate: 0.001, observations: 1 } }] });
  });
});

describe('canary analysis', () => {
  const requested = async (minimumObservations: number, deadlineMs = 20_000) => {
    const p = await planned(plan([good.ed]));
    await publishedEvent('ComponentsVerified', p.deploymentId);
    await execution('CanaryAnalysisRequested', {
      deploymentId: p.deploymentId,
      wave: 1,
      targets: ['host-1'],
      thresholds: { maxErrorRate: 0.01, maxP95LatencyMs: 400 },
      minimumObservations,
      deadline: new Date(Date.now() + deadlineMs).toISOString(),
      requestedAt: new Date().toISOString(),
    } as never);
    await eventually(async () => ((await (await http('GET', `/verifications/${p.deploymentId}`)).json()) as { canaryAnalyses: unknown[] }).canaryAnalyses.length > 0, { what: 'the canary analysis to open' });
    return p.deploymentId;
  };
  const observe = (deploymentId: string, body: unknown) => http('POST', `/deployments/${deploymentId}/observations`, body, monitoring).then((r) => expectStatus(r, 202));

  it('pass: enough observations of the canary targets within the thresholds', async () => {
    const deploymentId = await requested(2);
    await observe(deploymentId, { target: 'host-2', errorRate: 0.9, p95LatencyMs: 5000 }); // not a canary target
    await observe(deploymentId, { target: 'host-1', errorRate: 0.002, p95LatencyMs: 200 });
    await observe(deploymentId, { target: 'host-1', errorRate: 0.004, p95LatencyMs: 300 });
    expect(await publishedEvent('CanaryAnalysisCompleted', deploymentId)).toMatchObject({ wave: 1, verdict: 'pass', observations: 2, measured: { errorRate: 0.003, p95LatencyMs: 300 } });
  });

  it('fail: a threshold exceeded', async () => {
    const deploymentId = await requested(2);
    await observe(deploymentId, { target: 'host-1', errorRate: 0.002, p95LatencyMs: 200 });
    await observe(deploymentId, { target: 'host-1', errorRate: 0.003, p95LatencyMs: 900 });
    expect(await publishedEvent('CanaryAnalysisCompleted', deploymentId)).toMatchObject({ verdict: 'fail', observations: 2, measured: { p95LatencyMs: 900 } });
  });

  it('inconclusive: fewer observations than the minimum by the deadline', async () => {
    const deploymentId = await requested(3, 3000);
    await observe(deploymentId, { target: 'host-1', errorRate: 0.001, p95LatencyMs: 100 });
    expect(await publishedEvent('CanaryAnalysisCompleted', deploymentId)).toMatchObject({ verdict: 'inconclusive', observations: 1, thresholds: { maxErrorRate: 0.01, maxP95LatencyMs: 400 } });
  });
});

describe('bad input on every door', () => {
  const events = async () => Number((await verification.runtime.db.query<{ n: string }>(`SELECT count(*) AS n FROM verification.events WHERE metadata->'actor'->>'channel' = 'rest'`)).rows[0].n);
  const evidenceRows = async () =>
    Number((await verification.runtime.db.query<{ n: string }>(`SELECT (SELECT count(*) FROM verification.observations) + (SELECT count(*) FROM verification.test_results) AS n`)).rows[0].n);
  let known: string;
  beforeAll(async () => {
    const p = await planned(plan([good.ed]));
    await publishedEvent('ComponentsVerified', p.deploymentId);
    known = p.deploymentId;
  });
  const { digest: _d, ...withoutDigest } = good.ed;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

  it.each([
    ['a component without its digest', 'POST', '/components', withoutDigest, 400, /digest is required/],
    ['a component with a malformed digest', 'POST', '/components', { ...good.ed, name: 'x', digest: 'md5:abc' }, 400, /digest must match/],
    ['a component with an unknown field', 'POST', '/components', { ...good.ed, name: 'y', colour: 'blue' }, 400, /colour is not allowed/],
    ['a signature without its key id', 'POST', '/components', { ...good.ed, name: 'z', keyId: undefined }, 400, /keyId/],
    ['another build under a registered version', 'POST', '/components', { ...good.ed, digest: digestOf('another build') }, 409, /VersionAlreadyRegistered/],
    ['a body that is not JSON', 'POST', '/components', '{"name": ', 400, /JSON/],
    ['a withdrawal without a reason', 'POST', `/components/${good.ed.name}/versions/1.0.0/withdraw`, {}, 400, /reason is required/],
    ['withdrawing a version never registered', 'POST', `/components/nothing-${suffix}/versions/1.0.0/withdraw`, { reason: 'x' }, 409, /VersionNotRegistered/],
    ['an RSA key', 'POST', '/signing-keys', { keyId: 'rsa', publicKey: rsa.publicKey.export({ type: 'spki', format: 'pem' }), owner: 'x' }, 422, /only Ed25519 and ECDSA P-256/],
    ['a private key', 'POST', '/signing-keys', { keyId: 'priv', publicKey: ed25519.privateKey.export({ type: 'pkcs8', format: 'pem' }), owner: 'x' }, 422, /private key/],
    ['a JWK private key', 'POST', '/signing-keys', { keyId: 'privjwk', publicKey: ed25519.privateKey.export({ format: 'jwk' }), owner: 'x' }, 422, /private key/],
    ['text that is no key', 'POST', '/signing-keys', { keyId: 'junk', publicKey: 'hello', owner: 'x' }, 422, /not a PEM or JWK/],
    ['another key under a taken key id', 'POST', '/signing-keys', { keyId: keyIds.ed, publicKey: stranger.publicKey.export({ type: 'spki', format: 'pem' }), owner: 'x' }, 409, /KeyIdTaken/],
    ['revoking with a malformed time', 'POST', `/signing-keys/${keyIds.ed}/revoke`, { reason: 'x', effectiveAt: 'yesterday' }, 400, /effectiveAt/],
    ['an error rate above 1', 'POST', '/deployments/:known/observations', { errorRate: 2 }, 400, /errorRate/],
    ['an observation without a value', 'POST', '/deployments/:known/observations', { target: 'host-1' }, 400, /errorRate is required/],
    ['negative test counts', 'POST', '/deployments/:known/test-results', { passed: -1, failed: 0 }, 400, /passed/],
    ['evidence for a deployment verification never saw', 'POST', `/deployments/${randomUUID()}/test-results`, { passed: 1, failed: 0 }, 404, /knows no deployment/],
    ['a deployment id that is not one', 'POST', '/deployments/nonsense/observations', { errorRate: 0.1 }, 400, /uuid/],
  ] as [string, string, string, unknown, number, RegExp][])('%s: refused clearly, nothing recorded', async (_name, method, path, body, status, message) => {
    const [before, beforeEvidence] = [await events(), await evidenceRows()];
    const response = await http(method, path.replace(':known', known), body, path.startsWith('/deployments') ? monitoring : manager);
    expect(response.status).toBe(status);
    expect(JSON.stringify(await response.json())).toMatch(message);
    expect([await events(), await evidenceRows()]).toEqual([before, beforeEvidence]);
  });

  it('no token → 401; a role without the permission → 403', async () => {
    expect((await http('POST', '/components', good.ed, '')).status).toBe(401);
    expect((await http('POST', '/components', good.ed, auditor)).status).toBe(403);
    expect((await http('POST', '/signing-keys', {}, monitoring)).status).toBe(403);
    expect((await http('POST', `/deployments/${known}/observations`, { errorRate: 0 }, auditor)).status).toBe(403);
    expect((await http('GET', '/components', undefined, auditor)).status).toBe(200);
  });

  it('a schema-invalid itam.components.v1 message goes to the dead-letter topic with the reason', async () => {
    const name = `invalid-${suffix}`;
    await itam('ComponentVersionRegistered', { name, version: '1.0.0', kind: 'software', digest: 'not-a-digest', size: 1, source: 'x' });
    const dead = await eventually(() => deadLetters.find((m) => m.value?.toString().includes(name)), { what: 'the dead letter' });
    expect(dead.headers[DEAD_LETTER_HEADERS.reason]).toMatch(/digest must match pattern/);
    expect((await http('GET', `/components/${name}/versions/1.0.0`, undefined, auditor)).status).toBe(404);
  });
});
