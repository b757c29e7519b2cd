import { Database, EventStore, migrate } from '@gantry/event-store';
import { NotFound } from '@gantry/platform';
import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import { ledgerMigrations } from '../ledger';
import { SourcesController } from './sources.controller';

/**
 * Records and the services share one database, but in the distributed mode each service migrates its own schema when
 * it starts: until planning has, its store is not there to compare, which is said as such (404), not as a 500.
 */
let database: TestDatabase;
let db: Database;

beforeAll(async () => {
  database = await createTestDatabase('gantry_sources');
  db = Database.connect(database.url, { max: 2 });
  await migrate(db, 'records', ledgerMigrations);
});

afterAll(async () => {
  await db.close();
  await database.drop();
});

it("a service whose store is not in the database yet is a 404 that says so; once migrated, an empty store agrees", async () => {
  const sources = new SourcesController(db, new EventStore(db, 'records'));
  const missing = sources.verify({ service: 'planning' });
  await expect(missing).rejects.toBeInstanceOf(NotFound);
  await expect(missing).rejects.toThrow("planning's event store is not in this database (yet): its schema planning has no events table");
  await new EventStore(db, 'planning').migrate();
  await expect(sources.verify({ service: 'planning' })).resolves.toMatchObject({ service: 'planning', intact: true, checked: 0, missingFromStore: { count: 0 } });
});
