import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { getPostgreSQLEventStore, type PostgresEventStore } from '@event-driven-io/emmett-postgresql';
import { SAMPLE_PAYLOADS } from '../../contracts/src/samples.fixture';
import { Database, EventStore, START, type EventMetadata, type NewEvent } from '@gantry/event-store';
import { median, round, runFor, timeEach, type Throughput } from '../measure';
import type { Benchmark, BenchmarkContext, BenchmarkResult } from '../benchmark';

/** What one command records: a realistic plan-sized payload (the contract's sample DeploymentPlanned, ~1.3 KB). */
const metadata: EventMetadata = { actor: { subject: 'bench', roles: ['change-manager'], channel: 'rest' }, correlationId: randomUUID() };
const payload = SAMPLE_PAYLOADS.DeploymentPlanned as unknown as Record<string, unknown>;
const events = (count: number): NewEvent[] => Array.from({ length: count }, () => ({ id: randomUUID(), type: 'DeploymentPlanned', data: payload, metadata }));

/** The ceiling: a plain table with the columns an event needs and no guarantees (no version check, no chain). */
const RAW_TABLE = `
  CREATE SCHEMA IF NOT EXISTS bench_raw;
  CREATE TABLE IF NOT EXISTS bench_raw.events (
    position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stream_id text NOT NULL,
    stream_version int NOT NULL,
    event_id uuid NOT NULL,
    event_type text NOT NULL,
    data jsonb NOT NULL,
    metadata jsonb NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
  )`;

/**
 * Where the rest of the cost is: the same raw rows into a table with the indexes Gantry's guarantees need (idempotency
 * by event id, one event per stream version, commit-safe reading order), still without the stream head and hashes.
 */
const GUARDED_TABLE = `
  CREATE TABLE IF NOT EXISTS bench_raw.guarded_events (
    position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
    stream_id text NOT NULL,
    stream_version int NOT NULL,
    event_id uuid NOT NULL UNIQUE,
    event_type text NOT NULL,
    data jsonb NOT NULL,
    metadata jsonb NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (stream_id, stream_version)
  );
  CREATE INDEX IF NOT EXISTS guarded_commit_order ON bench_raw.guarded_events (transaction_id, position)`;

/**
 * And the rest of the guarantees' rows, still without any JavaScript: each event's two hashes (constant text here,
 * no hashing) and the stream head row written in the same statement, as Gantry's append writes them.
 */
const HEADED_TABLES = `
  CREATE TABLE IF NOT EXISTS bench_raw.headed_events (LIKE bench_raw.guarded_events INCLUDING ALL, previous_hash text NOT NULL, hash text NOT NULL);
  CREATE TABLE IF NOT EXISTS bench_raw.streams (stream_id text PRIMARY KEY, version int NOT NULL, last_hash text NOT NULL)`;
const SOME_HASH = 'ab'.repeat(32);

const headedInsert = (streamId: string, batch: readonly NewEvent[]) => {
  const values: unknown[] = [streamId, batch.length, SOME_HASH];
  const rows = batch.map((event, i) => {
    values.push(i + 1, event.id, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata));
    const p = 3 + i * 5;
    return `($1, $${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $3, $3)`;
  });
  return {
    text: `WITH head AS (INSERT INTO bench_raw.streams (stream_id, version, last_hash) VALUES ($1, $2, $3) RETURNING version)
      INSERT INTO bench_raw.headed_events (stream_id, stream_version, event_id, event_type, data, metadata, previous_hash, hash) VALUES ${rows.join(', ')}`,
    values,
  };
};

