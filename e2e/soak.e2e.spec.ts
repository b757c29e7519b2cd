import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { mintToken } from '@gantry/auth';
import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import { Client } from 'pg';
import { authoriseComponents } from './support/authorised-components';
import { deploymentRequest, openEnvironment } from './support/deployments';
import { inspectorOf, liveHeapsMiB } from './support/live-heap';
import { eventuallyWhileRunning, startIsolatedService, type GantryProcess } from './support/processes';

/**
 * Steady load of full deployment lifecycles on the five services as processes over Kafka: deployments requested of
 * planning at a fixed rate, each planned, verified, executed by the simulated executor, verified again, recorded and
 * closed, its model's outcome reviewed. Sampled every few seconds: each process's resident memory and live heap (after
 * a full collection, through its inspector), and the lag (deployments requested whose record has not closed). Must
 * hold: every deployment closed once, every event of planning in records' ledger, memory flat and lag not growing,
 * within the tolerances below. SOAK_SECONDS (default 60 in the test command; the long mode is SOAK_SECONDS=3600) and
 * SOAK_RATE (deployments per second, default 1: the test command runs it beside other suites on 2 cores).
 */
const SECRET = 'soak-e2e-secret-long-enough-for-hs256!!!';
const SERVICES = ['planning', 'verification', 'execution', 'records', 'model-review'] as const;
const seconds = Number(process.env.SOAK_SECONDS ?? 60);
const rate = Number(process.env.SOAK_RATE ?? 1);
const sampleEveryMs = Math.max(2_000, Math.min(30_000, (seconds * 1000) / 20));
/** tolerances: memory may grow this much from the end of the warm-up (first third) to the end */
const RSS_GROWTH_MIB = 40;
const RSS_GROWTH_SHARE = 0.25;
/** the live heap (after a full collection) may grow this much from the end of the warm-up to the end */
const LIVE_HEAP_GROWTH_MIB = 16;
const LIVE_HEAP_GROWTH_SHARE = 0.15;
/** lag: the last third's worst may exceed the first third's by this many deployments (a load that others' suites make uneven) */
const LAG_GROWTH = Math.max(10, 5 * rate);
/** targets of the soak's environment: a target is deployed again TARGETS / rate seconds later, long after its last deployment closed */
const TARGETS = 1_000;

let database: TestDatabase;
let db: Client;
const processes = new Map<string, GantryProcess>();
const prefix = `soak-${randomUUID().slice(0, 8)}-`;

beforeAll(async () => {
  if (!process.env.KAFKA_BROKERS) throw new Error('KAFKA_BROKERS is not set: the end-to-end suite needs the broker from the test setup');
  database = await createTestDatabase('gantry_soak');
  db = new Client({ connectionString: database.url });
  await db.connect();
  const started = await Promise.all(
    // the inspector, on a port of its own: what the soak asks for the live heap
    SERVICES.map((service) =>
      startIsolatedService(service, { databaseUrl: database.url, brokers: process.env.KAFKA_BROKERS!, prefix, secret: SECRET, env: { NODE_OPTIONS: '--inspect=127.0.0.1:0' } }),
    ),
  );
  started.forEach((p) => processes.set(p.name, p));
  const manager = await mintToken(SECRET, { sub: 'soak.manager', roles: ['deployment-manager'] });
  await authoriseComponents(processes.get('verification')!.url, manager);
  const registered = await fetch(`${processes.get('planning')!.url}/environments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${manager}` },
    body: JSON.stringify(environment),
  });
  expect(registered.status).toBe(201);
}, 180_000);

afterAll(async () => {
  await Promise.all([...processes.values()].map((p) => p.stop()));
  await db?.end();
  await database?.drop();
});

const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;


/** deployments requested and not closed yet */
const lag = async (requested: readonly string[]) =>
  requested.length -
  Number(
    (
      await db.query<{ n: string }>(`SELECT count(DISTINCT data->>'deploymentId') AS n FROM records.events WHERE event_type = 'DeploymentRecordClosed' AND data->>'deploymentId' = ANY($1)`, [
        requested,
      ])
    ).rows[0].n,
  );

/** planning's events that records' ledger does not hold */
const unledgered = async () =>
  Number(
    (
      await db.query<{ n: string }>(
        `SELECT (SELECT count(*) FROM planning.events) - (SELECT count(*) FROM records.ledger l JOIN planning.events e ON e.event_id::text = l.event_id) AS n`,
      )
    ).rows[0].n,
  );

const environment = openEnvironment('soak', TARGETS);

/** each deployment of its own service (two of one service in one window would conflict) to the next target in turn */
const request = (n: number) =>
  deploymentRequest({ service: `soak-service-${n}`, environment: 'soak', targets: [`soak-${(n % TARGETS) + 1}`], changeType: 'standard', acceptanceCriteria: [] });

