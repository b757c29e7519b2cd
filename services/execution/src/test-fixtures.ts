import { mintToken } from '@gantry/auth';
import { eventType, SERVICE_TOPICS, SITE_CHECKLIST, validatePayload, type DeploymentPlanned, type EventPayloads } from '@gantry/contracts';
import { EventStore } from '@gantry/event-store';
import { KafkaBus } from '@gantry/messaging';
import { boot, type RunningProcess } from '@gantry/platform';
import { createTestDatabase, eventually, serviceEvent, type TestDatabase } from '@gantry/testing';
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { ExecutorsConfig } from './executors';
import { ExecutionModule } from './execution.module';
import { sitesOf } from './physical';

// Test support for this service's integration tests: execution booted in-process on its own database and the test
// broker; planning's and verification's events published by the test itself.

export const SECRET = 'execution-test-secret-of-at-least-32-characters';
export const suffix = () => randomBytes(4).toString('hex');

export function kafkaBrokers(): string[] {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set: these tests need the broker the Jest global setup starts');
  return brokers;
}

export interface ExecutionUnderTest {
  process: RunningProcess;
  url: string;
  store: EventStore;
  bus: KafkaBus;
  database: TestDatabase;
  /** its Kafka consumer groups' prefix: a replica shares it */
  groupPrefix: string;
  /** publishes a planning or verification event as that service would */
  publish<N extends keyof EventPayloads>(service: 'planning' | 'verification', name: N, data: EventPayloads[N], streamVersion?: number): Promise<void>;
  /** the run's events, as recorded */
  runEvents(deploymentId: string): Promise<{ type: string; data: any; streamVersion: number }[]>;
  waitFor(deploymentId: string, type: string, what?: (data: any) => boolean): Promise<{ type: string; data: any; streamVersion: number }[]>;
  stop(): Promise<void>;
}

export const defaultExecutors = (overrides: Partial<ExecutorsConfig> = {}): ExecutorsConfig => ({
  default: { type: 'simulated' },
  environments: {},
  retries: 2,
  retryBackoffMs: 50,
  allowedHosts: [],
  sweepMs: 100,
  leaseMs: 30_000,
  ...overrides,
});

/**
 * `grpc`: also serve ExecutionService, on a port the system picks (`process.grpcPort`). `replicaOf`: a second replica of
 * that one, on its database and in its consumer groups (stopping it leaves the database to the first).
 */
export async function startExecution(executors: ExecutorsConfig, { grpc = false, replicaOf }: { grpc?: boolean; replicaOf?: ExecutionUnderTest } = {}): Promise<ExecutionUnderTest> {
  const database = replicaOf?.database ?? (await createTestDatabase('gantry_execution'));
  const groupPrefix = replicaOf?.groupPrefix ?? `test-${suffix()}-`;
  const running = await boot('execution', {
    // from the latest offsets: other suites' deployments on the shared topics are not this test's business
    modules: (runtime) => [ExecutionModule.register(runtime, { executors, fromBeginning: false })],
    grpc,
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      KAFKA_BROKERS: kafkaBrokers().join(','),
      PORT: '0',
      GRPC_PORT: '0',
      GANTRY_JWT_SECRET: SECRET,
      GANTRY_CONSUMER_GROUP_PREFIX: groupPrefix,
      LOG_LEVEL: 'error',
    },
  });
  const store = new EventStore(running.runtime.db, 'execution');
  const bus = new KafkaBus({ clientId: `execution-test-${suffix()}`, brokers: kafkaBrokers() });
  const runEvents = async (deploymentId: string) =>
    (await store.readStream(`DeploymentRun-${deploymentId}`)).map((e) => ({ type: e.type, data: e.data as any, streamVersion: e.streamVersion }));
  return {
    process: running,
    url: running.url,
    store,
    bus,
    database,
    groupPrefix,
    async publish(service, name, data, streamVersion = 1) {
      const invalid = validatePayload(eventType(service, name), data);
      if (invalid) throw new Error(`the test's ${name} is invalid: ${invalid}`);
      const event = serviceEvent(service, name, data, { streamVersion });
      await bus.produce(SERVICE_TOPICS[service], [{ key: event.subject ?? null, value: JSON.stringify(event), headers: {} }]);
    },
    runEvents,
    async waitFor(deploymentId, type, what = () => true) {
      let events: { type: string; data: any; streamVersion: number }[] = [];
      await eventually(
        async () => {
          events = await runEvents(deploymentId);
          return events.some((e) => e.type === type && what(e.data));
        },
        { timeoutMs: 30_000, intervalMs: 100, what: `${type} in run ${deploymentId}` },
      );
      return events;
    },
    async stop() {
      await bus.close();
      await running.stop();
      if (!replicaOf) await database.drop();
    },
  };
}

