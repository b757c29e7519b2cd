import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import { Database } from './database';
import { EventStore } from './event-store';
import { eventStoreMigrations, migrate, type Migration } from './migrations';
import { newEvents } from './test-fixtures';

describe('migrate', () => {
  let database: TestDatabase;
  let db: Database;

  beforeAll(async () => {
    database = await createTestDatabase('gantry_es_migrate');
    db = Database.connect(database.url);
  });
  afterAll(async () => {
    await db.close();
    await database.drop();
  });

  const applied = async (schema: string) =>
    (await db.query<{ id: string }>(`SELECT id FROM "${schema}".schema_migrations ORDER BY applied_at, id`)).rows.map((row) => row.id);

  it('lets two processes that start at once apply each migration exactly once', async () => {
    const other = Database.connect(database.url);
    try {
      await Promise.all([migrate(db, 'execution', eventStoreMigrations), migrate(other, 'execution', eventStoreMigrations)]);
    } finally {
      await other.close();
    }
    expect(await applied('execution')).toEqual(eventStoreMigrations.map((m) => m.id));
    const store = new EventStore(db, 'execution');
    await store.appendStream('run-1', 'run', 0, newEvents(1));
    expect(await store.streamVersion('run-1')).toBe(1);
  });

  it('reads the streams of one type without scanning the others (one more stream with each deployment)', async () => {
    const store = new EventStore(db, 'planning');
    await store.migrate();
    await db.query(`INSERT INTO planning.streams (stream_id, stream_type, version, last_hash) SELECT 'Deployment-' || n, 'Deployment', 1, 'h' FROM generate_series(1, 20000) AS n`);
    await db.query(`INSERT INTO planning.streams (stream_id, stream_type, version, last_hash) VALUES ('Environment-staging', 'Environment', 1, 'h'), ('Environment-production', 'Environment', 1, 'h')`);
    await db.query('ANALYZE planning.streams');
    const plan = (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT stream_id FROM planning.streams WHERE stream_type = 'Environment' ORDER BY stream_id`)).rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toContain('streams_by_type');
    expect(plan).not.toContain('Seq Scan');
  });

  it('applies only what is pending, in order, and nothing on a second run', async () => {
    const ran: string[] = [];
    const step = (id: string): Migration => ({
      id,
      up: (schema) => {
        ran.push(id);
        return `CREATE TABLE "${schema}"."${id}" (id int)`;
      },
    });
    await migrate(db, 'records', [step('t1')]);
    await migrate(db, 'records', [step('t1'), step('t2'), step('t3')]);
    await migrate(db, 'records', [step('t1'), step('t2'), step('t3')]);
    expect(ran).toEqual(['t1', 't2', 't3']);
    expect(await applied('records')).toEqual(['t1', 't2', 't3']);
  });

  it('rolls back a failing migration and keeps the ones before it', async () => {
    const broken: Migration[] = [
      { id: 'ok', up: (schema) => `CREATE TABLE "${schema}".ok (id int)` },
      { id: 'fails', up: (schema) => `CREATE TABLE "${schema}".half (id int); SELECT no_such_function()` },
    ];
    await expect(migrate(db, 'verification', broken)).rejects.toThrow(/no_such_function/);
    expect(await applied('verification')).toEqual(['ok']);
    const { rows } = await db.query(`SELECT to_regclass('verification.half') AS half`);
    expect(rows[0]!.half).toBeNull();
  });

  it('keeps schemas apart', async () => {
    await migrate(db, 'model_review', eventStoreMigrations);
    await new EventStore(db, 'model_review').appendStream('review-1', 'review', 0, newEvents(2));
    expect(await new EventStore(db, 'execution').streamVersion('review-1')).toBe(0);
  });

  it.each(['Planning', 'plan-ning', '1planning', 'planning"; DROP TABLE x; --', '', 'a'.repeat(64)])('refuses the schema name %j', async (schema) => {
    await expect(migrate(db, schema, eventStoreMigrations)).rejects.toThrow(/invalid schema name/);
    expect(() => new EventStore(db, schema)).toThrow(/invalid schema name/);
  });

  it('refuses a list with the same migration twice', async () => {
    await expect(migrate(db, 'records', [...eventStoreMigrations, ...eventStoreMigrations])).rejects.toThrow(/listed twice/);
  });
});