/** `after`: the stream's version before these rows (a batch sent in parts) */
const rawInsert = (streamId: string, batch: readonly NewEvent[], table = 'events', after = 0) => {
  const values: unknown[] = [];
  const rows = batch.map((event, i) => {
    values.push(streamId, after + i + 1, event.id, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata));
    const p = i * 6;
    return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6})`;
  });
  return { text: `INSERT INTO bench_raw.${table} (stream_id, stream_version, event_id, event_type, data, metadata) VALUES ${rows.join(', ')}`, values };
};

interface Contestants {
  raw: Database;
  gantry: EventStore;
  emmett: PostgresEventStore;
  close(): Promise<void>;
}

async function contestants(context: BenchmarkContext, connections: number): Promise<Contestants> {
  const raw = Database.connect(context.databaseUrl, { max: connections });
  await raw.query(RAW_TABLE);
  await raw.query(GUARDED_TABLE);
  await raw.query(HEADED_TABLES);
  const gantryDb = Database.connect(context.databaseUrl, { max: connections });
  const gantry = new EventStore(gantryDb, 'bench_gantry');
  await gantry.migrate();
  // Emmett gets a pool of the same size as ours
  const emmettPool = new Pool({ connectionString: context.databaseUrl, max: connections });
  emmettPool.on('error', () => undefined);
  const emmett = getPostgreSQLEventStore(context.databaseUrl, { connectionOptions: { pooled: true, pool: emmettPool, connectionString: context.databaseUrl } });
  await emmett.appendToStream(`warmup-${randomUUID()}`, [{ type: 'DeploymentPlanned', data: payload }]);
  return {
    raw,
    gantry,
    emmett,
    close: async () => {
      await emmett.close();
      await emmettPool.end().catch(() => undefined);
      await gantryDb.close();
      await raw.close();
    },
  };
}

/** Rounds interleave the contestants so drift on a noisy machine hits each of them alike; the median round counts. */
async function rounds<K extends string>(context: BenchmarkContext, runs: Record<K, () => Promise<Throughput>>): Promise<Record<K, Throughput & { rounds: number[] }>> {
  const results = Object.fromEntries(Object.keys(runs).map((k) => [k, [] as Throughput[]])) as Record<K, Throughput[]>;
  for (let r = 0; r < context.rounds; r++) {
    for (const name of Object.keys(runs) as K[]) {
      const result = await runs[name]();
      results[name].push(result);
      context.log(`  round ${r + 1} ${name}: ${result.perSecond}/s (p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms)`);
    }
  }
  return Object.fromEntries(
    (Object.keys(results) as K[]).map((name) => {
      const all = results[name];
      const mid = [...all].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(all.length / 2)];
      return [name, { ...mid, perSecond: median(all.map((t) => t.perSecond)), rounds: all.map((t) => t.perSecond) }];
    }),
  ) as Record<K, Throughput & { rounds: number[] }>;
}

export const commandAppends: Benchmark = {
  name: 'appends',
  title: 'command-sized appends (1–3 events, a new stream each), 8 concurrent writers',
  goal: '≥ 0.8× raw INSERTs, ≥ 1.2× Emmett',
  async run(context): Promise<BenchmarkResult> {
    const writers = 8;
    const c = await contestants(context, writers);
    try {
      const size = (n: number) => (n % 3) + 1;
      const measured = await rounds(context, {
        raw: () =>
          runFor(context.durationMs, writers, async (_w, n) => {
            const batch = events(size(n));
            await c.raw.query(rawInsert(randomUUID(), batch));
            return batch.length;
          }),
        'raw with the same indexes': () =>
          runFor(context.durationMs, writers, async (_w, n) => {
            const batch = events(size(n));
            await c.raw.query(rawInsert(randomUUID(), batch, 'guarded_events'));
            return batch.length;
          }),
        'raw with the same indexes, hashes and stream head': () =>
          runFor(context.durationMs, writers, async (_w, n) => {
            const batch = events(size(n));
            await c.raw.query(headedInsert(randomUUID(), batch));
            return batch.length;
          }),
        gantry: () =>
          runFor(context.durationMs, writers, async (_w, n) => {
            const batch = events(size(n));
            await c.gantry.appendStream(`Deployment-${randomUUID()}`, 'Deployment', 0, batch);
            return batch.length;
          }),
        emmett: () =>
          runFor(context.durationMs, writers, async (_w, n) => {
            const batch = events(size(n));
            await c.emmett.appendToStream(`Deployment-${randomUUID()}`, batch.map((e) => ({ type: e.type, data: e.data as Record<string, unknown>, metadata: e.metadata })), {
              expectedStreamVersion: 'STREAM_DOES_NOT_EXIST' as never,
            });
            return batch.length;
          }),
      });
      const vsRaw = measured.gantry.perSecond / measured.raw.perSecond;
      const vsEmmett = measured.gantry.perSecond / measured.emmett.perSecond;
      return {
        unit: 'events/s',
        measured,
        ratios: {
          'gantry ÷ raw': round(vsRaw),
          'gantry ÷ emmett': round(vsEmmett),
          'gantry ÷ raw with the same indexes': round(measured.gantry.perSecond / measured['raw with the same indexes'].perSecond),
          'gantry ÷ raw with the same indexes, hashes and stream head': round(measured.gantry.perSecond / measured['raw with the same indexes, hashes and stream head'].perSecond),
        },
        met: vsRaw >= 0.8 && vsEmmett >= 1.2,
      };
    } finally {
      await c.close();
    }
  },
};

export const batchAppends: Benchmark = {
  name: 'batch-appends',
  title: '1,000-event batch appends (one stream per batch), one writer',
  goal: '≥ 0.8× a raw multi-row INSERT',
  async run(context): Promise<BenchmarkResult> {
    const c = await contestants(context, 1);
    try {
      // a multi-row INSERT is limited to 65,535 parameters: the raw side sends 1,000 rows as 4 statements of 250
      const measured = await rounds(context, {
        raw: () =>
          runFor(context.durationMs, 1, async () => {
            const batch = events(1000);
            const streamId = randomUUID();
            await c.raw.transaction(async (tx) => {
              for (let i = 0; i < batch.length; i += 250) await tx.query(rawInsert(streamId, batch.slice(i, i + 250), 'events', i));
            });
            return batch.length;
          }),
        'raw with the same indexes': () =>
          runFor(context.durationMs, 1, async () => {
            const batch = events(1000);
            const streamId = randomUUID();
            await c.raw.transaction(async (tx) => {
              for (let i = 0; i < batch.length; i += 250) await tx.query(rawInsert(streamId, batch.slice(i, i + 250), 'guarded_events', i));
            });
            return batch.length;
          }),
        gantry: () =>
          runFor(context.durationMs, 1, async () => {
            const batch = events(1000);
            await c.gantry.appendStream(`Import-${randomUUID()}`, 'Import', 0, batch);
            return batch.length;
          }),
      });
      const vsRaw = measured.gantry.perSecond / measured.raw.perSecond;
      return {
        unit: 'events/s',
        measured,
        ratios: {
          'gantry ÷ raw': round(vsRaw),
          'gantry ÷ raw with the same indexes': round(measured.gantry.perSecond / measured['raw with the same indexes'].perSecond),
        },
        met: vsRaw >= 0.8,
      };
    } finally {
      await c.close();
    }
  },
};

export const streamReads: Benchmark = {
  name: 'stream-read',
  title: 'read one deployment’s stream (50 events)',
  goal: 'p50 ≤ 1.5× the raw SELECT of the same rows',
  async run(context): Promise<BenchmarkResult> {
    const c = await contestants(context, 1);
    try {
      const streams = 200;
      const ids = Array.from({ length: streams }, () => randomUUID());
      for (const id of ids) {
        const batch = events(50);
        await c.raw.query(rawInsert(id, batch));
        await c.gantry.appendStream(`Deployment-${id}`, 'Deployment', 0, batch);
        await c.emmett.appendToStream(`Deployment-${id}`, batch.map((e) => ({ type: e.type, data: e.data as Record<string, unknown>, metadata: e.metadata })));
      }
      await c.raw.query('CREATE INDEX IF NOT EXISTS raw_stream ON bench_raw.events (stream_id, stream_version)');
      await c.raw.query('ANALYZE');
      const reads = context.rounds * 500;
      const pick = (n: number) => ids[(n * 7919) % streams];
      const measured = {
        raw: await timeEach(reads, async (n) => {
          await c.raw.query({ text: 'SELECT * FROM bench_raw.events WHERE stream_id = $1 ORDER BY stream_version', values: [pick(n)] });
        }),
        gantry: await timeEach(reads, async (n) => {
          await c.gantry.readStream(`Deployment-${pick(n)}`);
        }),
        emmett: await timeEach(reads, async (n) => {
          await c.emmett.readStream(`Deployment-${pick(n)}`);
        }),
      };
      const ratio = measured.gantry.p50Ms / measured.raw.p50Ms;
      return { unit: 'ms per read', measured, ratios: { 'gantry p50 ÷ raw p50': round(ratio), 'gantry p50 ÷ emmett p50': round(measured.gantry.p50Ms / measured.emmett.p50Ms) }, met: ratio <= 1.5 };
    } finally {
      await c.close();
    }
  },
};

export const replay: Benchmark = {
  name: 'replay',
  title: 'replay every event in commit-safe order (what a projection rebuild reads)',
  goal: '≥ 0.5× a raw sequential scan of the same rows',
  async run(context): Promise<BenchmarkResult> {
    const c = await contestants(context, 4);
    try {
      const total = context.replayEvents;
      context.log(`  writing ${total} events…`);
      for (let written = 0; written < total; written += 1000) {
        const batch = events(Math.min(1000, total - written));
        await c.gantry.appendStream(`Replay-${randomUUID()}`, 'Replay', 0, batch);
        for (let i = 0; i < batch.length; i += 250) await c.raw.query(rawInsert(randomUUID(), batch.slice(i, i + 250)));
      }
      await c.raw.query('VACUUM ANALYZE bench_raw.events');
      await c.raw.query('VACUUM ANALYZE bench_gantry.events');
      const page = 1000;
      const scanRaw = async () => {
        const t0 = performance.now();
        let after = 0;
        let rows = 0;
        for (;;) {
          const result = await c.raw.query<{ position: string }>({ text: 'SELECT * FROM bench_raw.events WHERE position > $1 ORDER BY position LIMIT $2', values: [after, page] });
          if (result.rows.length === 0) break;
          rows += result.rows.length;
          after = Number(result.rows[result.rows.length - 1].position);
        }
        return { perSecond: round(rows / ((performance.now() - t0) / 1000), 1), rows };
      };
      const replayGantry = async () => {
        const t0 = performance.now();
        let checkpoint = START;
        let rows = 0;
        for (;;) {
          const batch = await c.gantry.readAll(checkpoint, page);
          if (batch.length === 0) break;
          rows += batch.length;
          const last = batch[batch.length - 1];
          checkpoint = { transactionId: last.transactionId, position: last.position };
        }
        return { perSecond: round(rows / ((performance.now() - t0) / 1000), 1), rows };
      };
      const raw: number[] = [];
      const gantry: number[] = [];
      for (let r = 0; r < context.rounds; r++) {
        const a = await scanRaw();
        const b = await replayGantry();
        if (a.rows !== total || b.rows !== total) throw new Error(`replay read ${b.rows} events and the scan ${a.rows}, expected ${total}`);
        raw.push(a.perSecond);
        gantry.push(b.perSecond);
        context.log(`  round ${r + 1}: raw scan ${a.perSecond}/s, gantry replay ${b.perSecond}/s`);
      }
      const ratio = median(gantry) / median(raw);
      return {
        unit: 'events/s',
        measured: { raw: { perSecond: median(raw), rounds: raw }, gantry: { perSecond: median(gantry), rounds: gantry }, events: total },
        ratios: { 'gantry ÷ raw': round(ratio) },
        met: ratio >= 0.5,
      };
    } finally {
      await c.close();
    }
  },
};
