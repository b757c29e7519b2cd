import { SERVICE_TOPICS, type DeploymentPlanned } from '@gantry/contracts';
import { createTestDatabase, serviceEvent, type TestDatabase } from '@gantry/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { childEnv, eventuallyWhileRunning, startGantryProcess, type GantryProcess } from './support/processes';

/**
 * Crash safety of execution (quality.md: a service killed with SIGKILL in the middle of a batch, restarted, ends in
 * the same state as without the crash). Execution runs as its own process with the webhook executor pointed at this
 * test's HTTP server, which performs each idempotency key once and counts the deployments per target. The process is
 * killed in the middle of a progressive run and started again: the run finishes, every target was deployed exactly
 * once, and the run's event history has no gap and no duplicate.
 */
const SECRET = 'e2e-crash-secret-that-is-long-enough-hs256';
const HOOK_SECRET = 'e2e-crash-webhook-secret-of-32-characters';
const environment = `crash-${randomBytes(3).toString('hex')}`;
const groupPrefix = `e2e-crash-${randomBytes(4).toString('hex')}-`;
// its own topics: a new consumer group reads its topics from the beginning, and the shared ones hold every earlier
// suite's deployments, which execution would run first (under load, past the test's patience)
const topicPrefix = groupPrefix;

let database: TestDatabase;
let server: Server;
let hookPort: number;
let execution: GantryProcess;
let producer: Producer;
let pg: Client;
/** what the test's executor saw: every request's key and target, and the keys it performed */
const requests: { key: string; target: string; signed: boolean }[] = [];
const performed = new Map<string, string>();

const executionEnv = () =>
  childEnv({
    DATABASE_URL: database.url,
    KAFKA_BROKERS: process.env.KAFKA_BROKERS,
    GANTRY_JWT_SECRET: SECRET,
    GANTRY_CONSUMER_GROUP_PREFIX: groupPrefix,
    GANTRY_TOPIC_PREFIX: topicPrefix,
    GANTRY_RUN_SWEEP_MS: '200',
    GANTRY_WEBHOOK_ALLOWED_HOSTS: `127.0.0.1:${hookPort}`,
    GANTRY_EXECUTORS: JSON.stringify({ environments: { [environment]: { type: 'webhook', url: `http://127.0.0.1:${hookPort}/steps`, secret: HOOK_SECRET, timeoutMs: 10_000 } } }),
  });

beforeAll(async () => {
  if (!process.env.KAFKA_BROKERS) throw new Error('KAFKA_BROKERS is not set: the end-to-end suite needs the broker from the test setup');
  database = await createTestDatabase('gantry_e2e_crash');
  server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => (raw += chunk));
    request.on('end', () => {
      const body = JSON.parse(raw) as { idempotencyKey: string; target?: string; step: string };
      // Gantry-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">, checked as an executor outside Gantry would
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(request.headers['gantry-signature'])) ?? [];
      const signed = t !== undefined && v1 === createHmac('sha256', HOOK_SECRET).update(`${t}.${raw}`).digest('hex');
      requests.push({ key: body.idempotencyKey, target: body.target ?? 'run', signed });
      // an executor deduplicates by key: a key it has seen is answered without deploying again
      const first = !performed.has(body.idempotencyKey);
      if (first) performed.set(body.idempotencyKey, body.target ?? 'run');
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'succeeded' })), first ? 600 : 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hookPort = (server.address() as AddressInfo).port;
  execution = await startGantryProcess('execution', 'services/execution/src/main.ts', executionEnv());
  const kafka = new Kafka({ clientId: `e2e-crash-${groupPrefix}`, brokers: process.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  producer = kafka.producer();
  await producer.connect();
  pg = new Client({ connectionString: database.url });
  await pg.connect();
}, 180_000);

afterAll(async () => {
  await execution?.stop();
  await producer?.disconnect();
  await pg?.end();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await database?.drop();
});

const publish = async (service: 'planning' | 'verification', name: string, data: { deploymentId: string }) => {
  const event = serviceEvent(service, name, data);
  await producer.send({ topic: `${topicPrefix}${SERVICE_TOPICS[service]}`, acks: -1, messages: [{ key: data.deploymentId, value: JSON.stringify(event) }] });
};

const runEvents = async (deploymentId: string) =>
  (await pg.query<{ type: string; stream_version: string; data: { target?: string }; id: string }>(
    `SELECT event_type AS type, stream_version, data, event_id AS id FROM execution.events WHERE stream_id = $1 ORDER BY stream_version`,
    [`DeploymentRun-${deploymentId}`],
  )).rows;

it('SIGKILL in the middle of a progressive run: restarted, it finishes; every target deployed exactly once; no gap, no duplicate', async () => {
  const waves = [1, 2, 3, 4].map((index) => ({ index, targets: [`c${index}-a`, `c${index}-b`] }));
  const targets = waves.flatMap((w) => w.targets);
  const deploymentId = randomUUID();
  const plan: DeploymentPlanned = {
    deploymentId, changeId: 'CHG0424242', service: 'payments', kind: 'upgrade', components: [{ name: 'payments-api', version: '2.4.1', kind: 'software' }],
    environment, window: { start: new Date(Date.now() - 60_000).toISOString(), end: new Date(Date.now() + 3_600_000).toISOString() }, model: null,
    strategy: 'progressive', waves, acceptanceCriteria: [{ type: 'smoke-tests', description: 'smoke suite passes' }], backupRequired: true, rollback: 'automatic', requestedBy: 'rita', gates: [],
  };
  await publish('planning', 'DeploymentPlanned', plan);
  await publish('verification', 'ComponentsVerified', { deploymentId, components: [{ name: 'payments-api', version: '2.4.1', result: 'verified' }] } as never);
  await publish('verification', 'TargetEnvironmentVerified', { deploymentId, environment } as never);

  // kill it while the fourth target is being deployed (the executor holds the answer 600 ms)
  await eventuallyWhileRunning([execution], async () => requests.some((r) => r.target === 'c2-b'), { timeoutMs: 150_000, intervalMs: 20, what: 'the fourth target asked for' });
  await execution.kill('SIGKILL');
  const atCrash = (await runEvents(deploymentId)).length;
  execution = await startGantryProcess('execution', 'services/execution/src/main.ts', executionEnv());

  await eventuallyWhileRunning([execution], async () => (await runEvents(deploymentId)).some((e) => e.type === 'DeploymentExecuted'), {
    timeoutMs: 150_000,
    intervalMs: 100,
    what: 'the run to finish after the restart',
  });
  const events = await runEvents(deploymentId);
  expect(events.length).toBeGreaterThan(atCrash);
  expect(events.map((e) => Number(e.stream_version))).toEqual(events.map((_, i) => i + 1));
  expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  expect(events.filter((e) => e.type === 'TargetDeployed').map((e) => e.data.target)).toEqual(targets);
  expect(events.filter((e) => e.type === 'BackupTaken')).toHaveLength(1);

  // counted at the executor: one deployment per target, and every ask of a target carried the same key
  const deploymentsPerTarget = targets.map((t) => [...performed.values()].filter((v) => v === t).length);
  expect(deploymentsPerTarget).toEqual(targets.map(() => 1));
  for (const target of targets) expect(new Set(requests.filter((r) => r.target === target).map((r) => r.key))).toEqual(new Set([`${deploymentId}:${target}:deploy:1`]));
  expect(requests.every((r) => r.signed)).toBe(true);
  // the target in flight at the crash was asked again after the restart, with the same key
  expect(requests.filter((r) => r.target === 'c2-b').length).toBeGreaterThanOrEqual(2);
}, 400_000);
