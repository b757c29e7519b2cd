import { mintToken } from '@gantry/auth';
import { EVENTS, FEEDBACK_TOPICS, SAMPLE_PAYLOADS, validatePayload, type AcceptanceResultsReported, type ConfigurationItemsChanged, type EventName, type EventPayloads } from '@gantry/contracts';
import { EventStore } from '@gantry/event-store';
import { KafkaBus, type CloudEvent } from '@gantry/messaging';
import { boot, type RunningProcess } from '@gantry/platform';
import { createTestDatabase, eventually, type TestDatabase } from '@gantry/testing';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { ledgerLogPolicyFromEnv } from '../ledger';
import { RecordsModule } from '../records.module';
import { deploymentsStandingIn } from './deployment-records.projection';

/**
 * Records as its own service on a real Kafka broker and PostgreSQL, the other services' events published as they
 * would: a software upgrade and a hardware installation close, and configuration management and service validation
 * and testing, reading the feedback topics with a plain Kafka client, get their events, valid against the contract.
 */
const SECRET = 'records-partner-reports-int-secret-long';
const suffix = randomUUID().slice(0, 8);
/** a fresh broker's first producers and consumer groups wait for its coordinators: tens of seconds on a loaded machine */
const KAFKA_MS = 120_000;
const digest = (c: string) => `sha256:${c.repeat(64)}`;

let database: TestDatabase;
let bus: KafkaBus;
let records: RunningProcess;
let consumer: Consumer;
let auditor: string;
/** what the configuration-management system and the service-validation suite read off their topics */
const received: { topic: string; event: CloudEvent<Record<string, unknown>> & { data: Record<string, unknown> } }[] = [];
const produced = new Set<string>();
const deployments = new Set<string>();
/** other suites' records instances may share the broker: this one acts on this suite's events only */
const ours = (event: CloudEvent) => produced.has(event.id) || deployments.has((event.data as { deploymentId?: string } | undefined)?.deploymentId ?? '');

beforeAll(async () => {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set: this suite needs the broker from the test setup');
  database = await createTestDatabase('gantry_partner_reports');
  bus = new KafkaBus({ clientId: `records-partner-reports-${suffix}`, brokers });
  await bus.ensureTopics([...new Set(Object.values(EVENTS).map((e) => e.topic))]);
  records = await boot('records', {
    modules: (runtime) => [RecordsModule.register(runtime, { ledger: ledgerLogPolicyFromEnv(process.env, runtime.config), actsOn: ours, fromBeginning: true })],
    env: { DATABASE_URL: database.url, KAFKA_BROKERS: brokers.join(','), GANTRY_CONSUMER_GROUP_PREFIX: `partners-${suffix}-`, PORT: '0', GANTRY_JWT_SECRET: SECRET, LOG_LEVEL: 'error' },
  });
  auditor = await mintToken(SECRET, { sub: 'alice.auditor', roles: ['auditor'] });
  // as a configuration-management system would: a plain Kafka consumer of its topic, and of service validation's
  consumer = new Kafka({ clientId: `cmdb-${suffix}`, brokers, logLevel: logLevel.NOTHING }).consumer({ groupId: `cmdb-${suffix}` });
  await consumer.connect();
  await consumer.subscribe({ topics: [FEEDBACK_TOPICS.configurationManagement, FEEDBACK_TOPICS.serviceValidation], fromBeginning: true });
  await consumer.run({ eachMessage: async ({ topic, message }) => void received.push({ topic, event: JSON.parse(message.value!.toString()) }) });
}, KAFKA_MS);

afterAll(async () => {
  await consumer?.disconnect();
  await records?.stop();
  await bus?.close();
  await database?.drop();
});

/** Publishes a Gantry event as its service would, on its topic, with a payload valid against the contract. */
const publish = async <N extends EventName>(name: N, data: Partial<EventPayloads[N]> & { deploymentId: string }) => {
  const { service, type, topic } = EVENTS[name];
  const id = randomUUID();
  produced.add(id);
  const event = { specversion: '1.0', id, source: `/gantry/${service}`, type, time: new Date().toISOString(), datacontenttype: 'application/json', data: { ...SAMPLE_PAYLOADS[name], ...data } };
  expect(validatePayload(name, event.data)).toBeNull();
  await bus.produce(topic, [{ key: data.deploymentId, value: JSON.stringify(event), headers: {} }]);
};

const closed = (deploymentId: string) =>
  eventually(
    async () => {
      const response = await fetch(`${records.url}/audit/deployments/${deploymentId}`, { headers: { authorization: `Bearer ${auditor}` } });
      return response.ok && ((await response.json()) as { projection?: { phase: string } }).projection?.phase === 'closed';
    },
    { timeoutMs: KAFKA_MS, what: `deployment ${deploymentId} to close` },
  );

