import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { mintToken } from '@gantry/auth';
import { createTestDatabase, startOwnBroker, startPrivatePostgres, type PrivatePostgres } from '@gantry/testing';
import { authoriseComponents } from '../../e2e/support/authorised-components';
import { openEnvironment } from '../../e2e/support/deployments';
import { repoRoot, startIsolatedService, type GantryProcess } from '../../e2e/support/processes';
import { percentile, round } from '../measure';
import { backendsCpuFrom, cpuPer, sampleCpu, summariseProfiles, type CpuSample } from '../profile';
import type { Benchmark, BenchmarkContext, BenchmarkResult } from '../benchmark';

/**
 * One deployment through the whole lifecycle, and many: the five services as separate processes on Kafka and
 * PostgreSQL, the simulated executor with no delay. Measured from `POST /deployments` to `DeploymentRecordClosed` on
 * records' topic, read by a plain Kafka consumer as another practice would. The broker is the run's own.
 *
 * `BENCH_PROFILE=<dir>` profiles the run instead of only timing it: the services write V8 CPU profiles, PostgreSQL is
 * a server of the run's own with pg_stat_statements (fsync on, like the shared one), and `<dir>/profile.md` gets the
 * CPU used per deployment by every process, the statements by total time, and the services' hottest functions.
 */
const SECRET = 'bench-secret-long-enough-for-hs256-tokens';
const SERVICES = ['planning', 'verification', 'execution', 'records', 'model-review'] as const;
const TARGETS = 1_000;

interface Installation {
  request(n: number): Promise<{ deploymentId: string; sentAt: number }>;
  /** when each deployment's DeploymentRecordClosed was first seen, and the distinct events that closed it (one, unless it closed twice) */
  closed: Map<string, Closed>;
  databaseUrl: string;
  /** CPU used so far by each process of the installation (ms), and by this one */
  cpu(): CpuSample;
  /**
   * Starts measuring the work: the CPU each process uses from now on, and the window the profiles count. The result,
   * called when the work is done, gives the CPU per unit of work by process.
   */
  measure(): (units: number) => Record<string, number>;
  stop(): Promise<void>;
}

interface Closed {
  at: number;
  events: Set<string>;
}

/** How an installation is laid out: replicas of each service (1, or 2 for the replicas benchmark) on a database of its own. */
interface Layout {
  replicas: number;
  databaseUrl: string;
}

interface Broker {
  brokers: string;
  /** the broker's process, when it is the run's own */
  pid?: number;
  stop(): Promise<void>;
}

const PROFILE_DIR = process.env.BENCH_PROFILE;
const IDLE_MS = 10_000;
/** after the installation is up: the consumers' first fetches, the full sweeps at start */
const IDLE_SETTLE_MS = 10_000;
const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

async function startBroker(): Promise<Broker> {
  if (process.env.KAFKA_BROKERS) return { brokers: process.env.KAFKA_BROKERS, stop: async () => undefined };
  const broker = await startOwnBroker();
  return { brokers: broker.brokers, pid: broker.pid(), stop: broker.destroy };
}

async function install(context: BenchmarkContext, { replicas = 1, databaseUrl = context.databaseUrl }: Partial<Layout> = {}): Promise<Installation> {
  const broker = await startBroker();
  const processes: GantryProcess[] = [];
  const postgres = PROFILE_DIR ? await profiledPostgres() : undefined;
  try {
    return await installOn({ replicas, databaseUrl: postgres?.url ?? databaseUrl }, broker, processes, postgres);
  } catch (error) {
    await Promise.all(processes.map((p) => p.stop()));
    await broker.stop();
    await postgres?.destroy();
    throw error;
  }
}

async function profiledPostgres(): Promise<PrivatePostgres> {
  const postgres = await startPrivatePostgres({
    settings: ['fsync = on', 'max_connections = 200', "shared_preload_libraries = 'pg_stat_statements'", 'pg_stat_statements.track = all'],
  });
  const client = new Client({ connectionString: postgres.url });
  await client.connect();
  await client.query('CREATE EXTENSION pg_stat_statements');
  await client.end();
  return postgres;
}

