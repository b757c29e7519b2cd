import { cpus } from 'node:os';
import autocannon from 'autocannon';
import { Client } from 'pg';
import { mintToken } from '@gantry/auth';
import { childEnv, startGantryProcess, type GantryProcess } from '../../e2e/support/processes';
import { percentile, round } from '../measure';
import type { Benchmark, BenchmarkResult } from '../benchmark';
import { cpuMsOf, machineCpuMs } from '../profile';
import { recordDeployments, type RecordedDeployments } from './recorded-deployments';

/**
 * Auditors' reads of deployment records under load: records as its own process (PostgreSQL, the in-process bus: it has
 * nothing to consume here) over `BENCH_RECORDED_DEPLOYMENTS` closed deployments, driven by autocannon at a fixed
 * rate with an auditor's token. Nine requests in ten are one deployment's history (`GET /audit/deployments/:id`, a
 * random recorded deployment: about 17 kB of JSON), the rest the list queries of an audit screen: the newest page, the
 * next, by environment, service, outcome, change, a week of requests. Measured after a 5 s warm-up at the same rate.
 */
const SECRET = 'bench-secret-long-enough-for-hs256-tokens';
const GOAL = { p99Ms: 20, perSecond: 1_000 };
/** one request in LIST_SHARE is a list query */
const LIST_SHARE = 0.1;
/**
 * The share of the goal's rate that must be answered. autocannon keeps a rate by giving each connection a quota per
 * second, sent back to back as soon as the second starts: the answered rate falls short when the service cannot answer
 * the quota within the second.
 */
const ACHIEVED_AT_LEAST = 0.98;

type Kind = 'history' | 'list';

/** The requests' order: a seeded generator (mulberry32), so that runs ask for the same mix. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

function auditReads(recorded: RecordedDeployments, nextPageCursor: string) {
  const random = seeded(20261201);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)];
  const from = Date.parse(recorded.requested.from);
  const span = Date.parse(recorded.requested.to) - from;
  const lists = [
    () => '/audit/deployments',
    () => `/audit/deployments?cursor=${nextPageCursor}`,
    () => `/audit/deployments?environment=${pick(recorded.environments)}`,
    () => `/audit/deployments?service=${pick(recorded.services)}`,
    () => `/audit/deployments?outcome=${pick(['failed', 'rolled-back', 'rejected'])}&limit=20`,
    () => `/audit/deployments?environment=production&outcome=succeeded&limit=20`,
    () => `/audit/deployments?changeId=${pick(recorded.changeIds)}`,
    () => {
      const start = from + Math.floor(random() * (span - 7 * 86_400_000));
      return `/audit/deployments?from=${new Date(start).toISOString()}&to=${new Date(start + 7 * 86_400_000).toISOString()}`;
    },
  ];
  return (): { kind: Kind; path: string } =>
    random() < LIST_SHARE ? { kind: 'list', path: pick(lists)() } : { kind: 'history', path: `/audit/deployments/${pick(recorded.deploymentIds)}` };
}

interface Load {
  rate: number;
  connections: number;
  durationMs: number;
}

interface LoadResult {
  /** every answered request's latency in ms, by kind */
  latencies: Record<Kind, number[]>;
  perSecond: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

/**
 * One autocannon run. Latencies are taken from every response (autocannon's own histogram keeps whole milliseconds,
 * and its coordinated-omission correction assumes an interval of 1 ms whatever the rate, so it is off).
 */
async function drive(url: string, token: string, next: () => { kind: Kind; path: string }, load: Load): Promise<LoadResult> {
  const latencies: Record<Kind, number[]> = { history: [], list: [] };
  let answered: Kind = 'history';
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: load.connections,
        ...(load.rate > 0 ? { overallRate: load.rate, ignoreCoordinatedOmission: true } : {}),
        duration: load.durationMs / 1000,
        headers: { authorization: `Bearer ${token}` },
        requests: [
          {
            method: 'GET',
            setupRequest: (request, context) => {
              const { kind, path } = next();
              (context as { kind?: Kind }).kind = kind;
              return { ...request, path };
            },
            // called just before the response event of the same request (same connection, same tick)
            onResponse: (_status, _body, context) => void (answered = (context as { kind: Kind }).kind),
          },
        ],
      },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies[answered].push(responseTime);
    });
  });
  const answeredCount = result['2xx'] + result.non2xx;
  return {
    latencies,
    perSecond: round(answeredCount / result.duration, 1),
    requests: answeredCount,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

const summary = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { requests: sorted.length, p50Ms: round(percentile(sorted, 50), 2), p90Ms: round(percentile(sorted, 90), 2), p99Ms: round(percentile(sorted, 99), 2), maxMs: round(sorted[sorted.length - 1] ?? NaN, 2) };
};

/**
 * Where the CPU went while `work` ran: records, the PostgreSQL backends of its database, this process (autocannon),
 * and everything else on the machine (other work sharing the cores makes the figures noisy).
 */
async function cpuDuring<T>(databaseUrl: string, recordsPid: number, work: () => Promise<T>) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const backends = (await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()')).rows.map((r) => r.pid);
    const sample = () => ({ records: cpuMsOf(recordsPid), postgres: backends.reduce((sum, pid) => sum + cpuMsOf(pid), 0), machine: machineCpuMs() });
    const before = sample();
    const ownBefore = process.cpuUsage();
    const result = await work();
    const own = process.cpuUsage(ownBefore);
    const after = sample();
    const records = after.records - before.records;
    const postgres = after.postgres - before.postgres;
    const loadGenerator = (own.user + own.system) / 1000;
    const elapsed = (after.machine.total - before.machine.total) / cpus().length;
    const otherCores = (after.machine.busy - before.machine.busy - records - postgres - loadGenerator) / elapsed;
    return { result, cpuMs: { records, postgres, loadGenerator }, otherCores: round(Math.max(0, otherCores), 2) };
  } finally {
    await client.end();
  }
}

