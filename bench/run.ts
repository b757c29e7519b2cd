import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { round } from './measure';
import { createTestDatabase } from '@gantry/testing';
import type { Benchmark, BenchmarkContext, BenchmarkResult } from './benchmark';
import { batchAppends, commandAppends, replay, streamReads } from './benchmarks/event-store';
import { ledgerAppends, ledgerProofsAndVerification } from './benchmarks/ledger';
import { idleInstallation, lifecycleLatency, lifecycleReplicas, lifecycleThroughput } from './benchmarks/lifecycle';
import { monitoringIdle } from './benchmarks/monitoring';
import { runsWaitingIdle } from './benchmarks/runs-waiting';
import { readModels } from './benchmarks/read-models';
import { restReads } from './benchmarks/rest-reads';
import { startup } from './benchmarks/startup';
import { inclusionProof, offlineVerification } from './benchmarks/transparency-log';
import { ensureLedgerKey } from './ledger-key';

/**
 * `npm run bench [-- <name> …]`: runs the benchmarks (all, or the named ones) on a fresh database and writes
 * bench/results/latest.json and bench/results/latest.md (a run of some benchmarks replaces theirs and keeps the others'
 * results, each with the machine and time it was measured on). Settings: BENCH_ROUNDS (3), BENCH_DURATION_MS (5000),
 * BENCH_REPLAY_EVENTS (1000000), BENCH_LIFECYCLES (50), BENCH_LIFECYCLE_RATE (50), BENCH_LIFECYCLE_SECONDS (20),
 * BENCH_RECORDED_DEPLOYMENTS (10000), BENCH_READ_RATE (1000), BENCH_READ_CONNECTIONS (10), BENCH_READ_SECONDS (20),
 * BENCH_TLOG_ENTRIES (1000000), BENCH_TLOG_PROOFS (10000), BENCH_LEDGER_ENTRIES (1000000).
 */
const BENCHMARKS: Benchmark[] = [
  commandAppends,
  batchAppends,
  streamReads,
  replay,
  lifecycleLatency,
  lifecycleThroughput,
  lifecycleReplicas,
  idleInstallation,
  restReads,
  startup,
  inclusionProof,
  offlineVerification,
  readModels,
  monitoringIdle,
  runsWaitingIdle,
  ledgerAppends,
  ledgerProofsAndVerification,
];

type Machine = Awaited<ReturnType<typeof machine>>;
type Measured = BenchmarkResult & { name: string; title: string; goal: string; machine?: Machine };

async function machine() {
  const client = new Client({ connectionString: process.env.GANTRY_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' });
  await client.connect();
  const postgres = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
  await client.end();
  return { cores: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, postgres, at: new Date().toISOString(), commit: commit(), loadAverage: round(loadavg()[0], 2) };
}

/** the commit measured, marked when the checkout has changes besides the results */
function commit(): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: join(__dirname, '..'), encoding: 'utf8' }).trim();
  try {
    const changed = git('status', '--porcelain', '--', '.', ':!bench/results').length > 0;
    return `${git('rev-parse', '--short=12', 'HEAD')}${changed ? ' with uncommitted changes' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

async function main() {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !BENCHMARKS.some((b) => b.name === name));
  if (unknown.length) throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  const selected = wanted.length ? BENCHMARKS.filter((b) => wanted.includes(b.name)) : BENCHMARKS;
  ensureLedgerKey();
  const facts = await machine();
  const results: Measured[] = [];
  for (const benchmark of selected) {
    const database = await createTestDatabase('gantry_bench');
    const context: BenchmarkContext = {
      databaseUrl: database.url,
      rounds: Number(process.env.BENCH_ROUNDS ?? 3),
      durationMs: Number(process.env.BENCH_DURATION_MS ?? 5000),
      replayEvents: Number(process.env.BENCH_REPLAY_EVENTS ?? 1_000_000),
      log: (line) => console.log(line),
    };
    console.log(`${benchmark.name}: ${benchmark.title}`);
    try {
      const result = await benchmark.run(context);
      results.push({ name: benchmark.name, title: benchmark.title, goal: benchmark.goal, machine: facts, ...result });
      console.log(`  → ${JSON.stringify(result.ratios)} goal ${benchmark.goal}: ${result.met ? 'met' : 'MISSED'}`);
    } finally {
      await database.drop();
    }
  }
  const dir = join(__dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'latest.json');
  const earlier = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { machine: Machine; results: Measured[] }) : { machine: facts, results: [] };
  const kept = earlier.results.filter((r) => !results.some((now) => now.name === r.name)).map((r) => ({ ...r, machine: r.machine ?? earlier.machine }));
  const all = BENCHMARKS.flatMap((b) => [...kept, ...results].filter((r) => r.name === b.name));
  writeFileSync(file, `${JSON.stringify({ machine: facts, results: all }, null, 2)}\n`);
  const rows = all.map((r) => `| ${r.title}${r.machine && r.machine.at !== facts.at ? ` (measured ${r.machine.at}${r.machine.commit ? ` at ${r.machine.commit}` : ''}, Node ${r.machine.node})` : ''} | ${r.goal} | ${Object.entries(r.ratios).map(([k, v]) => `${k} = ${v}`).join('; ')} | ${summary(r)} | ${r.met ? 'met' : 'missed'} |`);
  const markdown = [
    `Run ${facts.at} of ${facts.commit} on ${facts.cores} cores (${facts.cpu}; load average ${facts.loadAverage} at the start), ${facts.memoryGiB} GiB, Node ${facts.node}, PostgreSQL ${facts.postgres}.`,
    '',
    '| benchmark | goal | measured ratio | figures (median of rounds) | goal |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'latest.md'), markdown);
  console.log(`\n${markdown}`);
}

const summary = (r: BenchmarkResult) =>
  Object.entries(r.measured)
    .map(([name, m]) => {
      if (typeof m !== 'object' || m === null) return `${name} ${String(m)}`;
      const t = m as { perSecond?: number; p50Ms?: number; p99Ms?: number };
      if (t.perSecond !== undefined) return `${name} ${t.perSecond} ${r.unit}`;
      if (t.p50Ms !== undefined) return `${name} p50 ${t.p50Ms} ms, p99 ${t.p99Ms} ms`;
      return `${name}: ${Object.entries(m).map(([k, v]) => `${k} ${figure(v)}`).join(', ')}`;
    })
    .join('; ');

/** a figure as the table shows it: an object's own figures in parentheses */
const figure = (value: unknown): string =>
  typeof value === 'object' && value !== null ? `(${Object.entries(value).map(([k, v]) => `${k} ${figure(v)}`).join(', ')})` : String(value);

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