/** The statements by total time since the last reset, with calls and mean time, as a markdown table. */
async function statementsReport(url: string, deployments: number): Promise<string> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ query: string; calls: string; total: number; mean: number }>(
      // the event columns are the same in every read: show what follows them
      `SELECT regexp_replace(regexp_replace(query, '\\s+', ' ', 'g'), 'e\\.position::text AS position.*e\\.hash', 'e.*') AS query, calls::text, total_exec_time AS total, mean_exec_time AS mean
       FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 30`,
    );
    return [
      `| statement | calls per deployment | total ms | mean ms |`,
      `| --- | --- | --- | --- |`,
      ...rows.map((r) => `| \`${r.query.slice(0, 160).replace(/\|/g, '\\|')}\` | ${round(Number(r.calls) / Math.max(1, deployments), 1)} | ${Math.round(r.total)} | ${round(r.mean, 3)} |`),
    ].join('\n');
  } finally {
    await client.end();
  }
}

async function installOn(layout: Layout, broker: Broker, processes: GantryProcess[], postgres: PrivatePostgres | undefined): Promise<Installation> {
  const prefix = `bench-${randomUUID().slice(0, 8)}.`;
  const startReplica = async (service: (typeof SERVICES)[number], replica: number) => {
    const started = await startIsolatedService(service, {
      databaseUrl: layout.databaseUrl,
      brokers: broker.brokers,
      prefix,
      secret: SECRET,
      env: {
        GANTRY_RATE_LIMIT_PER_MINUTE: '0',
        GANTRY_EXECUTORS: JSON.stringify({ default: { type: 'simulated', durationMs: 0 } }),
        LOG_LEVEL: 'error',
        ...(PROFILE_DIR ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${join(PROFILE_DIR, service)}` } : {}),
      },
    });
    processes.push(started);
    return { service, process: replica === 1 ? started : { ...started, name: `${service}#${replica}` } };
  };
  const replicas = await Promise.all(SERVICES.flatMap((service) => Array.from({ length: layout.replicas }, (_, i) => startReplica(service, i + 1))));
  const byService = Object.fromEntries(SERVICES.map((service) => [service, replicas.filter((r) => r.service === service).map((r) => r.process)])) as Record<(typeof SERVICES)[number], GantryProcess[]>;
  const byName = Object.fromEntries(SERVICES.map((service) => [service, byService[service][0]])) as Record<(typeof SERVICES)[number], GantryProcess>;
  const manager = await mintToken(SECRET, { sub: 'bench.manager', roles: ['deployment-manager'] });
  const changeManager = await mintToken(SECRET, { sub: 'bench.change-enablement', roles: ['change-manager'] });
  await authoriseComponents(byName.verification.url, manager);
  const environment = openEnvironment('bench', TARGETS);
  const registered = await fetch(`${byName.planning.url}/environments`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${manager}` }, body: JSON.stringify(environment) });
  if (registered.status !== 201) throw new Error(`registering the environment answered ${registered.status}: ${await registered.text()}`);

  // another practice's view: DeploymentRecordClosed on records' topic
  const closed = new Map<string, Closed>();
  const kafka = new Kafka({ clientId: 'bench-observer', brokers: broker.brokers.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `${prefix}observer`, maxWaitTimeInMs: 500, minBytes: 1 });
  await consumer.connect();
  await consumer.subscribe({ topics: [`${prefix}gantry.records.v1`], fromBeginning: true });
  let joined!: () => void;
  const ready = new Promise<void>((resolve) => (joined = resolve));
  consumer.on(consumer.events.FETCH, () => joined());
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(message.value!.toString()) as { id: string; type: string; data: { deploymentId: string } };
      if (event.type !== 'gantry.records.DeploymentRecordClosed.v1') return;
      // publishing is at least once: an event produced again (a replica's publisher, a retry) is the same event
      const seen = closed.get(event.data.deploymentId) ?? { at: Date.now(), events: new Set<string>() };
      closed.set(event.data.deploymentId, { ...seen, events: seen.events.add(event.id) });
    },
  });
  await ready;

  const pids: Record<string, number> = Object.fromEntries(SERVICES.flatMap((service) => byService[service]).map((p) => [p.name, p.child.pid!]));
  if (broker.pid) pids.kafka = broker.pid;
  if (postgres) pids.postgres = Number(readFileSync(join(postgres.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const ownCpuMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  if (postgres) {
    const client = new Client({ connectionString: layout.databaseUrl });
    await client.connect();
    await client.query('SELECT pg_stat_statements_reset()');
    await client.end();
  }
  let profiled = 0;
  /** monotonic µs, the clock of the CPU profiles */
  const measuring: { from?: number; to?: number } = {};
  const cpu = () => ({ ...sampleCpu(pids), 'bench driver': ownCpuMs() });

  return {
    closed,
    databaseUrl: layout.databaseUrl,
    cpu,
    measure: () => {
      const before = cpu();
      measuring.from = monotonicMicros();
      return (units) => {
        measuring.to = monotonicMicros();
        return cpuPer(before, cpu(), units);
      };
    },
    async request(n) {
      const target = (n % TARGETS) + 1;
      const sentAt = Date.now();
      // a load balancer's round robin over planning's replicas
      const planning = byService.planning[n % byService.planning.length];
      const response = await fetch(`${planning.url}/deployments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${changeManager}` },
        body: JSON.stringify({
          changeId: `CHG${String(n).padStart(7, '0')}`,
          changeType: 'standard',
          changeState: 'authorised',
          adHoc: true,
          service: `bench-service-${n}`,
          kind: 'upgrade',
          components: [{ name: 'payments-api', version: '2.4.1', kind: 'software', digest: `sha256:${'ab'.repeat(32)}` }],
          environment: 'bench',
          targets: [`bench-${target}`],
          window: { start: new Date(sentAt - 60_000).toISOString(), end: new Date(sentAt + 3_600_000).toISOString() },
          acceptanceCriteria: [],
        }),
      });
      const body = (await response.json()) as { deploymentId?: string; status?: string; rejection?: unknown };
      if (response.status !== 201 || body.status !== 'planned') throw new Error(`request ${n} answered ${response.status}: ${JSON.stringify(body).slice(0, 300)}`);
      return { deploymentId: body.deploymentId!, sentAt };
    },
    async stop() {
      await consumer.disconnect();
      const statements = postgres ? await statementsReport(layout.databaseUrl, (profiled = closed.size)) : '';
      await Promise.all(processes.map((p) => p.stop()));
      await broker.stop();
      await postgres?.destroy();
      if (PROFILE_DIR) writeProfileReport(PROFILE_DIR, profiled, statements, measuring);
    },
  };
}

/**
 * How many events records' ledger holds per deployment, fewest and most: every deployment of the run has the same
 * lifecycle, so fewer than the most means an event did not arrive (the ledger's unique event id rules out twice).
 */
async function ledgeredEvents(url: string, deploymentIds: readonly string[]): Promise<{ fewest: number; most: number; missing: number }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(l.event_id)::int AS n FROM unnest($1::text[]) AS d(id) LEFT JOIN records.ledger l ON l.deployment_id = d.id GROUP BY d.id`,
      [deploymentIds],
    );
    const counts = rows.map((r) => r.n);
    const most = Math.max(0, ...counts);
    return { fewest: Math.min(...counts), most, missing: counts.reduce((sum, n) => sum + (most - n), 0) };
  } finally {
    await client.end();
  }
}

/**
 * How far records' ledger trailed the events: for each entry of the run's deployments, its time in the ledger
 * (records' clock when it appended it) less the event's time (the clock of the service that recorded it), in ms.
 */
async function ledgerLag(url: string, deploymentIds: readonly string[]): Promise<{ p50Ms: number; p99Ms: number; maxMs: number; entries: number }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ p50: number; p99: number; max: number; n: number }>(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY lag) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY lag) AS p99, max(lag) AS max, count(*)::int AS n
       FROM (SELECT extract(epoch FROM l.recorded_at - (l.event->>'time')::timestamptz) * 1000 AS lag FROM records.ledger l WHERE l.deployment_id = ANY($1::text[])) AS lags`,
      [deploymentIds],
    );
    const { p50, p99, max, n } = rows[0]!;
    return { p50Ms: Math.round(Number(p50)), p99Ms: Math.round(Number(p99)), maxMs: Math.round(Number(max)), entries: n };
  } finally {
    await client.end();
  }
}

const waitFor = async (condition: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  return condition();
};

export const lifecycleLatency: Benchmark = {
  name: 'lifecycle-latency',
  title: 'one deployment through the whole lifecycle (five processes, Kafka, simulated executor without delay), one at a time',
  goal: 'p50 ≤ 250 ms, p99 ≤ 1 s',
  async run(context): Promise<BenchmarkResult> {
    const installation = await install(context);
    try {
      const latencies: number[] = [];
      const count = Number(process.env.BENCH_LIFECYCLES ?? 50);
      let measured = installation.measure();
      for (let n = 0; n < count + 3; n++) {
        const { deploymentId, sentAt } = await installation.request(n);
        if (!(await waitFor(() => installation.closed.has(deploymentId), 30_000))) throw new Error(`deployment ${n} did not close within 30 s`);
        if (n >= 3) latencies.push(installation.closed.get(deploymentId)!.at - sentAt); // the first three warm up
        if (n === 2) measured = installation.measure();
      }
      const cpu = measured(count);
      latencies.sort((a, b) => a - b);
      const p50 = percentile(latencies, 50);
      const p99 = percentile(latencies, 99);
      context.log(`  ${count} lifecycles: p50 ${p50} ms, p90 ${percentile(latencies, 90)} ms, p99 ${p99} ms`);
      context.log(`  CPU ms per deployment: ${JSON.stringify(cpu)}`);
      return {
        unit: 'ms from POST /deployments to DeploymentRecordClosed',
        measured: { lifecycle: { p50Ms: p50, p90Ms: percentile(latencies, 90), p99Ms: p99, deployments: count }, cpuMsPerDeployment: cpu },
        ratios: { 'p50 ms': p50, 'p99 ms': p99 },
        met: p50 <= 250 && p99 <= 1000,
      };
    } finally {
      await installation.stop();
    }
  },
};

/** What a sustained load gave: the benchmark's measurements, and whether the throughput benchmark's goal was met. */
interface Sustained {
  measured: {
    sustained: { perSecond: number; refused: number; requested: number; closed: number; lost: number; duplicated: number; p50Ms: number; p99Ms: number; offeredPerSecond: number };
    ledgeredEventsPerDeployment: { fewest: number; most: number; missing: number };
    ledgerLag: { p50Ms: number; p99Ms: number; maxMs: number; entries: number };
    cpuMsPerDeployment: Record<string, number>;
    idleCpuMsPerSecond: Record<string, number>;
  };
  /** every deployment closed once, nothing refused, none missing from the ledger */
  complete: boolean;
}

/** A load: deployments requested `rate` a second for `seconds`, numbered from `first` (each number its own change and service). */
interface Load {
  rate: number;
  seconds: number;
  first: number;
}

const offered = (): Load => ({ rate: Number(process.env.BENCH_LIFECYCLE_RATE ?? 50), seconds: Number(process.env.BENCH_LIFECYCLE_SECONDS ?? 20), first: 1_000_000 });

/** Of the rate an installation sustained, the share at which its ledger's lag is measured: at all of it, queues only grow. */
const KEPT_UP_SHARE = 0.8;

/**
 * Deployments requested at a rate (an open loop; by default BENCH_LIFECYCLE_RATE a second for BENCH_LIFECYCLE_SECONDS), then the backlog
 * drained: how many closed a second, lost or closed twice, the CPU per deployment and records' ledger lag.
 */
async function sustain(installation: Installation, context: BenchmarkContext, load: Load = offered()): Promise<Sustained> {
  const { rate, seconds, first } = load;
  const sent: { deploymentId: string; sentAt: number }[] = [];
  const refused: string[] = [];
  // what the installation costs doing nothing (consumers polling, timers), to tell it from the cost of the work
  const idleBefore = installation.cpu();
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
  const idle = cpuPer(idleBefore, installation.cpu(), IDLE_MS / 1000);
  context.log(`  CPU ms per second idle: ${JSON.stringify(idle)}`);
  const measured = installation.measure();
  const started = Date.now();
  const inFlight: Promise<void>[] = [];
  for (let n = 0; Date.now() < started + seconds * 1000; n++) {
    const due = started + (n * 1000) / rate;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    inFlight.push(
      installation.request(first + n).then(
        (r) => void sent.push(r),
        (error: Error) => void refused.push(error.message),
      ),
    );
  }
  await Promise.all(inFlight);
  if (refused.length > 0) context.log(`  ${refused.length} requests refused, e.g. ${refused[0]}`);
  const closedOf = (s: { deploymentId: string }) => installation.closed.get(s.deploymentId);
  // the backlog drains at the installation's pace: wait while deployments keep closing; one that never closes is lost
  let allClosed = false;
  for (let closedBefore = -1; !allClosed && installation.closed.size > closedBefore; ) {
    closedBefore = installation.closed.size;
    allClosed = await waitFor(() => sent.every((s) => installation.closed.has(s.deploymentId)), 30_000);
  }
  const closes = sent.map((s) => closedOf(s)?.at).filter((t): t is number => t !== undefined);
  // per deployment of this load (an installation may have closed others before)
  const cpu = measured(Math.max(1, closes.length));
  const lost = sent.length - closes.length;
  const duplicated = sent.filter((s) => (closedOf(s)?.events.size ?? 0) > 1).length;
  const ids = sent.map((s) => s.deploymentId);
  // events that follow the record's closing (the window released, the model's outcome) reach the ledger a little later
  let ledgered = await ledgeredEvents(installation.databaseUrl, ids);
  for (const settleBy = Date.now() + 30_000; ledgered.missing > 0 && Date.now() < settleBy; ) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    ledgered = await ledgeredEvents(installation.databaseUrl, ids);
  }
  const elapsed = (Math.max(...closes) - started) / 1000;
  const perSecond = round(closes.length / elapsed, 1);
  const latencies = sent.map((s) => (closedOf(s)?.at ?? NaN) - s.sentAt).filter(Number.isFinite).sort((a, b) => a - b);
  context.log(`  offered ${rate}/s for ${seconds} s: ${sent.length} requested, ${closes.length} closed in ${round(elapsed, 1)} s (${perSecond}/s), lost ${lost}, duplicated ${duplicated}; latency p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms`);
  context.log(`  CPU ms per closed deployment: ${JSON.stringify(cpu)}`);
  context.log(`  events in records' ledger per deployment: ${JSON.stringify(ledgered)}`);
  const lag = await ledgerLag(installation.databaseUrl, ids);
  context.log(`  records' ledger behind the events: ${JSON.stringify(lag)}`);
  return {
    measured: {
      sustained: { perSecond, refused: refused.length, requested: sent.length, closed: closes.length, lost, duplicated, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), offeredPerSecond: rate },
      ledgeredEventsPerDeployment: ledgered,
      ledgerLag: lag,
      cpuMsPerDeployment: cpu,
      idleCpuMsPerSecond: idle,
    },
    complete: allClosed && refused.length === 0 && lost === 0 && duplicated === 0 && ledgered.missing === 0,
  };
}