/** Records as production runs it, a process of its own, on the filled database. */
const startRecords = (databaseUrl: string): Promise<GantryProcess> =>
  startGantryProcess(
    'records',
    'services/records/src/main.ts',
    childEnv({
      DATABASE_URL: databaseUrl,
      GANTRY_JWT_SECRET: SECRET,
      // one auditor's token sends every request: the per-identity limit would refuse most of them
      GANTRY_RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'error',
      // e.g. "--cpu-prof --cpu-prof-dir=/tmp/records-profile": where records spends its time under this load
      ...(process.env.BENCH_RECORDS_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_RECORDS_NODE_OPTIONS } : {}),
    }),
  );

/** The answers the load relies on, before it starts: a recorded deployment's history and the list's first page. */
async function expectRecorded(url: string, token: string, recorded: RecordedDeployments): Promise<string> {
  const get = async (path: string) => {
    const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    return response.json();
  };
  const history = (await get(`/audit/deployments/${recorded.deploymentIds[0]}`)) as { state: { phase: string }; projection: { phase: string }; history: unknown[] };
  if (history.state.phase !== 'closed' || history.projection.phase !== 'closed') throw new Error(`the first recorded deployment is not closed: ${JSON.stringify(history.state)}`);
  const page = (await get('/audit/deployments')) as { deployments: unknown[]; nextCursor: string | null };
  if (page.deployments.length !== 50 || !page.nextCursor) throw new Error(`the first page of the list holds ${page.deployments.length} records`);
  return page.nextCursor;
}

export const restReads: Benchmark = {
  name: 'rest-reads',
  title: 'REST reads of deployment records under load (records as its own process, autocannon at a fixed rate)',
  goal: `p99 ≤ ${GOAL.p99Ms} ms at ${GOAL.perSecond.toLocaleString('en')} req/s`,
  async run(context): Promise<BenchmarkResult> {
    const recorded = await recordDeployments(context.databaseUrl, Number(process.env.BENCH_RECORDED_DEPLOYMENTS ?? 10_000), context.log);
    return restReadsOn(context.databaseUrl, recorded, context.log);
  },
};

async function restReadsOn(databaseUrl: string, recorded: RecordedDeployments, log: (line: string) => void): Promise<BenchmarkResult> {
  const load: Load = {
    rate: Number(process.env.BENCH_READ_RATE ?? GOAL.perSecond),
    connections: Number(process.env.BENCH_READ_CONNECTIONS ?? 10),
    durationMs: Number(process.env.BENCH_READ_SECONDS ?? 20) * 1000,
  };
  const records = await startRecords(databaseUrl);
  try {
    const token = await mintToken(SECRET, { sub: 'bench.auditor', roles: ['auditor'] });
    const next = auditReads(recorded, await expectRecorded(records.url, token, recorded));
    await drive(records.url, token, next, { ...load, durationMs: 5_000 }); // warm-up: JIT, connection pool
    const { result: measured, cpuMs, otherCores } = await cpuDuring(databaseUrl, records.child.pid!, () => drive(records.url, token, next, load));
    const perRequest = (ms: number) => round(ms / Math.max(1, measured.requests), 3);
    const all = summary([...measured.latencies.history, ...measured.latencies.list]);
    const history = summary(measured.latencies.history);
    const list = summary(measured.latencies.list);
    const cpu = { recordsCpuMsPerRequest: perRequest(cpuMs.records), postgresCpuMsPerRequest: perRequest(cpuMs.postgres), autocannonCpuMsPerRequest: perRequest(cpuMs.loadGenerator), otherWorkCores: otherCores };
    const valid = measured.non2xx === 0 && measured.errors === 0 && measured.timeouts === 0;
    const keptUp = measured.perSecond >= ACHIEVED_AT_LEAST * GOAL.perSecond;
    log(
      `  offered ${load.rate || 'unlimited'} req/s on ${load.connections} connections for ${load.durationMs / 1000} s: ${measured.perSecond} req/s answered, non-2xx ${measured.non2xx}, errors ${measured.errors}; ` +
        `p50 ${all.p50Ms} ms, p90 ${all.p90Ms} ms, p99 ${all.p99Ms} ms (history p99 ${history.p99Ms} ms, list p99 ${list.p99Ms} ms); ` +
        `CPU per request: records ${cpu.recordsCpuMsPerRequest} ms, PostgreSQL ${cpu.postgresCpuMsPerRequest} ms, autocannon ${cpu.autocannonCpuMsPerRequest} ms; other work meanwhile ${otherCores} cores`,
    );
    return {
      unit: 'req/s',
      measured: {
        answered: { perSecond: measured.perSecond, offeredPerSecond: load.rate, connections: load.connections, seconds: load.durationMs / 1000, non2xx: measured.non2xx, errors: measured.errors, timeouts: measured.timeouts },
        reads: all,
        history,
        list,
        ...cpu,
        recordedDeployments: recorded.deploymentIds.length,
        ledgerEntries: recorded.ledgerEntries,
      },
      ratios: { 'p99 ms': all.p99Ms, 'answered per s': measured.perSecond, non2xx: measured.non2xx },
      met: valid && keptUp && all.p99Ms <= GOAL.p99Ms,
      ...(valid ? {} : { notes: `invalid run: ${measured.non2xx} non-2xx answers, ${measured.errors} errors, ${measured.timeouts} timeouts` }),
    };
  } finally {
    await records.stop();
  }
}
