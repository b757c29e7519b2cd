import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { mintToken } from '@gantry/auth';
import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import { Client } from 'pg';
import { eventuallyWhileRunning, startIsolatedService, type GantryProcess } from './support/processes';

/**
 * Steady load on the five services as processes over Kafka: commands at a fixed rate into planning, whose events flow
 * to every other service and into records' ledger. Sampled every few seconds: each process's resident memory, and the
 * lag (events planning recorded that the ledger does not hold yet). Must hold: memory flat and lag not growing,
 * within the tolerances below. SOAK_SECONDS (default 60 in the test command; the long mode is SOAK_SECONDS=3600) and
 * SOAK_RATE (commands per second, default 5: the test command runs it beside other suites on 2 cores).
 */
const SECRET = 'soak-e2e-secret-long-enough-for-hs256!!!';
const SERVICES = ['planning', 'verification', 'execution', 'records', 'model-review'] as const;
const seconds = Number(process.env.SOAK_SECONDS ?? 60);
const rate = Number(process.env.SOAK_RATE ?? 5);
const sampleEveryMs = Math.max(2_000, Math.min(30_000, (seconds * 1000) / 20));
/** tolerances: memory may grow this much from the end of the warm-up (first third) to the end */
const RSS_GROWTH_MIB = 40;
const RSS_GROWTH_SHARE = 0.25;

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
    SERVICES.map((service) => startIsolatedService(service, { databaseUrl: database.url, brokers: process.env.KAFKA_BROKERS!, prefix, secret: SECRET })),
  );
  started.forEach((p) => processes.set(p.name, p));
}, 180_000);

afterAll(async () => {
  await Promise.all([...processes.values()].map((p) => p.stop()));
  await db?.end();
  await database?.drop();
});

const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

const lag = async () =>
  Number(
    (
      await db.query<{ n: string }>(
        `SELECT (SELECT count(*) FROM planning.events) - (SELECT count(*) FROM records.ledger l JOIN planning.events e ON e.event_id::text = l.event_id) AS n`,
      )
    ).rows[0].n,
  );

const environment = (name: string) => ({
  name,
  kind: 'test',
  position: 1,
  attributes: { operatingSystem: 'linux', capacityUnits: 8 },
  targets: [{ name: `${name}-1`, kind: 'host' }],
  timeZone: 'UTC',
  deploymentWindows: [],
  freezes: [],
  approvalPolicy: { roles: [], minimumApprovers: 0 },
});

it(`stays flat under ${rate} commands/s for ${seconds} s: memory of every process and the ledger's lag`, async () => {
  const token = await mintToken(SECRET, { sub: 'dana.manager', roles: ['deployment-manager'] });
  const planning = processes.get('planning')!;
  const samples: { at: number; lag: number; rss: Record<string, number> }[] = [];
  const started = Date.now();
  const deadline = started + seconds * 1000;
  let sent = 0;
  let refused = 0;
  const inFlight = new Set<Promise<void>>();
  let nextSample = started + sampleEveryMs;
  for (let n = 0; Date.now() < deadline; n++) {
    // open loop: one command every 1/rate s, whatever the answers take
    const due = started + (n * 1000) / rate;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    const request = fetch(`${planning.url}/environments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(environment(`soak-${n}`)),
    }).then(async (response) => {
      if (response.status === 201) sent += 1;
      else refused += 1;
      await response.arrayBuffer();
    });
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request));
    if (Date.now() >= nextSample) {
      nextSample += sampleEveryMs;
      samples.push({ at: Math.round((Date.now() - started) / 1000), lag: await lag(), rss: Object.fromEntries([...processes].map(([name, p]) => [name, Math.round(rssMiB(p.child.pid!))])) });
    }
  }
  await Promise.all(inFlight);
  await eventuallyWhileRunning([...processes.values()], async () => (await lag()) === 0, { what: 'the ledger to hold every planning event', timeoutMs: 120_000 });

  console.info(
    [
      `soak: ${sent} commands accepted (${refused} refused) in ${seconds} s at ${rate}/s; lag and RSS (MiB) every ${sampleEveryMs / 1000} s:`,
      `  t(s)  lag  ${SERVICES.join('  ')}`,
      ...samples.map((s) => `  ${String(s.at).padStart(4)} ${String(s.lag).padStart(4)}  ${SERVICES.map((name) => String(s.rss[name]).padStart(name.length)).join('  ')}`),
    ].join('\n'),
  );
  expect(refused).toBe(0);
  expect(samples.length).toBeGreaterThanOrEqual(6);
  const third = Math.floor(samples.length / 3);
  const warm = samples[third - 1];
  const last = samples[samples.length - 1];
  const grew = SERVICES.filter((name) => last.rss[name] - warm.rss[name] > Math.max(RSS_GROWTH_MIB, warm.rss[name] * RSS_GROWTH_SHARE)).map(
    (name) => `${name}: ${warm.rss[name]} → ${last.rss[name]} MiB`,
  );
  expect(grew).toEqual([]);
  // lag does not grow: the last third's worst is no worse than the first third's worst plus five seconds of load
  const worst = (from: number, to: number) => Math.max(...samples.slice(from, to).map((s) => s.lag));
  expect(worst(samples.length - third, samples.length)).toBeLessThanOrEqual(worst(0, third) + 5 * rate);
}, (Number(process.env.SOAK_SECONDS ?? 60) + 300) * 1000);
