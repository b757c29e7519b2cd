import { eventNameOf, eventType, type DeploymentModelContent, type Service } from '@gantry/contracts';
import { Database, EventStore, migrate, READ_MODEL_MIGRATIONS_TABLE } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';
import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import { randomUUID } from 'node:crypto';
import type { Reactions } from '@gantry/platform';
import { deploymentModels, hasStarted, planningFactsReadModels, readActiveModels, startedDeployments } from './planning-facts';

let database: TestDatabase;
let db: Database;

beforeAll(async () => {
  database = await createTestDatabase('gantry_planning_read_models');
  db = Database.connect(database.url);
});
afterAll(async () => {
  await db?.close();
  await database?.drop();
});

const event = (service: Service, name: string, data: unknown): CloudEvent => ({ specversion: '1.0', id: randomUUID(), source: 'test', type: eventType(service, name), data });

it('an installation whose tables the SQL migration planning-read-models-1 created keeps them and its rows under the TypeORM migration', async () => {
  await new EventStore(db, 'planning_before').migrate();
  // the SQL migration as planning ran it before its read models were TypeORM entities
  await migrate(db, 'planning_before', [
    {
      id: 'planning-read-models-1',
      up: (schema) => `
        CREATE TABLE "${schema}".deployment_models (name text PRIMARY KEY, version int NOT NULL, status text NOT NULL CHECK (status IN ('active', 'retired')), content jsonb NOT NULL);
        CREATE TABLE "${schema}".succeeded_versions (environment_kind text NOT NULL, name text NOT NULL, version text NOT NULL, deployment_id text NOT NULL, environment text NOT NULL, PRIMARY KEY (environment_kind, name, version, deployment_id));
        CREATE TABLE "${schema}".started_deployments (deployment_id text PRIMARY KEY, started_at timestamptz NOT NULL);`,
    },
  ]);
  await db.query(`INSERT INTO planning_before.deployment_models VALUES ('web', 2, 'active', '{"steps": []}'), ('old', 1, 'retired', '{}')`);
  await db.query(`INSERT INTO planning_before.started_deployments VALUES ('d-1', '2026-12-01T10:00:00Z')`);

  const readModels = planningFactsReadModels(db, 'planning_before');
  await readModels.open();

  const entities = readModels.manager(db);
  expect(await readActiveModels(entities)).toEqual({ active: [{ name: 'web', version: 2, content: { steps: [] } }], retired: ['old'] });
  expect(await hasStarted(entities, 'd-1')).toBe(true);
  expect((await db.query(`SELECT name FROM planning_before.${READ_MODEL_MIGRATIONS_TABLE}`)).rows).toEqual([{ name: 'PlanningReadModels1796515200000' }, { name: 'ModelPilots1796601600000' }]);
});

it('a new installation gets the same tables as the SQL migration made, constraints included', async () => {
  await new EventStore(db, 'planning_new').migrate();
  await planningFactsReadModels(db, 'planning_new').open();
  const shape = async (schema: string) =>
    (
      await db.query(
        `SELECT c.relname AS table, pg_get_constraintdef(k.oid) AS constraint, k.conname AS name
           FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND c.relname IN ('deployment_models', 'succeeded_versions', 'started_deployments') ORDER BY 1, 2`,
        [schema],
      )
    ).rows;
  const columns = async (schema: string) =>
    (await db.query(`SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name IN ('deployment_models', 'succeeded_versions', 'started_deployments') ORDER BY 1, 2`, [schema])).rows;
  expect(await shape('planning_new')).toEqual(await shape('planning_before'));
  expect(await columns('planning_new')).toEqual(await columns('planning_before'));
});

