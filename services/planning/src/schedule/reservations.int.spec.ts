import { randomUUID } from 'node:crypto';
import { Database, EventStore, migrate, type EventMetadata } from '@gantry/event-store';
import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import { scheduleMigrations } from './reservations';

const metadata: EventMetadata = { actor: { subject: 'planning', roles: [], channel: 'kafka' }, correlationId: 'c-1' };
let database: TestDatabase;
let db: Database;

beforeAll(async () => {
  database = await createTestDatabase('gantry_planning_schedule');
  db = Database.connect(database.url);
});
afterAll(async () => {
  await db?.close();
  await database?.drop();
});

const reserved = (deploymentId: string, start: string) => ({
  id: randomUUID(),
  type: 'DeploymentWindowReserved',
  data: { environment: 'staging', deploymentId, service: `svc-${deploymentId}`, targets: ['staging-1'], window: { start, end: '2027-02-01T00:00:00.000Z' } },
  metadata,
});

it("an installation that kept reservations on the environment's schedule stream keeps them: the table is filled from the log", async () => {
  const store = new EventStore(db, 'planning');
  await store.migrate();
  // as planning recorded them before: one stream per environment; d-2 moved (reserved twice), d-1 released
  await store.appendStream('EnvironmentSchedule-staging', 'EnvironmentSchedule', 0, [
    reserved('d-1', '2027-01-01T00:00:00.000Z'),
    reserved('d-2', '2027-01-02T00:00:00.000Z'),
    reserved('d-2', '2027-01-03T00:00:00.000Z'),
    { id: randomUUID(), type: 'DeploymentWindowReleased', data: { environment: 'staging', deploymentId: 'd-1' }, metadata },
  ]);
  await migrate(db, 'planning', scheduleMigrations);
  const rows = (await db.query<{ deployment_id: string; window_start: Date; targets: string[] }>('SELECT deployment_id, window_start, targets FROM planning.reservations')).rows;
  expect(rows).toEqual([{ deployment_id: 'd-2', window_start: new Date('2027-01-03T00:00:00.000Z'), targets: ['staging-1'] }]);
});
