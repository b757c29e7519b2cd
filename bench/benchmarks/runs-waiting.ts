import { randomUUID } from 'node:crypto';
import { SAMPLE_PAYLOADS, SERVICE_TOPICS, type EventPayloads } from '@gantry/contracts';
import { Database } from '@gantry/event-store';
import { ExecutionModule } from '@gantry/execution';
import { boot, type RunningProcess } from '@gantry/platform';
import { eventually, serviceEvent } from '@gantry/testing';
import { median, round } from '../measure';
import { backendsCpuFrom } from '../profile';
import type { Benchmark, BenchmarkResult } from '../benchmark';

/**
 * What deployments waiting for their windows cost execution while nothing happens: execution as it runs (its
 * consumers on the in-process bus, the run driver's sweeps, the due-timer poller) on a database with no runs, and on
 * one with `BENCH_WAITING_RUNS` (10,000) runs planned and verified for a window tomorrow. Each round boots execution
 * on one, lets it settle, and measures the CPU its process and the database's backends use per second of idling
 * (utime + stime from /proc; at least 15 s a round: CPU is read in 10 ms ticks), then the same on the other.
 */
const WAITING = Number(process.env.BENCH_WAITING_RUNS ?? 10_000);
const SETTLE_MS = 5_000;

const bootExecution = (databaseUrl: string) =>
  boot('execution', {
    modules: (runtime) => [ExecutionModule.register(runtime)],
    env: { DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', GANTRY_JWT_SECRET: 'runs-waiting-bench-secret-long-enough!!', LOG_LEVEL: 'error' },
  });

/** A planning or verification event onto execution's in-process bus, as that service publishes it. */
async function publish<N extends keyof EventPayloads>(execution: RunningProcess, service: 'planning' | 'verification', name: N, data: EventPayloads[N]): Promise<void> {
  const event = serviceEvent(service, name, data);
  await execution.runtime.bus.produce(SERVICE_TOPICS[service], [{ key: event.subject ?? null, value: JSON.stringify(event), headers: {} }]);
}

/** `count` runs planned, their components and environment verified, waiting for a window that opens tomorrow. */
async function fill(databaseUrl: string, count: number, log: (line: string) => void): Promise<void> {
  const execution = await bootExecution(databaseUrl);
  try {
    const started = performance.now();
    const tomorrow = Date.now() + 86_400_000;
    for (let i = 0; i < count; i++) {
      const deploymentId = randomUUID();
      const window = { start: new Date(tomorrow + (i % 600) * 60_000).toISOString(), end: new Date(tomorrow + (i % 600) * 60_000 + 3_600_000).toISOString() };
      const plan = { ...SAMPLE_PAYLOADS.DeploymentPlanned, deploymentId, changeId: `CHG${String(i).padStart(7, '0')}`, window };
      await publish(execution, 'planning', 'DeploymentPlanned', plan);
      await publish(execution, 'verification', 'ComponentsVerified', { ...SAMPLE_PAYLOADS.ComponentsVerified, deploymentId });
      await publish(execution, 'verification', 'TargetEnvironmentVerified', { ...SAMPLE_PAYLOADS.TargetEnvironmentVerified, deploymentId, environment: plan.environment });
    }
    const waiting = async () => Number((await execution.runtime.db.query<{ n: string }>(`SELECT count(*)::text AS n FROM execution.active_runs WHERE NOT step_pending`)).rows[0]!.n);
    await eventually(async () => (await waiting()) >= count, { timeoutMs: 3_600_000, intervalMs: 1_000, what: `${count} runs to wait for their windows` });
    log(`  ${count} runs waiting for their windows in ${round((performance.now() - started) / 1000, 1)} s`);
  } finally {
    await execution.stop();
  }
}

/** CPU ms per second of the execution process (this one) and of every backend of its database, idling `durationMs`. */
async function idle(databaseUrl: string, durationMs: number): Promise<{ processMsPerS: number; postgresMsPerS: number }> {
  const execution = await bootExecution(databaseUrl);
  const observer = Database.connect(databaseUrl, { max: 1 });
  try {
    // the first sweeps (the full one at start) and the consumers' joining are not idling
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const postgresUsed = await backendsCpuFrom((text, params) => observer.query<{ pid: number }>(text, params));
    const processBefore = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    const used = process.cpuUsage(processBefore);
    const postgresMs = await postgresUsed();
    const seconds = durationMs / 1000;
    return { processMsPerS: (used.user + used.system) / 1000 / seconds, postgresMsPerS: postgresMs / seconds };
  } finally {
    await observer.close();
    await execution.stop();
  }
}

export const runsWaitingIdle: Benchmark = {
  name: 'runs-waiting-idle',
  title: `execution idle with ${WAITING.toLocaleString('en')} runs waiting for their windows`,
  goal: 'execution with every run waiting costs within 10 % of execution with none (CPU of the process and of PostgreSQL per second; issue #21)',
  async run(context): Promise<BenchmarkResult> {
    const url = new URL(context.databaseUrl);
    const noneName = `${url.pathname.slice(1)}_none`;
    url.pathname = `/${noneName}`;
    const none = url.toString();
    const admin = Database.connect(context.databaseUrl, { max: 1 });
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${noneName}"`);
      await admin.query(`CREATE DATABASE "${noneName}"`);
      await fill(context.databaseUrl, WAITING, context.log);
      // an empty execution: migrated by its first boot
      await (await bootExecution(none)).stop();
      const durationMs = Math.max(context.durationMs, 15_000);
      const empty: Awaited<ReturnType<typeof idle>>[] = [];
      const waiting: Awaited<ReturnType<typeof idle>>[] = [];
      for (let r = 0; r < context.rounds; r++) {
        empty.push(await idle(none, durationMs));
        waiting.push(await idle(context.databaseUrl, durationMs));
        context.log(`  round ${r + 1}: none ${round(empty.at(-1)!.processMsPerS)} + ${round(empty.at(-1)!.postgresMsPerS)} ms/s, waiting ${round(waiting.at(-1)!.processMsPerS)} + ${round(waiting.at(-1)!.postgresMsPerS)} ms/s (process + PostgreSQL)`);
      }
      const summary = (runs: typeof empty) => ({
        processCpuMsPerSecond: round(median(runs.map((x) => x.processMsPerS)), 3),
        postgresCpuMsPerSecond: round(median(runs.map((x) => x.postgresMsPerS)), 3),
      });
      const [a, b] = [summary(empty), summary(waiting)];
      const total = (s: typeof a) => s.processCpuMsPerSecond + s.postgresCpuMsPerSecond;
      const ratio = round(total(b) / total(a), 2);
      return {
        unit: 'CPU ms per second idle',
        measured: { waitingRuns: WAITING, none: a, waiting: b },
        ratios: { 'waiting vs none': ratio },
        met: ratio <= 1.1,
        notes: 'the frequent sweep asks only for runs with an executor step in flight; the full one (every 15 s) only for runs changed since they were last driven',
      };
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS "${noneName}"`).catch(() => undefined);
      await admin.close();
    }
  },
};
