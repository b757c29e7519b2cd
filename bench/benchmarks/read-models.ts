import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventNameOf, eventType, type Service } from '@gantry/contracts';
import { Database, EventStore, migrate, type EventMetadata, type Migration, type SqlClient } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';
import { startEmbeddedPostgres, type Reactions } from '@gantry/platform';
import { SAMPLE_MODEL_CONTENT, SAMPLE_PAYLOADS } from '../../contracts/src/samples.fixture';
import {
  deploymentModels,
  hasStarted,
  planningFactsReadModels,
  readActiveModels,
  readSucceededVersions,
  startedDeployments,
  succeededVersions,
} from '../../services/planning/src/planning-facts/planning-facts';
import { median, percentile, round, runFor, type Throughput } from '../measure';
import type { Benchmark, BenchmarkContext, BenchmarkResult } from '../benchmark';

/**
 * Planning's read models (deployment_models, succeeded_versions, started_deployments) written and read two ways in the
 * same run, on PostgreSQL and on PGlite behind its socket (the embedded default): as raw SQL on the transaction's
 * client, the way planning wrote them before they were TypeORM entities, and through TypeORM's EntityManager bound to
 * the same client (ReadModels, planning's code as it is now). Both run the same events and commands, interleaved round
 * after round; the median round counts.
 *
 * - projection, live: one message per transaction with its inbox row, as a consumer applies what Kafka delivers;
 * - projection, rebuild: 100 events per transaction, as a replay would apply them (the statements dominate);
 * - command: what a deployment request reads from these read models inside its transaction (started? active models,
 *   succeeded versions of its components), then its append;
 * - start-up: `require('typeorm')` in a new process, and opening one service's read models (DataSource, metadata,
 *   migrations table checked) against `migrate()` finding nothing to do, as every restart does.
 */
const GOAL_RATIO = 0.95;

const metadata: EventMetadata = { actor: { subject: 'bench', roles: ['deployment-manager'], channel: 'kafka' }, correlationId: randomUUID() };
const MODELS = 12;
const PLANNED = 500;
const BATCH = 100;

/** The SQL planning's read models ran before they were TypeORM entities (planning-read-models.ts until the pilot). */
const rawPlanning = (schema: string, store: EventStore) => ({
  migrations: [
    {
      id: 'planning-read-models-1',
      up: (s: string) => `
        CREATE TABLE "${s}".deployment_models (name text PRIMARY KEY, version int NOT NULL, status text NOT NULL CHECK (status IN ('active', 'retired')), content jsonb NOT NULL);
        CREATE TABLE "${s}".succeeded_versions (environment_kind text NOT NULL, name text NOT NULL, version text NOT NULL, deployment_id text NOT NULL, environment text NOT NULL, PRIMARY KEY (environment_kind, name, version, deployment_id));
        CREATE TABLE "${s}".started_deployments (deployment_id text PRIMARY KEY, started_at timestamptz NOT NULL);`,
    },
  ] as Migration[],
  handle: async (event: CloudEvent, tx: SqlClient) => {
    const data = event.data as Record<string, any>;
    if (event.type.endsWith('.DeploymentModelPublished.v1')) {
      await tx.query(
        `INSERT INTO "${schema}".deployment_models (name, version, status, content) VALUES ($1, $2, 'active', $3)
         ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, status = 'active', content = EXCLUDED.content
         WHERE "${schema}".deployment_models.status = 'active' AND "${schema}".deployment_models.version < EXCLUDED.version`,
        [data.name, data.version, JSON.stringify(data.content)],
      );
    } else if (event.type.endsWith('.DeploymentStarted.v1')) {
      await tx.query(`INSERT INTO "${schema}".started_deployments (deployment_id, started_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [data.deploymentId, data.startedAt]);
    } else {
      const history = await store.readStream(`Deployment-${data.deploymentId}`, tx);
      const planned = history.find((e) => e.type === 'DeploymentPlanned')?.data as { environment: string; components: { name: string; version: string }[]; environmentSnapshot: { kind: string } };
      for (const component of planned.components) {
        await tx.query(
          `INSERT INTO "${schema}".succeeded_versions (environment_kind, name, version, deployment_id, environment) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
          [planned.environmentSnapshot.kind, component.name, component.version, data.deploymentId, planned.environment],
        );
      }
    }
  },
  hasStarted: async (tx: SqlClient, deploymentId: string) => ((await tx.query(`SELECT 1 FROM "${schema}".started_deployments WHERE deployment_id = $1`, [deploymentId])).rowCount ?? 0) > 0,
  readActiveModels: async (tx: SqlClient) => {
    const rows = (await tx.query<{ name: string; version: number; status: string; content: unknown }>(`SELECT name, version, status, content FROM "${schema}".deployment_models`)).rows;
    return { active: rows.filter((r) => r.status === 'active').map(({ name, version, content }) => ({ name, version, content })), retired: rows.filter((r) => r.status === 'retired').map((r) => r.name) };
  },
  readSucceededVersions: async (tx: SqlClient, components: readonly { name: string; version: string }[]) =>
    (
      await tx.query<{ environment_kind: string; name: string; version: string }>(
        `SELECT DISTINCT environment_kind, name, version FROM "${schema}".succeeded_versions WHERE name = ANY($1::text[]) AND version = ANY($2::text[])`,
        [components.map((c) => c.name), components.map((c) => c.version)],
      )
    ).rows.map((r) => ({ environmentKind: r.environment_kind, name: r.name, version: r.version })),
});