export const lifecycleThroughput: Benchmark = {
  name: 'lifecycle-throughput',
  title: 'sustained full lifecycles on this machine (all five services, Kafka and PostgreSQL on the same 2 cores)',
  goal: '≥ 50 deployments/s, zero lost or duplicated, records\' ledger p99 ≤ 2 s behind the events at 80 % of the rate sustained',
  async run(context): Promise<BenchmarkResult> {
    const installation = await install(context);
    try {
      const { measured, complete } = await sustain(installation, context);
      const { perSecond, lost, duplicated } = measured.sustained;
      // offered more than it can do, the installation's backlog is what the ledger lags by: its lag is measured again
      // at a rate it keeps up with
      const keptUp: Load = { ...offered(), rate: Math.max(1, Math.floor(KEPT_UP_SHARE * perSecond)), first: 2_000_000 };
      context.log(`  then ${keptUp.rate}/s for ${keptUp.seconds} s, ${KEPT_UP_SHARE * 100} % of what it sustained:`);
      const atKeptUp = await sustain(installation, context, keptUp);
      const kept = atKeptUp.measured;
      return {
        unit: 'deployments/s',
        measured: {
          ...measured,
          atKeptUpRate: { offeredPerSecond: keptUp.rate, closedPerSecond: kept.sustained.perSecond, lost: kept.sustained.lost, duplicated: kept.sustained.duplicated, ledgerLag: kept.ledgerLag, cpuMsPerDeployment: kept.cpuMsPerDeployment },
        },
        ratios: {
          'closed per s': perSecond,
          lost: lost + kept.sustained.lost,
          duplicated: duplicated + kept.sustained.duplicated,
          'events missing from the ledger': measured.ledgeredEventsPerDeployment.missing + kept.ledgeredEventsPerDeployment.missing,
          [`ledger lag p99 ms at ${KEPT_UP_SHARE * 100} % of that rate`]: kept.ledgerLag.p99Ms,
          [`ledger lag p99 ms, offered ${measured.sustained.offeredPerSecond}/s`]: measured.ledgerLag.p99Ms,
        },
        met: complete && atKeptUp.complete && perSecond >= 50 && kept.ledgerLag.p99Ms <= 2_000,
      };
    } finally {
      await installation.stop();
    }
  },
};