const readOff = <T>(topic: string, name: string, deploymentId: string) =>
  eventually(() => received.find((m) => m.topic === topic && m.event.type === EVENTS[name as EventName].type && m.event.data.deploymentId === deploymentId)?.event as unknown as { type: string; data: T } | undefined, {
    timeoutMs: KAFKA_MS,
    what: `${name} of ${deploymentId} on ${topic}`,
  });

const window = { start: '2026-12-01T22:00:00Z', end: '2026-12-01T23:00:00Z' };
const health = { type: 'http-health' as const, description: 'health endpoint answers', result: 'met' as const, measured: { consecutiveSuccesses: 3 } };

interface Deployment {
  service: string;
  environment: string;
  kind: 'install' | 'upgrade';
  component: { name: string; version: string; kind: 'software' | 'hardware'; digest?: string };
  target: { name: string; kind: 'host' | 'site' };
  /** the digest the executor reports installed; absent for hardware */
  installed?: string;
  /** evidence of the manual work on the target (hardware) */
  evidence?: { description: string; reference: string; digest?: string }[];
  criteria: EventPayloads['DeploymentVerified']['criteria'];
}

/** Publishes a deployment from request to verification as planning, verification and execution would; answers its id. */
async function deploy(d: Deployment): Promise<string> {
  const deploymentId = randomUUID();
  deployments.add(deploymentId);
  const base = { deploymentId, changeId: `CHG-${deploymentId.slice(0, 8)}`, service: d.service, environment: d.environment, kind: d.kind, components: [d.component] };
  const snapshot = { name: d.environment, kind: 'production' as const, version: 1, attributes: {}, targets: [d.target, { name: 'spare', kind: 'host' as const }] };
  await publish('DeploymentRequested', { ...base, releaseId: undefined, window });
  await publish('DeploymentPlanned', { ...base, window, waves: [{ index: 1, targets: [d.target.name] }], environmentSnapshot: snapshot });
  const { name, version } = d.component;
  await publish('ComponentsVerified', { deploymentId, components: [{ name, version, result: 'verified', ...(d.component.digest ? { digest: d.component.digest } : {}) }] });
  await publish('DeploymentStarted', { deploymentId, startedAt: '2026-12-01T22:05:00Z' });
  if (d.evidence) {
    const stepId = `${d.target.name}/deploy/1`;
    await publish('ManualStepRequired', { deploymentId, stepId, wave: 1, target: d.target.name, action: 'deploy', role: 'field-engineer', instruction: 'mount and cable the switch', evidenceRequired: true });
    await publish('ManualStepCompleted', { deploymentId, stepId, by: 'kim.field', evidence: d.evidence, completedAt: '2026-12-01T22:20:00Z' });
  }
  await publish('TargetDeployed', { deploymentId, wave: 1, target: d.target.name, components: [{ name, version, ...(d.installed ? { digest: d.installed } : {}) }] });
  await publish('DeploymentExecuted', { deploymentId, executedAt: '2026-12-01T22:30:00Z', targets: 1 });
  await publish('CriterionEvaluated', { deploymentId, scope: 'deployment', index: 0, outcome: d.criteria[0] });
  await publish('DeploymentVerified', { deploymentId, verifiedAt: '2026-12-01T22:40:00Z', criteria: d.criteria });
  return deploymentId;
}

/** How many of the event records' own store holds for the deployment: the reports are made once, whoever else reads the topic. */
const madeInStore = async (deploymentId: string, name: string) => {
  const store = records.app.get(EventStore);
  return (await store.readStream(`DeploymentRecord-${deploymentId}`)).filter((e) => e.type === name).length;
};