it('a published model replaces an older active version only; a retired model stays retired; a start is kept once', async () => {
  await new EventStore(db, 'planning').migrate();
  const readModels = planningFactsReadModels(db, 'planning');
  await readModels.open();
  const models = deploymentModels(readModels);
  const started = startedDeployments(readModels);
  const content = (marker: string) => ({ name: 'web', description: marker }) as DeploymentModelContent;
  const published = (version: number, marker: string) => event('model-review', 'DeploymentModelPublished', { name: 'web', version, content: content(marker), supersedes: null, publishedBy: 'mo', publishedAt: '2026-12-01T00:00:00Z' });
  const apply = (reactions: Reactions, e: CloudEvent) => db.transaction((tx) => reactions.on[eventNameOf(e.type)!](e, tx, undefined as never));
  const active = async () => (await readActiveModels(readModels.manager(db))).active.map((m) => ({ version: m.version, description: m.content.description }));

  await apply(models, published(1, 'first'));
  await apply(models, published(2, 'second'));
  await apply(models, published(1, 'late first'));
  expect(await active()).toEqual([{ version: 2, description: 'second' }]);

  await apply(models, event('model-review', 'DeploymentModelRetired', { name: 'web', version: 2, content: content('second'), retiredBy: 'mo', retiredAt: '2026-12-02T00:00:00Z', reason: 'r' }));
  await apply(models, published(3, 'after retirement'));
  expect(await readActiveModels(readModels.manager(db))).toEqual({ active: [], retired: ['web'] });

  const start = event('execution', 'DeploymentStarted', { deploymentId: 'd-9', startedAt: '2026-12-03T08:00:00.000Z' });
  await apply(started, start);
  await apply(started, start);
  expect((await db.query(`SELECT deployment_id, started_at FROM planning.started_deployments`)).rows).toEqual([{ deployment_id: 'd-9', started_at: new Date('2026-12-03T08:00:00.000Z') }]);
});

it('a pilot is known as one until it completes; a failed pilot gives way to the version it superseded, or to none', async () => {
  await new EventStore(db, 'planning_pilots').migrate();
  const readModels = planningFactsReadModels(db, 'planning_pilots');
  await readModels.open();
  const models = deploymentModels(readModels);
  const content = (name: string, marker: string) => ({ name, description: marker }) as DeploymentModelContent;
  const published = (name: string, version: number, pilotDeployments?: number) =>
    event('model-review', 'DeploymentModelPublished', { name, version, content: content(name, `v${version}`), supersedes: version > 1 ? version - 1 : null, publishedBy: 'mo', publishedAt: '2026-12-01T00:00:00Z', ...(pilotDeployments ? { pilotDeployments } : {}) });
  const failed = (name: string, version: number, reinstated: { version: number; content: DeploymentModelContent } | null) =>
    event('model-review', 'ModelPilotFailed', { name, version, deploymentId: 'd-1', outcome: 'failed', reason: 'x', draftVersion: version + 1, reinstated, failedAt: '2026-12-02T00:00:00Z' });
  const apply = (e: CloudEvent) => db.transaction((tx) => models.on[eventNameOf(e.type)!](e, tx, undefined as never));
  const active = async () => (await readActiveModels(readModels.manager(db))).active.map(({ name, version, pilot }) => ({ name, version, pilot: pilot ?? false })).sort((x, y) => x.name.localeCompare(y.name));

  await apply(published('web', 1, 2));
  expect(await active()).toEqual([{ name: 'web', version: 1, pilot: true }]);
  await apply(event('model-review', 'DeploymentModelPilotCompleted', { name: 'web', version: 1, deploymentIds: ['d-1', 'd-2'], completedAt: '2026-12-02T00:00:00Z' }));
  expect(await active()).toEqual([{ name: 'web', version: 1, pilot: false }]);

  await apply(published('web', 2, 2));
  expect(await active()).toEqual([{ name: 'web', version: 2, pilot: true }]);
  await apply(failed('web', 2, { version: 1, content: content('web', 'v1') }));
  expect(await readActiveModels(readModels.manager(db))).toEqual({ active: [{ name: 'web', version: 1, content: content('web', 'v1') }], retired: [] });

  await apply(published('api', 1, 3));
  await apply(failed('api', 1, null));
  expect(await active()).toEqual([{ name: 'web', version: 1, pilot: false }]);
  // the model's next version, from the returned draft, is known again
  await apply(published('api', 2, 3));
  expect(await active()).toEqual([{ name: 'api', version: 2, pilot: true }, { name: 'web', version: 1, pilot: false }]);
});