const cloudEvent = (service: Service, name: string, data: unknown): CloudEvent => ({ specversion: '1.0', id: randomUUID(), source: 'bench', type: eventType(service, name), data });

const plannedId = (n: number) => `00000000-0000-4000-8000-${String(n % PLANNED).padStart(12, '0')}`;
const components = [
  { name: 'payments-api', version: '2.4.1' },
  { name: 'payments-worker', version: '2.4.1' },
];

/** The n-th event a projection applies: a model published (a newer version of one of 12), a start, a success. */
function nthEvent(n: number): CloudEvent {
  switch (n % 3) {
    case 0:
      return cloudEvent('model-review', 'DeploymentModelPublished', { ...SAMPLE_PAYLOADS.DeploymentModelPublished, name: `model-${n % MODELS}`, version: n + 1, content: { ...SAMPLE_MODEL_CONTENT, name: `model-${n % MODELS}` } });
    case 1:
      return cloudEvent('execution', 'DeploymentStarted', { deploymentId: randomUUID(), startedAt: new Date(Date.UTC(2026, 11, 1) + n * 1000).toISOString() });
    default:
      return cloudEvent('records', 'DeploymentRecordClosed', { ...SAMPLE_PAYLOADS.DeploymentRecordClosed, deploymentId: plannedId(n) });
  }
}

interface Engine {
  name: string;
  db: Database;
  store: EventStore;
  stop(): Promise<void>;
}

async function postgresEngine(context: BenchmarkContext): Promise<Engine> {
  const db = Database.connect(context.databaseUrl, { max: 4 });
  return { name: 'PostgreSQL', db, store: new EventStore(db, 'bench_planning'), stop: () => db.close() };
}

