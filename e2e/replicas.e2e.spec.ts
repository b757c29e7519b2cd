import { mintToken } from '@gantry/auth';
import { createTestDatabase, eventually, startOwnCluster, type OwnCluster, type TestDatabase } from '@gantry/testing';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { Client } from 'pg';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authoriseComponents } from './support/authorised-components';
import { deploymentRequest as supportRequest } from './support/deployments';
import { childEnv, startGantryProcess, type GantryProcess } from './support/processes';

/**
 * The installation scaled out (docs/scaling.md): a three-node Kafka cluster (replication 3, min.insync.replicas 2) and
 * two replicas of every service as processes on one database. Under a steady load of full deployment lifecycles, one
 * broker and then one replica of each service are SIGKILLed and started again. Afterwards every deployment closed
 * exactly once, no target was deployed twice (counted at the test's webhook executor and in execution's events), every
 * event of every service's event store is in the ledger exactly once, the ledger verifies, and the timers' effects
 * (the window opening starts the run, the health probes decide verification) happened once per deployment.
 */
jest.setTimeout(420_000);

const SECRET = 'replicas-e2e-secret-that-is-long-enough-for-hs256';
const HOOK_SECRET = 'replicas-e2e-webhook-secret-of-32-chars';
const SERVICES = ['planning', 'verification', 'execution', 'records', 'model-review'] as const;
type Service = (typeof SERVICES)[number];
const REPLICAS = 2;
const PREFIX = `replicas-${process.pid}-${Date.now()}.`;
const ENVIRONMENT = 'replicas';
/** one target per deployment: a target deployed twice can only be a replica's doing */
const TARGETS = 400;
/** the load: a deployment requested every REQUEST_EVERY_MS for LOAD_MS; the broker is killed at BROKER_KILL_AT, a replica of each service at REPLICA_KILL_AT */
const REQUEST_EVERY_MS = 700;
const LOAD_MS = 40_000;
const BROKER_KILL_AT = 10_000;
const REPLICA_KILL_AT = 16_000;
/** each request's window opens this long after it is sent: the run waits for its window-opens timer */
const WINDOW_OPENS_AFTER_MS = 2_000;

interface Replica {
  name: string;
  service: Service;
  process: GantryProcess;
  /** set while the test kills it: its exit is then no failure */
  killing: boolean;
}

/** records' answer to GET /audit/sources/verify (services/records/src/sources/source-comparison.ts) */
interface SourceComparison {
  service: Service;
  intact: boolean;
  checked: number;
  mismatches: number;
  notInLedger: { count: number };
  missingFromStore: { count: number };
}

interface Requested {
  deploymentId: string;
  target: string;
  sentAt: number;
  windowStart: string;
  attempts: number;
}

let cluster: OwnCluster;
let database: TestDatabase;
let db: Client;
let admin: Admin;
let hook: Server;
let probed: Server;
let replicas: Replica[] = [];
/** aborts when a process or a broker exits that the test did not kill */
const unexpectedExit = new AbortController();
let failure: AbortSignal;
/** every step the executor was asked, and the keys it performed (an executor deduplicates by key) */
const asked: { key: string; step: string; target: string; deploymentId: string }[] = [];
const performed = new Map<string, { step: string; target: string; deploymentId: string }>();
const t0 = Date.now();
const timeline: Record<string, number> = {};
const mark = (what: string) => (timeline[what] = Date.now() - t0);

