import { randomUUID } from 'node:crypto';
import { Database, migrate } from '@gantry/event-store';
import { dueTimerMigrations, scheduleTimer, startDueTimers } from '@gantry/platform';
import { median, round, timeEach } from '../measure';
import { cpuMsOf } from '../profile';
import type { Benchmark, BenchmarkResult } from '../benchmark';

/**
 * What deployments in their monitoring period cost while nobody looks: verification keeps one due timer per period
 * (the next look), and its poller asks every 250 ms for timers that fell due. The same poller runs on a schema whose
 * timers table is empty and on one holding `BENCH_MONITORED` (10,000) periods' next looks, all due later (a week's
 * period, one look an hour), interleaved round by round; measured: the CPU the poller's process and its PostgreSQL
 * backend use per second of idling (utime + stime from /proc, the backend found by `pg_backend_pid()`; read in 10 ms
 * ticks, so each round idles at least 15 s), and the poller's query timed alone, 2,000 times on each schema.
 */
const MONITORED = Number(process.env.BENCH_MONITORED ?? 10_000);

async function idle(db: Database, schema: string, durationMs: number): Promise<{ processMsPerS: number; postgresMsPerS: number; polls: number }> {
  const backend = Number((await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid);
  let polls = 0;
  const countingDb = new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'query') {
        return (...args: Parameters<Database['query']>) => {
          polls++;
          return target.query(...args);
        };
      }
      return Reflect.get(target, property, receiver);
    },
  });
  const processBefore = process.cpuUsage();
  const postgresBefore = cpuMsOf(backend);
  const timers = startDueTimers({ db: countingDb, schema, handlers: {} });
  await new Promise((resolve) => setTimeout(resolve, durationMs));
  await timers.stop();
  const used = process.cpuUsage(processBefore);
  const seconds = durationMs / 1000;
  return { processMsPerS: (used.user + used.system) / 1000 / seconds, postgresMsPerS: (cpuMsOf(backend) - postgresBefore) / seconds, polls };
}

export const monitoringIdle: Benchmark = {
  name: 'monitoring-idle',
  title: `${MONITORED.toLocaleString('en')} deployments in their monitoring period, idle`,
  goal: 'the poller with every period waiting costs within 10 % of the poller with none (CPU of the process and of PostgreSQL per second; quality.md)',
  async run(context): Promise<BenchmarkResult> {
    // one connection: the backend whose CPU is read is the one the poller uses
    const db = Database.connect(context.databaseUrl, { max: 1 });
    try {
      for (const schema of ['bench_idle_none', 'bench_idle_monitored']) {
        await db.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
        await migrate(db, schema, dueTimerMigrations);
      }
      const week = Date.now() + 7 * 86_400_000;
      await db.transaction(async (tx) => {
        for (let i = 0; i < MONITORED; i++) {
          const deploymentId = randomUUID();
          // a week's period, one look an hour: the next look somewhere in the coming week
          await scheduleTimer(tx, 'bench_idle_monitored', { id: `monitoring-look:${deploymentId}`, kind: 'monitoring-look', dueAt: new Date(week - (i % 168) * 3_600_000), payload: { deploymentId, look: (i % 168) + 1 } });
        }
      });
      await db.query('VACUUM (ANALYZE) bench_idle_monitored.due_timers');
      context.log(`  ${MONITORED} monitoring periods waiting for their next look`);
      const durationMs = Math.max(context.durationMs, 15_000);
      const poll = (schema: string) => () => db.query(`SELECT timer_id, kind, due_at, payload, attempts FROM "${schema}".due_timers WHERE due_at <= $1 ORDER BY due_at, timer_id LIMIT 100`, [new Date().toISOString()]).then(() => undefined);
      const queryNone = await timeEach(2000, poll('bench_idle_none'));
      const queryMonitored = await timeEach(2000, poll('bench_idle_monitored'));
      const none: Awaited<ReturnType<typeof idle>>[] = [];
      const monitored: Awaited<ReturnType<typeof idle>>[] = [];
      for (let r = 0; r < context.rounds; r++) {
        none.push(await idle(db, 'bench_idle_none', durationMs));
        monitored.push(await idle(db, 'bench_idle_monitored', durationMs));
        context.log(`  round ${r + 1}: none ${round(none.at(-1)!.processMsPerS)} + ${round(none.at(-1)!.postgresMsPerS)} ms/s, monitored ${round(monitored.at(-1)!.processMsPerS)} + ${round(monitored.at(-1)!.postgresMsPerS)} ms/s (process + PostgreSQL)`);
      }
      const summary = (runs: typeof none) => ({
        processCpuMsPerSecond: round(median(runs.map((x) => x.processMsPerS)), 3),
        postgresCpuMsPerSecond: round(median(runs.map((x) => x.postgresMsPerS)), 3),
        pollsPerSecond: round(median(runs.map((x) => x.polls)) / (durationMs / 1000), 2),
      });
      const [a, b] = [summary(none), summary(monitored)];
      const total = (s: typeof a) => s.processCpuMsPerSecond + s.postgresCpuMsPerSecond;
      // CPU time is read in clock ticks (10 ms): below a tick per second the ratio is noise, so both get a tick's floor
      const tick = 10 / (durationMs / 1000);
      const ratio = round(Math.max(total(b), tick) / Math.max(total(a), tick), 2);
      return {
        unit: 'CPU ms per second idle',
        measured: { monitored: MONITORED, none: { ...a, pollQueryP50Ms: queryNone.p50Ms, pollQueryP99Ms: queryNone.p99Ms }, waiting: { ...b, pollQueryP50Ms: queryMonitored.p50Ms, pollQueryP99Ms: queryMonitored.p99Ms } },
        ratios: { 'waiting vs none': ratio, 'poll query p50 waiting vs none': round(queryMonitored.p50Ms / queryNone.p50Ms, 2) },
        met: ratio <= 1.1,
        notes: `one due timer per period; the poller's query reads the due_at index, so ${MONITORED} timers due later cost what none do`,
      };
    } finally {
      await db.close();
    }
  },
};