/**
 * The same sustained load on one and on two replicas of every service, one after the other in one run, each
 * installation on a database and topics of its own. On this machine's two cores a second replica cannot add speed:
 * what it shows is that replicas lose and repeat nothing, and what they cost (more processes, consumers and polls
 * sharing the same cores; optimistic appends that race and retry).
 */
export const lifecycleReplicas: Benchmark = {
  name: 'lifecycle-replicas',
  title: 'sustained full lifecycles with one and with two replicas of every service (five or ten processes, Kafka and PostgreSQL on the same 2 cores)',
  goal: 'both: zero lost or duplicated, every event in the ledger; two replicas ≥ 0.7× the deployments/s of one (on 2 cores a replica adds processes, not cores)',
  async run(context): Promise<BenchmarkResult> {
    const runs: Record<string, Sustained> = {};
    for (const replicas of [1, 2]) {
      context.log(`  ${replicas} replica${replicas > 1 ? 's' : ''} of every service:`);
      const database = await createTestDatabase('gantry_bench_replicas');
      try {
        const installation = await install(context, { replicas, databaseUrl: database.url });
        try {
          runs[replicas] = await sustain(installation, context);
        } finally {
          await installation.stop();
        }
      } finally {
        await database.drop();
      }
    }
    const [one, two] = [runs[1]!.measured, runs[2]!.measured];
    const figures = ({ sustained, ledgeredEventsPerDeployment, ledgerLag, cpuMsPerDeployment, idleCpuMsPerSecond }: Sustained['measured']) => ({
      closedPerSecond: sustained.perSecond,
      requested: sustained.requested,
      lost: sustained.lost,
      duplicated: sustained.duplicated,
      missingFromLedger: ledgeredEventsPerDeployment.missing,
      ledgerLagP99Ms: ledgerLag.p99Ms,
      cpuMsPerDeployment: cpuMsPerDeployment.total,
      idleCpuMsPerSecond: idleCpuMsPerSecond.total,
    });
    const throughput = round(two.sustained.perSecond / one.sustained.perSecond, 2);
    const cpu = round(two.cpuMsPerDeployment.total / one.cpuMsPerDeployment.total, 2);
    return {
      unit: 'deployments/s',
      measured: {
        oneReplica: figures(one),
        twoReplicas: figures(two),
        cpuMsPerDeployment: { oneReplica: one.cpuMsPerDeployment, twoReplicas: two.cpuMsPerDeployment },
        idleCpuMsPerSecond: { oneReplica: one.idleCpuMsPerSecond, twoReplicas: two.idleCpuMsPerSecond },
      },
      ratios: {
        'two ÷ one replica, closed per s': throughput,
        'two ÷ one replica, CPU per deployment': cpu,
        'two ÷ one replica, idle CPU': round(two.idleCpuMsPerSecond.total / one.idleCpuMsPerSecond.total, 2),
        'lost or duplicated': one.sustained.lost + one.sustained.duplicated + two.sustained.lost + two.sustained.duplicated,
      },
      met: runs[1]!.complete && runs[2]!.complete && throughput >= 0.7,
    };
  },
};