it(`stays flat under ${rate} full lifecycles/s for ${seconds} s: memory of every process and the lag`, async () => {
  // a token that outlives the load (tokens last an hour by default: the long mode's last request was refused)
  const token = await mintToken(SECRET, { sub: 'soak.change-enablement', roles: ['change-manager'], expiresIn: seconds + 600 });
  const planning = processes.get('planning')!;
  const samples: { at: number; lag: number; rss: Record<string, number>; heap: Record<string, number> }[] = [];
  const started = Date.now();
  const deadline = started + seconds * 1000;
  const requested: string[] = [];
  const refusals: string[] = [];
  const inFlight = new Set<Promise<void>>();
  let nextSample = started + sampleEveryMs;
  for (let n = 0; Date.now() < deadline; n++) {
    // open loop: one command every 1/rate s, whatever the answers take
    const due = started + (n * 1000) / rate;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    const sending = fetch(`${planning.url}/deployments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(request(n)),
    }).then(async (response) => {
      const body = (await response.json()) as { deploymentId?: string; status?: string };
      if (response.status === 201 && body.status === 'planned') requested.push(body.deploymentId!);
      else refusals.push(`${response.status} ${JSON.stringify(body).slice(0, 300)}`);
    });
    inFlight.add(sending);
    void sending.finally(() => inFlight.delete(sending));
    if (Date.now() >= nextSample) {
      nextSample += sampleEveryMs;
      const heap = await liveHeapsMiB(Object.fromEntries([...processes].map(([name, p]) => [name, inspectorOf(p.output())!])));
      samples.push({ at: Math.round((Date.now() - started) / 1000), lag: await lag(requested), rss: Object.fromEntries([...processes].map(([name, p]) => [name, Math.round(rssMiB(p.child.pid!))])), heap });
    }
  }
  await Promise.all(inFlight);
  const drained = Date.now();
  await eventuallyWhileRunning([...processes.values()], async () => (await lag(requested)) === 0, { what: 'every deployment requested to close', timeoutMs: 300_000 });
  const drainSeconds = Math.round((Date.now() - drained) / 100) / 10;
  await eventuallyWhileRunning([...processes.values()], async () => (await unledgered()) === 0, { what: 'the ledger to hold every planning event', timeoutMs: 120_000 });
  const closedTwice = await db.query(`SELECT data->>'deploymentId' AS id FROM records.events WHERE event_type = 'DeploymentRecordClosed' GROUP BY 1 HAVING count(*) > 1`);

  console.info(
    [
      `soak: ${requested.length} deployments requested (${refusals.length} refused) in ${seconds} s at ${rate}/s, all closed ${drainSeconds} s after the load; deployments open, and RSS / live V8 heap (MiB, after a full collection) every ${sampleEveryMs / 1000} s:`,
      `  t(s)  lag  ${SERVICES.join('  ')}`,
      ...samples.map((s) => `  ${String(s.at).padStart(4)} ${String(s.lag).padStart(4)}  ${SERVICES.map((name) => `${s.rss[name]}/${s.heap[name]}`.padStart(name.length)).join('  ')}`),
    ].join('\n'),
  );
  expect(refusals).toEqual([]);
  expect(closedTwice.rows).toEqual([]);
  expect(samples.length).toBeGreaterThanOrEqual(6);
  const third = Math.floor(samples.length / 3);
  const warm = samples[third - 1];
  const last = samples[samples.length - 1];
  const grew = SERVICES.filter((name) => last.rss[name] - warm.rss[name] > Math.max(RSS_GROWTH_MIB, warm.rss[name] * RSS_GROWTH_SHARE)).map(
    (name) => `${name}: ${warm.rss[name]} → ${last.rss[name]} MiB`,
  );
  expect(grew).toEqual([]);
  const leaking = SERVICES.filter((name) => last.heap[name] - warm.heap[name] > Math.max(LIVE_HEAP_GROWTH_MIB, warm.heap[name] * LIVE_HEAP_GROWTH_SHARE)).map(
    (name) => `${name}: live heap ${warm.heap[name]} → ${last.heap[name]} MiB`,
  );
  expect(leaking).toEqual([]);
  // lag does not grow: the last third's worst is no worse than the first third's worst, within LAG_GROWTH
  const worst = (from: number, to: number) => Math.max(...samples.slice(from, to).map((s) => s.lag));
  expect(worst(samples.length - third, samples.length)).toBeLessThanOrEqual(worst(0, third) + LAG_GROWTH);
}, (Number(process.env.SOAK_SECONDS ?? 60) + 600) * 1000);