/** As the embedded default runs it: PGlite with its data on disk, one pooled connection, no named statements. */
async function pgliteEngine(): Promise<Engine> {
  const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-read-models-'));
  const embedded = await startEmbeddedPostgres(dir);
  const db = Database.connect(embedded.url, { max: 1, namedStatements: false });
  return {
    name: 'PGlite',
    db,
    store: new EventStore(db, 'bench_planning'),
    stop: async () => {
      await db.close();
      await embedded.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface Contestant {
  /** applies a batch of events in one transaction (with the inbox row of each, as the consumer writes it) */
  apply(events: readonly CloudEvent[]): Promise<void>;
  /** the read-model part of a deployment request, and its append */
  command(n: number): Promise<void>;
  reset(): Promise<void>;
}

async function contestants(engine: Engine): Promise<{ raw: Contestant; typeorm: Contestant }> {
  const { db, store } = engine;
  await store.migrate();
  await migrate(db, store.schema, [{ id: 'bench-inbox', up: (s) => `CREATE TABLE "${s}".inbox (consumer text NOT NULL, event_id text NOT NULL, PRIMARY KEY (consumer, event_id))` }]);
  for (let n = 0; n < PLANNED; n++) {
    const plan = { ...SAMPLE_PAYLOADS.DeploymentPlanned, deploymentId: plannedId(n), environment: 'staging', components: components.map((c) => ({ ...c, kind: 'software' })), environmentSnapshot: { kind: 'staging' } };
    await store.appendStream(`Deployment-${plannedId(n)}`, 'Deployment', 0, [{ id: randomUUID(), type: 'DeploymentPlanned', data: plan, metadata }]);
  }
  // each contestant's read models in a schema of its own, the events they follow in the store's
  const rawSchema = 'bench_raw_read_models';
  const typeormSchema = 'bench_typeorm_read_models';
  for (const schema of [rawSchema, typeormSchema]) await db.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  const raw = rawPlanning(rawSchema, store);
  await migrate(db, rawSchema, raw.migrations);
  const readModels = planningFactsReadModels(db, typeormSchema);
  await readModels.open();
  const reactions: Reactions[] = [deploymentModels(readModels), startedDeployments(readModels), succeededVersions(store, readModels)];
  const typeormHandle = (event: CloudEvent, tx: SqlClient) => {
    const name = eventNameOf(event.type)!;
    return reactions.find((r) => r.on[name])!.on[name](event, tx, undefined as never);
  };

  const inbox = (tx: SqlClient, events: readonly CloudEvent[]) =>
    tx.query(`INSERT INTO "${store.schema}".inbox (consumer, event_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING event_id`, ['bench', events.map((e) => e.id)]);
  const request = (n: number) => ({ deploymentId: randomUUID(), components: [components[0], { name: 'payments-worker', version: n % 2 ? '2.4.1' : '9.9.9' }] });
  const append = (tx: SqlClient, deploymentId: string) =>
    store.append(tx, `Deployment-${deploymentId}`, 'Deployment', 0, [{ id: randomUUID(), type: 'DeploymentRequested', data: SAMPLE_PAYLOADS.DeploymentRequested, metadata }]);
  const truncate = async (schema: string) => void await db.query(`TRUNCATE "${schema}".deployment_models, "${schema}".succeeded_versions, "${schema}".started_deployments`);

  return {
    raw: {
      apply: (events) =>
        db.transaction(async (tx) => {
          await inbox(tx, events);
          for (const event of events) await raw.handle(event, tx);
        }),
      command: (n) =>
        db.transaction(async (tx) => {
          const { deploymentId, components: wanted } = request(n);
          await raw.hasStarted(tx, deploymentId);
          await raw.readActiveModels(tx);
          await raw.readSucceededVersions(tx, wanted);
          await append(tx, deploymentId);
        }),
      reset: () => truncate(rawSchema),
    },
    typeorm: {
      apply: (events) =>
        db.transaction(async (tx) => {
          await inbox(tx, events);
          for (const event of events) await typeormHandle(event, tx);
        }),
      command: (n) =>
        db.transaction(async (tx) => {
          const { deploymentId, components: wanted } = request(n);
          const entities = readModels.manager(tx);
          await hasStarted(entities, deploymentId);
          await readActiveModels(entities);
          await readSucceededVersions(entities, wanted);
          await append(tx, deploymentId);
        }),
      reset: () => truncate(typeormSchema),
    },
  };
}

type Run = Throughput & { cpuUsPerOperation: number };

/** runFor, and the CPU this process used per operation meanwhile (on PGlite that includes the database's own). */
async function measured(operation: () => Promise<Throughput>): Promise<Run> {
  const cpu = process.cpuUsage();
  const result = await operation();
  const used = process.cpuUsage(cpu);
  return { ...result, cpuUsPerOperation: round((used.user + used.system) / result.operations, 0) };
}

async function interleaved<K extends string>(context: BenchmarkContext, label: string, runs: Record<K, () => Promise<Run>>): Promise<Record<K, Run & { rounds: number[] }>> {
  const all = Object.fromEntries(Object.keys(runs).map((k) => [k, [] as Run[]])) as Record<K, Run[]>;
  for (let r = 0; r < context.rounds; r++) {
    // alternate who goes first, so that neither always runs on a warmer (or more fragmented) database
    const order = (Object.keys(runs) as K[])[r % 2 ? 'reverse' : 'slice']();
    for (const name of order) {
      const result = await runs[name]();
      all[name].push(result);
      context.log(`  ${label} round ${r + 1} ${name}: ${result.perSecond}/s (p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${result.cpuUsPerOperation} µs CPU per operation)`);
    }
  }
  return Object.fromEntries(
    (Object.keys(all) as K[]).map((name) => {
      const results = all[name];
      const mid = [...results].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(results.length / 2)];
      return [name, { ...mid, perSecond: median(results.map((t) => t.perSecond)), cpuUsPerOperation: median(results.map((t) => t.cpuUsPerOperation)), rounds: results.map((t) => t.perSecond) }];
    }),
  ) as Record<K, Run & { rounds: number[] }>;
}

async function onEngine(context: BenchmarkContext, engine: Engine) {
  const c = await contestants(engine);
  const project = (contestant: Contestant, batch: number) => async () => {
    await contestant.reset();
    let next = 0;
    return measured(() =>
      runFor(context.durationMs, 1, async () => {
        const events = Array.from({ length: batch }, () => nthEvent(next++));
        await contestant.apply(events);
        return events.length;
      }),
    );
  };
  // the commands read what a projection left: 12 models and the successes of 500 deployments
  const seed = async (contestant: Contestant) => {
    await contestant.reset();
    for (let n = 0; n < 3 * PLANNED; n += BATCH) await contestant.apply(Array.from({ length: BATCH }, (_, i) => nthEvent(n + i)));
  };
  const live = await interleaved(context, `${engine.name} projection, live`, { raw: project(c.raw, 1), typeorm: project(c.typeorm, 1) });
  const rebuild = await interleaved(context, `${engine.name} projection, rebuild`, { raw: project(c.raw, BATCH), typeorm: project(c.typeorm, BATCH) });
  await seed(c.raw);
  await seed(c.typeorm);
  const command = await interleaved(context, `${engine.name} command`, {
    raw: () => measured(() => runFor(context.durationMs, 1, async (_w, n) => (await c.raw.command(n), 1))),
    typeorm: () => measured(() => runFor(context.durationMs, 1, async (_w, n) => (await c.typeorm.command(n), 1))),
  });
  return { live, rebuild, command };
}

/** Opening one service's read models on a restart (nothing to migrate), against migrate() finding nothing to do. */
async function startupCost(context: BenchmarkContext, engine: Engine) {
  const typeorm: number[] = [];
  const sql: number[] = [];
  const rawMigrations = rawPlanning('bench_raw_read_models', engine.store).migrations;
  for (let r = 0; r < Math.max(5, context.rounds * 3); r++) {
    let t0 = performance.now();
    await migrate(engine.db, 'bench_raw_read_models', rawMigrations);
    sql.push(performance.now() - t0);
    t0 = performance.now();
    await planningFactsReadModels(engine.db, 'bench_typeorm_read_models').open();
    typeorm.push(performance.now() - t0);
  }
  return { 'open read models (TypeORM) p50 ms': round(median(typeorm)), 'migrate() with nothing to do p50 ms': round(median(sql)) };
}

/** `require('typeorm')` in a new Node process, against `require('pg')`: what the import adds to a start. */
function importCost(rounds: number) {
  const time = (module: string) =>
    Number(execFileSync(process.execPath, ['-e', `const t = performance.now(); require(${JSON.stringify(module)}); process.stdout.write(String(performance.now() - t))`], { cwd: join(__dirname, '..', '..') }).toString());
  const typeorm: number[] = [];
  const pg: number[] = [];
  for (let r = 0; r < Math.max(5, rounds * 3); r++) {
    typeorm.push(time('typeorm'));
    pg.push(time('pg'));
  }
  return { "require('typeorm') p50 ms": round(median(typeorm)), "require('typeorm') p99 ms": round(percentile([...typeorm].sort((a, b) => a - b), 99)), "require('pg') p50 ms": round(median(pg)) };
}

export const readModels: Benchmark = {
  name: 'read-models',
  title: "planning's read models through TypeORM's EntityManager on the event store's transaction vs raw SQL on it (PostgreSQL and PGlite)",
  goal: `TypeORM ≥ ${GOAL_RATIO}× raw SQL: projection throughput, and command throughput (p50 ≤ ${round(1 / GOAL_RATIO)}×)`,
  async run(context): Promise<BenchmarkResult> {
    const measuredFigures: Record<string, unknown> = {};
    const ratios: Record<string, number> = {};
    for (const start of [() => postgresEngine(context), () => pgliteEngine()]) {
      const engine = await start();
      try {
        const { live, rebuild, command } = await onEngine(context, engine);
        for (const [part, runs] of Object.entries({ 'live projection': live, rebuild, commands: command })) {
          for (const [contestant, run] of Object.entries(runs)) measuredFigures[`${engine.name} ${part} ${contestant}`] = run;
        }
        for (const [figure, value] of Object.entries(await startupCost(context, engine))) measuredFigures[`${engine.name} ${figure}`] = value;
        ratios[`${engine.name} live projection typeorm ÷ raw`] = round(live.typeorm.perSecond / live.raw.perSecond);
        ratios[`${engine.name} rebuild typeorm ÷ raw`] = round(rebuild.typeorm.perSecond / rebuild.raw.perSecond);
        ratios[`${engine.name} commands typeorm ÷ raw`] = round(command.typeorm.perSecond / command.raw.perSecond);
        ratios[`${engine.name} command p50 typeorm ÷ raw`] = round(command.typeorm.p50Ms / command.raw.p50Ms);
        // the CPU of this process per operation: what TypeORM adds, less blurred than throughput by other work on the machine
        ratios[`${engine.name} live projection CPU per event typeorm ÷ raw`] = round(live.typeorm.cpuUsPerOperation / live.raw.cpuUsPerOperation);
        ratios[`${engine.name} rebuild CPU per event typeorm ÷ raw`] = round(rebuild.typeorm.cpuUsPerOperation / rebuild.raw.cpuUsPerOperation);
        ratios[`${engine.name} command CPU typeorm ÷ raw`] = round(command.typeorm.cpuUsPerOperation / command.raw.cpuUsPerOperation);
      } finally {
        await engine.stop();
      }
    }
    Object.assign(measuredFigures, importCost(context.rounds));
    const throughput = Object.entries(ratios).filter(([name]) => / (live projection|rebuild|commands) typeorm ÷ raw$/.test(name));
    const latency = Object.entries(ratios).filter(([name]) => name.includes('p50'));
    return {
      unit: 'per s',
      measured: measuredFigures,
      ratios,
      met: throughput.every(([, r]) => r >= GOAL_RATIO) && latency.every(([, r]) => r <= 1 / GOAL_RATIO),
    };
  },
};
