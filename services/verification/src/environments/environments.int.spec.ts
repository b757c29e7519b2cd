import { eventNameOf, eventType, type EnvironmentDefinition } from '@gantry/contracts';
import { Database, EventStore, migrate, READ_MODEL_MIGRATIONS_TABLE } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';
import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import { randomUUID } from 'node:crypto';
import { environments, environmentsReadModels, knownEnvironment } from './environments.read-model';

let database: TestDatabase;
let db: Database;

beforeAll(async () => {
  database = await createTestDatabase('gantry_verification_read_models');
  db = Database.connect(database.url);
});
afterAll(async () => {
  await db?.close();
  await database?.drop();
});

const definition = (kind: string) => ({ name: 'staging-1', kind, position: 1, attributes: {}, targets: [], timeZone: 'UTC', deploymentWindows: [], freezes: [], approvalPolicy: { roles: [], minimumApprovers: 0 } }) as EnvironmentDefinition;
const event = (name: string, data: unknown, streamversion: number): CloudEvent => ({ specversion: '1.0', id: randomUUID(), source: 'test', type: eventType('planning', name), data, streamversion });

it('an installation whose table the SQL migration verification/001-environments created keeps it and its rows', async () => {
  await new EventStore(db, 'verification_before').migrate();
  // the SQL migration as verification ran it before its read model was a TypeORM entity
  await migrate(db, 'verification_before', [
    { id: 'verification/001-environments', up: (schema) => `CREATE TABLE IF NOT EXISTS "${schema}".environments (name text PRIMARY KEY, status text NOT NULL, version int NOT NULL, definition jsonb NOT NULL)` },
  ]);
  await db.query(`INSERT INTO verification_before.environments VALUES ('staging-1', 'decommissioned', 3, $1)`, [JSON.stringify(definition('staging'))]);

  const readModels = environmentsReadModels(db, 'verification_before');
  await readModels.open();

  expect(await knownEnvironment(readModels.manager(db), 'staging-1')).toMatchObject({ status: 'decommissioned', version: 3, definition: definition('staging') });
  expect((await db.query(`SELECT name FROM verification_before.${READ_MODEL_MIGRATIONS_TABLE}`)).rows).toEqual([{ name: 'VerificationReadModels1796601600000' }]);
});

it('a new installation gets the same table as the SQL migration made, constraints included', async () => {
  await new EventStore(db, 'verification_new').migrate();
  await environmentsReadModels(db, 'verification_new').open();
  const shape = async (schema: string) =>
    (
      await db.query(
        `SELECT k.conname AS name, pg_get_constraintdef(k.oid) AS constraint FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname = $1 AND c.relname = 'environments' ORDER BY 1`,
        [schema],
      )
    ).rows;
  const columns = async (schema: string) =>
    (await db.query(`SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'environments' ORDER BY 1`, [schema])).rows;
  expect(await shape('verification_new')).toEqual(await shape('verification_before'));
  expect(await columns('verification_new')).toEqual(await columns('verification_before'));
});

it('a late, older event changes nothing; a decommissioning only applies over older versions', async () => {
  await new EventStore(db, 'verification').migrate();
  const readModels = environmentsReadModels(db, 'verification');
  await readModels.open();
  const reactions = environments(readModels);
  const apply = (e: CloudEvent) => db.transaction((tx) => reactions.on[eventNameOf(e.type)!](e, tx, undefined as never));
  const known = () => knownEnvironment(readModels.manager(db), 'staging-1');

  await apply(event('EnvironmentRegistered', { ...definition('staging'), registeredAt: '2026-12-01T00:00:00Z' }, 1));
  await apply(event('EnvironmentUpdated', { ...definition('production'), updatedAt: '2026-12-02T00:00:00Z' }, 3));
  await apply(event('EnvironmentUpdated', { ...definition('test'), updatedAt: '2026-12-01T12:00:00Z' }, 2));
  expect(await known()).toMatchObject({ status: 'active', version: 3, definition: definition('production') });

  await apply(event('EnvironmentDecommissioned', { name: 'staging-1', reason: 'r', decommissionedAt: '2026-12-01T18:00:00Z' }, 3));
  expect(await known()).toMatchObject({ status: 'active', version: 3 });
  await apply(event('EnvironmentDecommissioned', { name: 'staging-1', reason: 'r', decommissionedAt: '2026-12-03T00:00:00Z' }, 4));
  await apply(event('EnvironmentUpdated', { ...definition('test'), updatedAt: '2026-12-01T12:00:00Z' }, 2));
  expect(await known()).toMatchObject({ status: 'decommissioned', version: 4, definition: definition('production') });
  expect(await knownEnvironment(readModels.manager(db), 'elsewhere')).toBeUndefined();
});