const serviceEnv = () =>
  childEnv({
    DATABASE_URL: database.url,
    KAFKA_BROKERS: cluster.brokers,
    KAFKA_TOPIC_REPLICATION_FACTOR: '3',
    KAFKA_TOPIC_PARTITIONS: '3',
    GANTRY_JWT_SECRET: SECRET,
    GANTRY_TOPIC_PREFIX: PREFIX,
    GANTRY_CONSUMER_GROUP_PREFIX: PREFIX,
    GANTRY_RUN_SWEEP_MS: '200',
    // a killed replica's runs are taken over after this long
    GANTRY_RUN_LEASE_MS: '5000',
    GANTRY_WEBHOOK_ALLOWED_HOSTS: `127.0.0.1:${(hook.address() as AddressInfo).port}`,
    GANTRY_EXECUTORS: JSON.stringify({
      environments: { [ENVIRONMENT]: { type: 'webhook', url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/steps`, secret: HOOK_SECRET, timeoutMs: 10_000 } },
    }),
    GANTRY_PROBE_ALLOWED_HOSTS: `127.0.0.1:${(probed.address() as AddressInfo).port}`,
    GANTRY_PROBE_INTERVAL_MS: '200',
    GANTRY_PROBE_CONSECUTIVE_SUCCESSES: '2',
  });

const startReplica = async (service: Service, index: number): Promise<Replica> => {
  const name = `${service}#${index}`;
  const replica: Replica = { name, service, killing: false, process: await startGantryProcess(name, `services/${service}/src/main.ts`, serviceEnv(), { timeoutMs: 180_000 }) };
  replica.process.running.addEventListener('abort', () => {
    if (!replica.killing) unexpectedExit.abort(new Error(`${name} exited though the test did not kill it\n${replica.process.recentOutput()}`));
  });
  return replica;
};

const running = (service: Service) => replicas.filter((r) => r.service === service && !r.killing && !r.process.running.aborted);

const waitFor = <T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 90_000) =>
  eventually(probe, { timeoutMs, intervalMs: 250, what, signal: failure });

beforeAll(async () => {
  hook = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk) => (raw += chunk));
    request.on('end', () => {
      const body = JSON.parse(raw) as { idempotencyKey: string; step: string; target?: string; deploymentId: string; components: { name: string; version: string; digest: string }[] };
      const step = { step: body.step, target: body.target ?? 'run', deploymentId: body.deploymentId };
      asked.push({ key: body.idempotencyKey, ...step });
      const first = !performed.has(body.idempotencyKey);
      if (first) performed.set(body.idempotencyKey, step);
      // a step takes a moment, so that a replica killed mid-run leaves a step in flight now and then; it installs exactly what it was sent
      const installed = body.components.map(({ name, version, digest }) => ({ name, version, digest }));
      setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'succeeded', installed })), first ? 150 : 0);
    });
  });
  probed = createServer((_request, response) => response.end('ok'));
  await Promise.all([hook, probed].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
  [cluster, database] = await Promise.all([startOwnCluster(3), createTestDatabase('gantry_replicas')]);
  failure = AbortSignal.any([unexpectedExit.signal, cluster.failure]);
  mark('cluster started');
  db = new Client({ connectionString: database.url });
  await db.connect();
  admin = new Kafka({ clientId: 'replicas-e2e-admin', brokers: cluster.brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  // both replicas of a service start at once, as a scaled-out installation's do (migrations run once, under the schema's advisory lock)
  replicas = await Promise.all(SERVICES.flatMap((service) => Array.from({ length: REPLICAS }, (_, i) => startReplica(service, i + 1))));
  mark('replicas started');
}, 400_000);

afterAll(async () => {
  await Promise.all(replicas.map((r) => ((r.killing = true), r.process.stop())));
  await admin?.disconnect();
  await db?.end();
  await database?.drop();
  await cluster?.destroy();
  console.info(`replicas e2e, ms since the suite began: ${JSON.stringify(timeline)}`);
  await Promise.all([hook, probed].map((server) => server && (server.closeAllConnections(), new Promise((resolve) => server.close(resolve)))));
}, 120_000);

/** POSTs to whichever replica of the service is up, trying the other one (the same idempotency key) when a replica does not answer */
async function post(service: Service, path: string, token: string, body: unknown, idempotencyKey?: string): Promise<{ status: number; body: unknown; attempts: number }> {
  let attempts = 0;
  const answer = await waitFor(`POST ${path} to a replica of ${service}`, async () => {
    const candidates = running(service);
    const replica = candidates[attempts++ % Math.max(candidates.length, 1)];
    if (!replica) throw new Error(`no replica of ${service} running`);
    const response = await fetch(`${replica.process.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(20_000),
    }).catch((error: Error) => {
      throw new Error(`${replica.name}: ${error.message}`);
    });
    if (response.status >= 500) throw new Error(`${replica.name}: ${response.status} ${await response.text()}`);
    return { status: response.status, body: await response.json().catch(() => undefined) };
  }, 120_000);
  return { ...answer, attempts };
}

/** The suite's usual request (support/deployments), to this test's environment and target n, its window and probed health. */
const deploymentRequest = (n: number, windowStart: Date) =>
  supportRequest({
    changeId: `CHG${String(n).padStart(7, '0')}`,
    service: `payments-${n}`,
    environment: ENVIRONMENT,
    targets: [`r-${n}`],
    window: { start: windowStart.toISOString(), end: new Date(windowStart.getTime() + 3_600_000).toISOString() },
    acceptanceCriteria: [{ type: 'http-health', description: 'the new version answers', url: `http://127.0.0.1:${(probed.address() as AddressInfo).port}/health`, expectedStatus: 200 }],
  });

const count = async (sql: string, params: unknown[] = []) => Number((await db.query<{ n: string }>(sql, params)).rows[0].n);

it('two replicas of every service on a three-node cluster: a broker and a replica of each killed under load; every deployment closes once, every target deployed once, every event ledgered once', async () => {
  const manager = await mintToken(SECRET, { sub: 'dana.manager', roles: ['deployment-manager'] });
  const changeManager = await mintToken(SECRET, { sub: 'change-enablement-system', roles: ['change-manager'] });
  const auditor = await mintToken(SECRET, { sub: 'alice.auditor', roles: ['auditor'] });
  await authoriseComponents(running('verification')[0].process.url, manager);
  const environment = await post('planning', '/environments', manager, {
    name: ENVIRONMENT,
    kind: 'staging',
    position: 4,
    attributes: { operatingSystem: 'linux' },
    targets: Array.from({ length: TARGETS }, (_, i) => ({ name: `r-${i + 1}`, kind: 'host' })),
    timeZone: 'UTC',
    deploymentWindows: [],
    freezes: [],
    approvalPolicy: { roles: [], minimumApprovers: 0 },
  });
  expect(environment.status).toBe(201);

  // the load: a deployment every REQUEST_EVERY_MS, each to its own target, sent to either replica of planning
  const requested: Requested[] = [];
  const refused: string[] = [];
  const loadStart = Date.now();
  mark('load started');
  const sending: Promise<void>[] = [];
  let n = 0;
  const load = (async () => {
    while (Date.now() - loadStart < LOAD_MS && !failure.aborted) {
      const number = ++n;
      const windowStart = new Date(Date.now() + WINDOW_OPENS_AFTER_MS);
      const sentAt = Date.now();
      sending.push(
        post('planning', '/deployments', changeManager, deploymentRequest(number, windowStart), randomUUID()).then(({ status, body, attempts }) => {
          const created = body as { deploymentId: string; status: string };
          if (status === 201 && created.status === 'planned') requested.push({ deploymentId: created.deploymentId, target: `r-${number}`, sentAt, windowStart: windowStart.toISOString(), attempts });
          else refused.push(`request ${number}: ${status} ${JSON.stringify(body)}`);
        }),
      );
      const next = loadStart + number * REQUEST_EVERY_MS;
      await new Promise((paced) => setTimeout(paced, Math.max(0, next - Date.now())));
    }
  })();

  // the kills: a broker (the leader of planning's first partition), then one replica of every service, each started again at once
  const kills: { what: string; killedAt: number; restartedAt?: number }[] = [];
  const at = (ms: number) => waitFor(`${ms} ms into the load`, () => Date.now() - loadStart >= ms, LOAD_MS + 10_000);
  const chaos = (async () => {
    await at(BROKER_KILL_AT);
    const [{ partitions }] = (await admin.fetchTopicMetadata({ topics: [`${PREFIX}gantry.planning.v1`] })).topics;
    const node = partitions.find((p) => p.partitionId === 0)!.leader;
    const broker = { what: `broker ${node}`, killedAt: Date.now() - loadStart } as (typeof kills)[number];
    kills.push(broker);
    await cluster.kill(node);
    const brokerBack = cluster.start(node).then(() => void (broker.restartedAt = Date.now() - loadStart));
    await at(REPLICA_KILL_AT);
    await Promise.all(
      SERVICES.map(async (service) => {
        const victim = replicas.find((r) => r.service === service && !r.killing)!;
        const kill = { what: victim.name, killedAt: Date.now() - loadStart } as (typeof kills)[number];
        kills.push(kill);
        victim.killing = true;
        await victim.process.kill('SIGKILL');
        const index = Number(victim.name.split('#')[1]);
        const restarted = await startReplica(service, index);
        replicas = [...replicas.filter((r) => r !== victim), restarted];
        kill.restartedAt = Date.now() - loadStart;
      }),
    );
    await brokerBack;
    return node;
  })();

  const [, killedNode] = await Promise.all([load, chaos]);
  await Promise.all(sending);
  mark('load ended');
  expect(refused).toEqual([]);
  expect(failure.aborted).toBe(false);

  // the broker rejoined every partition's ISR
  const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(PREFIX));
  await waitFor(`node ${killedNode} back in every ISR`, async () => (await admin.fetchTopicMetadata({ topics })).topics.every((t) => t.partitions.every((p) => p.isr.length === 3)), 120_000);
  mark('ISR back to 3');

  // converged: every deployment's record closed, its outcome reviewed, every event of every service in the ledger
  const ids = requested.map((r) => r.deploymentId);
  // records' own comparison of each service's event store with the ledger (GET /audit/sources/verify): every event the
  // ledger takes in (not records' checkpoint announcements and notices, which by design it does not) is in it, matching
  const sources = async () => {
    const records = running('records')[0].process;
    return Promise.all(
      SERVICES.map(async (service) => {
        const response = await fetch(`${records.url}/audit/sources/verify?service=${service}`, { headers: { authorization: `Bearer ${auditor}` } });
        expect(response.status).toBe(200);
        return (await response.json()) as SourceComparison;
      }),
    );
  };
  const unledgered = async () => (await sources()).reduce((sum, s) => sum + s.notInLedger.count, 0);
  const progress = async () => ({
    closed: await count(`SELECT count(DISTINCT data->>'deploymentId') AS n FROM records.events WHERE event_type = 'DeploymentRecordClosed' AND data->>'deploymentId' = ANY($1)`, [ids]),
    reviewed: await count(`SELECT count(DISTINCT l.deployment_id) AS n FROM records.ledger l WHERE l.event_type = 'gantry.model-review.ModelOutcomeRecorded.v1' AND l.deployment_id = ANY($1)`, [ids]),
    unledgered: await unledgered(),
  });
  let last = await progress();
  await waitFor(
    'every deployment closed and reviewed, every event in the ledger',
    async () => {
      last = await progress();
      return last.closed === ids.length && last.reviewed === ids.length && last.unledgered === 0;
    },
    150_000,
  ).catch(async (error: Error) => {
    // what a stuck deployment got as far as, in each service's event store
    const open = (await db.query<{ id: string }>(`SELECT unnest($1::text[]) AS id EXCEPT SELECT data->>'deploymentId' FROM records.events WHERE event_type = 'DeploymentRecordClosed'`, [ids])).rows.map((r) => r.id);
    const stories: string[] = [];
    for (const id of open.slice(0, 5)) {
      const story = await db.query<{ schema: string; type: string; at: Date }>(
        SERVICES.map((service) => `SELECT '${service}' AS schema, event_type AS type, recorded_at AS at FROM "${service.replace('-', '_')}".events WHERE data->>'deploymentId' = $1`).join(' UNION ALL ') + ' ORDER BY at',
        [id],
      );
      stories.push(`${id}: ${story.rows.map((r) => `${r.schema}.${r.type}@${r.at.getTime() - loadStart}`).join(' ')}`);
    }
    throw new Error(`${error.message}: ${JSON.stringify(last)} of ${ids.length}; ${open.length} not closed, e.g. (ms into the load):\n${stories.join('\n')}`);
  });
  mark('converged');
  const drained = Date.now() - loadStart;

  // one deployment per request (a request sent again to the other replica of planning carried the same key), each closed
  // exactly once, in records' event store and in the ledger
  const planned = (await db.query<{ id: string }>(`SELECT data->>'deploymentId' AS id FROM planning.events WHERE event_type = 'DeploymentRequested'`)).rows.map((r) => r.id);
  expect(planned.sort()).toEqual([...ids].sort());
  const closedTwice = await db.query(`SELECT data->>'deploymentId' AS id, count(*) FROM records.events WHERE event_type = 'DeploymentRecordClosed' GROUP BY 1 HAVING count(*) > 1`);
  expect(closedTwice.rows).toEqual([]);
  const ledgerClosed = await db.query<{ id: string; n: string }>(
    `SELECT deployment_id AS id, count(*) AS n FROM records.ledger WHERE event_type = 'gantry.records.DeploymentRecordClosed.v1' GROUP BY 1`,
  );
  expect(ledgerClosed.rows.map((r) => r.id).sort()).toEqual([...ids].sort());
  expect(ledgerClosed.rows.filter((r) => r.n !== '1')).toEqual([]);
  const outcomes = (await db.query<{ outcome: string; n: string }>(`SELECT outcome, count(*) AS n FROM records.deployment_records GROUP BY 1 ORDER BY 1`)).rows;
  expect(outcomes).toEqual([{ outcome: 'succeeded', n: String(ids.length) }]);

  // no target deployed twice: in execution's events, and at the executor (one key per deployment, target and step, performed once)
  const deployedTwice = await db.query(`SELECT stream_id, data->>'target' AS target, count(*) FROM execution.events WHERE event_type = 'TargetDeployed' GROUP BY 1, 2 HAVING count(*) > 1`);
  expect(deployedTwice.rows).toEqual([]);
  const deployed = await db.query<{ deployment: string; target: string }>(`SELECT substring(stream_id from 15) AS deployment, data->>'target' AS target FROM execution.events WHERE event_type = 'TargetDeployed'`);
  expect(deployed.rows.map((r) => `${r.deployment} ${r.target}`).sort()).toEqual(requested.map((r) => `${r.deploymentId} ${r.target}`).sort());
  const keysPerStep = new Map<string, Set<string>>();
  for (const a of asked) keysPerStep.set(`${a.deploymentId} ${a.target} ${a.step}`, (keysPerStep.get(`${a.deploymentId} ${a.target} ${a.step}`) ?? new Set()).add(a.key));
  expect([...keysPerStep].filter(([, keys]) => keys.size > 1)).toEqual([]);
  const deploysPerTarget = new Map<string, number>();
  for (const p of performed.values()) if (p.step === 'deploy') deploysPerTarget.set(p.target, (deploysPerTarget.get(p.target) ?? 0) + 1);
  expect([...deploysPerTarget.keys()].sort()).toEqual(requested.map((r) => r.target).sort());
  expect([...deploysPerTarget].filter(([, times]) => times !== 1)).toEqual([]);

  // every event of every service's event store in the ledger exactly once, and nothing else in it
  const compared = await sources();
  expect(compared.map(({ service, intact, mismatches, notInLedger, missingFromStore }) => ({ service, intact, mismatches, notInLedger: notInLedger.count, missingFromStore: missingFromStore.count }))).toEqual(
    SERVICES.map((service) => ({ service, intact: true, mismatches: 0, notInLedger: 0, missingFromStore: 0 })),
  );
  const stored = compared.reduce((sum, s) => sum + s.checked, 0);
  expect(await count(`SELECT count(*) AS n FROM (SELECT event_id FROM records.ledger GROUP BY 1 HAVING count(*) > 1) twice`)).toBe(0);
  expect(await count(`SELECT count(*) AS n FROM records.ledger`)).toBe(stored);
  const records = running('records')[0].process;
  const verified = (await (await fetch(`${records.url}/audit/verify`, { headers: { authorization: `Bearer ${auditor}` } })).json()) as { intact: boolean };
  expect(verified.intact).toBe(true);

  // the timers' effects, once each: the window opening started each run once, no earlier; the probes decided verification once
  const started = (await db.query<{ deployment: string; n: string; started: string }>(
    `SELECT substring(stream_id from 15) AS deployment, count(*) AS n, min(data->>'startedAt') AS started FROM execution.events WHERE event_type = 'DeploymentStarted' GROUP BY 1`,
  )).rows;
  expect(started.map((s) => s.deployment).sort()).toEqual([...ids].sort());
  expect(started.filter((s) => s.n !== '1')).toEqual([]);
  const windowOf = new Map(requested.map((r) => [r.deploymentId, r.windowStart]));
  expect(started.filter((s) => Date.parse(s.started) < Date.parse(windowOf.get(s.deployment)!))).toEqual([]);
  const verifiedTwice = await db.query(`SELECT stream_id, count(*) FROM verification.events WHERE event_type = 'DeploymentVerified' GROUP BY 1 HAVING count(*) > 1`);
  expect(verifiedTwice.rows).toEqual([]);
  expect(await count(`SELECT count(*) AS n FROM verification.events WHERE event_type = 'DeploymentVerified'`)).toBe(ids.length);
  expect(await count(`SELECT count(*) AS n FROM model_review.events WHERE event_type = 'ModelOutcomeRecorded'`)).toBe(ids.length);

  // the numbers
  const closedAt = new Map(
    (await db.query<{ id: string; at: Date }>(`SELECT deployment_id AS id, recorded_at AS at FROM records.ledger WHERE event_type = 'gantry.records.DeploymentRecordClosed.v1'`)).rows.map((r) => [r.id, r.at.getTime()]),
  );
  const latencies = requested.map((r) => closedAt.get(r.deploymentId)! - r.sentAt).sort((a, b) => a - b);
  const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  const replicasKilled = Math.min(...kills.filter((k) => !k.what.startsWith('broker')).map((k) => k.killedAt));
  const closedAfterKills = requested.filter((r) => r.sentAt - loadStart >= REPLICA_KILL_AT).map((r) => closedAt.get(r.deploymentId)! - loadStart);
  const retried = requested.filter((r) => r.attempts > 1).length;
  console.info(
    [
      `replicas e2e: ${REPLICAS} replicas of each of ${SERVICES.length} services on ${cluster.nodes} Kafka nodes`,
      `  deployments requested ${requested.length} (${retried} sent again to the other planning replica), closed ${ledgerClosed.rows.length}, outcomes ${JSON.stringify(outcomes)}`,
      `  load ${LOAD_MS / 1000} s at ${(1000 / REQUEST_EVERY_MS).toFixed(1)}/s; all closed ${(drained / 1000).toFixed(1)} s after the load began: ${((ids.length * 1000) / drained).toFixed(2)} closed/s`,
      `  request → record closed: p50 ${percentile(50)} ms, p90 ${percentile(90)} ms, max ${latencies[latencies.length - 1]} ms`,
      `  kills (ms into the load): ${kills.map((k) => `${k.what} killed ${k.killedAt}, running again ${k.restartedAt} (${k.restartedAt! - k.killedAt} ms)`).join('; ')}`,
      `  first record closed of a deployment requested after the replicas were killed: ${Math.min(...closedAfterKills) - replicasKilled} ms after their kill`,
      `  executor: ${asked.length} steps asked, ${performed.size} performed, ${asked.length - performed.size} asked again with the same key`,
      `  ledger: ${stored} events from ${SERVICES.length} event stores, each once (${JSON.stringify(Object.fromEntries(compared.map((c) => [c.service, c.checked])))}); verifies: ${verified.intact}`,
      `  timeline (ms since the suite began): ${JSON.stringify(timeline)}`,
    ].join('\n'),
  );
});