/** `org`: the supplier organisation the user works for */
export const tokenFor = (role: string, sub = `${role}.user`, org?: string) => mintToken(SECRET, { sub, roles: [role], ...(org ? { org } : {}) });

import { call } from '@gantry/testing';
export { call };

/** A plan as planning publishes it, its window open now; targets labelled as given. */
export function planFor(environment: string, overrides: Partial<DeploymentPlanned> = {}, labels: Record<string, Record<string, string>> = {}): DeploymentPlanned {
  const waves = overrides.waves ?? [{ index: 1, targets: ['t-1', 't-2'] }];
  const targets = waves.flatMap((w) => w.targets);
  return {
    deploymentId: randomUUID(),
    changeId: `CHG${Math.floor(Math.random() * 1e7)}`,
    service: 'payments',
    kind: 'upgrade',
    components: [{ name: 'payments-api', version: '2.4.1', kind: 'software' }],
    environment,
    window: { start: new Date(Date.now() - 60_000).toISOString(), end: new Date(Date.now() + 3_600_000).toISOString() },
    model: null,
    strategy: 'big-bang',
    waves,
    acceptanceCriteria: [{ type: 'smoke-tests', description: 'checkout smoke suite passes', suite: 'checkout' }],
    backupRequired: false,
    rollback: 'automatic',
    requestedBy: 'rita.requester',
    gates: [],
    environmentSnapshot: {
      name: environment,
      kind: 'staging',
      version: 1,
      attributes: {},
      targets: targets.map((name) => ({ name, kind: 'host' as const, ...(labels[name] ? { labels: labels[name] } : {}) })),
    },
    ...overrides,
  };
}

/** The digest the test's authorised repository holds for every version, and the signature verification checked. */
export const VERIFIED_DIGEST = `sha256:${'ab'.repeat(32)}`;
const verifiedAs = (c: DeploymentPlanned['components'][number]) => ({ name: c.name, version: c.version, result: 'verified' as const, digest: c.digest ?? VERIFIED_DIGEST, signature: 'c2ln', keyId: 'ci' });

/** Plan, then both verifications (the components with their digest and signature, as verification sends them): the run is ready. */
export async function planAndVerify(execution: ExecutionUnderTest, plan: DeploymentPlanned): Promise<void> {
  const { deploymentId } = plan;
  await execution.publish('planning', 'DeploymentPlanned', plan);
  await execution.publish('verification', 'ComponentsVerified', { deploymentId, components: plan.components.map(verifiedAs) });
  await execution.publish('verification', 'TargetEnvironmentVerified', { deploymentId, environment: plan.environment });
}

export const typesOf = (events: { type: string }[]) => events.map((e) => e.type);

export const SITE_EVIDENCE = [{ description: 'site inspection report', reference: 'https://evidence.example/inspection.pdf', digest: `sha256:${'5e'.repeat(32)}` }];

/** A physical deployment's sites made ready once its components are verified: every item of every site's checklist answered, passed. */
export async function readySites(execution: ExecutionUnderTest, plan: DeploymentPlanned, inspector?: string): Promise<void> {
  await execution.waitFor(plan.deploymentId, 'ReadinessConfirmed', (d) => d.readiness === 'components');
  const token = inspector ?? (await tokenFor('deployment-practitioner', 'ines'));
  for (const site of sitesOf(plan)) {
    for (const item of SITE_CHECKLIST) {
      const answered = await call(execution.url, token, 'POST', `/runs/${plan.deploymentId}/sites/${encodeURIComponent(site)}/checklist/${item}`, { result: 'passed', evidence: SITE_EVIDENCE });
      if (answered.status !== 200) throw new Error(`${site} ${item}: ${answered.status} ${JSON.stringify(answered.body)}`);
    }
  }
}

/** An HTTP request's body, as text (the test's own webhook servers). */
export const readBody = (request: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => resolve(body));
  });