it(
  'a software upgrade: configuration management reads the component from the version that stood to the one installed, with digests; service validation the criteria met',
  async () => {
    const software = { service: `payments-${suffix}`, environment: `prod-eu-${suffix}`, target: { name: 'eu-1', kind: 'host' as const }, criteria: [health] };
    const first = await deploy({ ...software, kind: 'install', component: { name: 'payments-api', version: '2.4.0', kind: 'software', digest: digest('b') }, installed: digest('b') });
    await closed(first);
    const upgrade = await deploy({ ...software, kind: 'upgrade', component: { name: 'payments-api', version: '2.5.0', kind: 'software', digest: digest('a') }, installed: digest('a') });
    await closed(upgrade);

    const changed = await readOff<ConfigurationItemsChanged>(FEEDBACK_TOPICS.configurationManagement, 'ConfigurationItemsChanged', upgrade);
    expect(validatePayload('ConfigurationItemsChanged', changed.data)).toBeNull();
    expect(changed.data).toMatchObject({
      service: software.service,
      environment: { name: software.environment, kind: 'production' },
      deploymentKind: 'upgrade',
      outcome: 'succeeded',
      change: 'applied',
      components: [{ name: 'payments-api', kind: 'software', previous: { version: '2.4.0', digest: digest('b') }, current: { version: '2.5.0', digest: digest('a') } }],
      targets: [{ name: 'eu-1', kind: 'host', components: [{ name: 'payments-api', version: '2.5.0', digest: digest('a') }] }],
    });
    // the first install stood on nothing
    const installed = await readOff<ConfigurationItemsChanged>(FEEDBACK_TOPICS.configurationManagement, 'ConfigurationItemsChanged', first);
    expect(installed.data.components[0]).toMatchObject({ previous: null, current: { version: '2.4.0' } });

    const results = await readOff<AcceptanceResultsReported>(FEEDBACK_TOPICS.serviceValidation, 'AcceptanceResultsReported', upgrade);
    expect(validatePayload('AcceptanceResultsReported', results.data)).toBeNull();
    expect(results.data).toMatchObject({ service: software.service, environment: software.environment, verdict: 'met', criteria: [health], evaluatedAt: '2026-12-01T22:40:00.000Z' });
    expect({ configuration: await madeInStore(upgrade, 'ConfigurationItemsChanged'), acceptance: await madeInStore(upgrade, 'AcceptanceResultsReported') }).toEqual({ configuration: 1, acceptance: 1 });
  },
  KAFKA_MS * 2,
);

it(
  'a hardware installation: configuration management reads the unit on its site with the evidence of the manual work; service validation the evidence criterion met',
  async () => {
    const evidence = [{ description: 'serial numbers of the switch installed', reference: 'https://forms.example/dc1-rack4/serials', digest: digest('c') }];
    const criteria = [{ type: 'manual-evidence' as const, description: 'rack photo uploaded', result: 'met' as const }];
    const hardware = await deploy({
      service: `edge-network-${suffix}`,
      environment: `dc1-${suffix}`,
      kind: 'install',
      component: { name: 'edge-switch', version: 'SW-48P-r2', kind: 'hardware' },
      target: { name: 'dc1-rack4', kind: 'site' },
      evidence,
      criteria,
    });
    await closed(hardware);

    const changed = await readOff<ConfigurationItemsChanged>(FEEDBACK_TOPICS.configurationManagement, 'ConfigurationItemsChanged', hardware);
    expect(validatePayload('ConfigurationItemsChanged', changed.data)).toBeNull();
    expect(changed.data).toMatchObject({
      deploymentKind: 'install',
      change: 'applied',
      components: [{ name: 'edge-switch', kind: 'hardware', previous: null, current: { version: 'SW-48P-r2' }, units: 1 }],
      targets: [{ name: 'dc1-rack4', kind: 'site', components: [{ name: 'edge-switch', version: 'SW-48P-r2' }], evidence }],
    });
    const results = await readOff<AcceptanceResultsReported>(FEEDBACK_TOPICS.serviceValidation, 'AcceptanceResultsReported', hardware);
    expect(validatePayload('AcceptanceResultsReported', results.data)).toBeNull();
    expect(results.data).toMatchObject({ verdict: 'met', criteria });
  },
  KAFKA_MS * 2,
);

it("what stood before a close is read for the closing deployment's service alone, however many services the environment holds", async () => {
  const environment = `crowded-${suffix}`;
  const rows = Array.from({ length: 50 }, (_, i) => [environment, `service-${i}`, `deployment-${i}`, '2026-12-01T10:00:00.000Z', '2026-12-01T10:00:01.000Z']);
  rows.push([environment, 'service-7', 'deployment-7-later', '2026-12-02T10:00:00.000Z', '2026-12-02T10:00:01.000Z']);
  for (const row of rows) await records.runtime.db.query(`INSERT INTO records.environment_timeline (environment, service, deployment_id, closed_at, recorded_at) VALUES ($1, $2, $3, $4, $5)`, row);
  expect(await deploymentsStandingIn(records.runtime.db, 'records', environment, '2026-12-03T00:00:00.000Z', 'service-7')).toEqual(['deployment-7-later']);
  expect(await deploymentsStandingIn(records.runtime.db, 'records', environment, '2026-12-01T12:00:00.000Z', 'service-7')).toEqual(['deployment-7']);
  expect(await deploymentsStandingIn(records.runtime.db, 'records', environment, '2026-12-03T00:00:00.000Z')).toHaveLength(50);
});