/**
 * What the installation costs doing nothing: the five services as processes and the broker (the lifecycle
 * benchmarks' installation), after the consumers have joined and the first sweeps are done, over rounds of
 * `BENCH_DURATION_MS` (at least 10 s: CPU is read in 10 ms ticks); also its database's PostgreSQL backends.
 */
export const idleInstallation: Benchmark = {
  name: 'idle-installation',
  title: 'an idle installation: the five services as processes and the broker, nothing to do',
  goal: '≤ 0.1 cores (100 CPU ms per second) across the services and the broker',
  async run(context): Promise<BenchmarkResult> {
    const installation = await install(context);
    const observer = new Client({ connectionString: installation.databaseUrl });
    await observer.connect();
    try {
      await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));
      const seconds = Math.max(context.durationMs, 10_000) / 1000;
      const rounds: Record<string, number>[] = [];
      const profiled = installation.measure(); // the window BENCH_PROFILE's report counts
      for (let r = 0; r < context.rounds; r++) {
        const before = installation.cpu();
        const postgresUsed = await backendsCpuFrom((text, params) => observer.query<{ pid: number }>(text, params));
        await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
        const after = installation.cpu();
        const { 'bench driver': _driver, total: _total, ...processes } = cpuPer(before, after, seconds);
        const postgres = (await postgresUsed()) / seconds;
        const services = Object.values(processes).reduce((a, b) => a + b, 0);
        rounds.push({ ...processes, 'services and broker': round(services, 1), postgres: round(postgres, 1) });
        context.log(`  round ${r + 1}, CPU ms per second idle: ${JSON.stringify(rounds.at(-1))}`);
      }
      profiled(1);
      const middle = [...rounds].sort((a, b) => a['services and broker'] - b['services and broker'])[Math.floor(rounds.length / 2)]!;
      const cores = round(middle['services and broker'] / 1000, 3);
      return {
        unit: 'CPU ms per second idle',
        measured: { cpuMsPerSecond: middle, seconds, rounds: rounds.length },
        ratios: { 'cores (services and broker)': cores, 'cores with PostgreSQL': round((middle['services and broker'] + middle.postgres) / 1000, 3) },
        met: cores <= 0.1,
      };
    } finally {
      await observer.end();
      await installation.stop();
    }
  },
};

/** `<dir>/profile.md`: the statements and each service's hottest code (the CPU per process is in the benchmark's result). */
function writeProfileReport(dir: string, deployments: number, statements: string, measuring: { from?: number; to?: number }): void {
  mkdirSync(dir, { recursive: true });
  const sections = SERVICES.map((service) => {
    const summary = summariseProfiles(join(dir, service), repoRoot, measuring);
    const share = (ms: number) => `${ms} ms (${Math.round((ms / Math.max(1, summary.totalMs)) * 100)} %)`;
    return [
      `### ${service}: ${summary.totalMs} ms of samples (not idle)`,
      '',
      '| by owner | self time |',
      '| --- | --- |',
      ...summary.byOwner.map(([k, v]) => `| ${k} | ${share(v)} |`),
      '',
      '| by function | self time |',
      '| --- | --- |',
      ...summary.byFunction.map(([k, v]) => `| \`${k.replace(/\|/g, '\\|')}\` | ${share(v)} |`),
      '',
    ].join('\n');
  });
  writeFileSync(
    join(dir, 'profile.md'),
    [`# Profile of ${deployments} deployments`, '', '## PostgreSQL statements by total time', '', statements, '', '## CPU profiles of the services', '', ...sections].join('\n'),
  );
}
