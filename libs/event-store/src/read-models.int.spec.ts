import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { createTestDatabase } from '@gantry/testing';
import type { AddressInfo, Server } from 'node:net';
import { Column, Entity, PrimaryColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { Database } from './database';
import { EventStore } from './event-store';
import { migrate } from './migrations';
import { READ_MODEL_MIGRATIONS_TABLE, ReadModels, schemaOf } from './read-models';
import { newEvents } from './test-fixtures';

/** A read model of the test's own: how many events each deployment stream has. */
@Entity({ name: 'deployment_counts' })
class DeploymentCount {
  @PrimaryColumn('text', { name: 'deployment_id' })
  deploymentId!: string;

  @Column('int')
  events!: number;

  @Column('jsonb')
  last!: { type: string };
}

const ran: string[] = [];

class DeploymentCounts1796515200000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    ran.push(schemaOf(queryRunner));
    // IF NOT EXISTS: an installation whose table the SQL migration `counts-1` created moves over unchanged
    await queryRunner.query(`CREATE TABLE IF NOT EXISTS "${schemaOf(queryRunner)}".deployment_counts (deployment_id text PRIMARY KEY, events int NOT NULL, last jsonb NOT NULL)`);
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "${schemaOf(queryRunner)}".deployment_counts`);
  }
}

class DeploymentCountsByEvents1796601600000 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX deployment_counts_events ON "${schemaOf(queryRunner)}".deployment_counts (events)`);
  }
  async down(): Promise<void> {}
}

const options = { entities: [DeploymentCount], migrations: [DeploymentCounts1796515200000, DeploymentCountsByEvents1796601600000] };

interface Server_ {
  db: (options?: { max?: number }) => Database;
  stop(): Promise<void>;
}

const postgres = async (): Promise<Server_> => {
  const database = await createTestDatabase('gantry_read_models');
  const opened: Database[] = [];
  return {
    db: ({ max = 10 } = {}) => {
      const db = Database.connect(database.url, { max });
      opened.push(db);
      return db;
    },
    stop: async () => {
      for (const db of opened) await db.close();
      await database.drop();
    },
  };
};

/** The embedded default: PGlite behind its socket server, one session shared by every connection. */
const pglite = async (): Promise<Server_> => {
  const lite = await PGlite.create();
  const server = new PGLiteSocketServer({ db: lite, host: '127.0.0.1', port: 0, maxConnections: 16 });
  await server.start();
  const { port } = (server as unknown as { server: Server }).server.address() as AddressInfo;
  const opened: Database[] = [];
  return {
    db: ({ max = 4 } = {}) => {
      const db = Database.connect(`postgres://postgres@127.0.0.1:${port}/postgres`, { max, namedStatements: false });
      opened.push(db);
      return db;
    },
    stop: async () => {
      for (const db of opened) await db.close();
      await server.stop();
      await lite.close();
    },
  };
};

describe.each([
  ['PostgreSQL', postgres],
  ['PGlite', pglite],
])('ReadModels on %s', (_name, start) => {
  let server: Server_;
  let db: Database;
  let store: EventStore;
  let readModels: ReadModels;

  beforeAll(async () => {
    server = await start();
    db = server.db();
    store = new EventStore(db, 'planning');
    await store.migrate();
    readModels = new ReadModels(db, 'planning', options);
    await readModels.open();
  }, 60_000);
  afterAll(() => server?.stop());

  const count = (deploymentId: string) => readModels.manager(db).findOneBy(DeploymentCount, { deploymentId });

  it('writes an entity on the transaction of the append: one connection, one transaction, committed together', async () => {
    const seen = await db.transaction(async (tx) => {
      const appended = await store.append(tx, 'Deployment-1', 'Deployment', 0, newEvents(2));
      const manager = readModels.manager(tx);
      await manager.upsert(DeploymentCount, { deploymentId: '1', events: appended.nextVersion, last: { type: 'DeploymentRequested' } }, ['deploymentId']);
      const [ours] = await manager.query(`SELECT pg_backend_pid() AS pid, pg_current_xact_id()::text AS xact`);
      const theirs = (await tx.query<{ pid: number; xact: string }>(`SELECT pg_backend_pid() AS pid, pg_current_xact_id()::text AS xact`)).rows[0];
      return { ours, theirs };
    });
    expect(seen.ours).toEqual(seen.theirs);
    expect(await count('1')).toEqual({ deploymentId: '1', events: 2, last: { type: 'DeploymentRequested' } });
    expect(await store.streamVersion('Deployment-1')).toBe(2);
  });

  it('rolls the entity back with the append when the transaction fails after both', async () => {
    await expect(
      db.transaction(async (tx) => {
        await store.append(tx, 'Deployment-2', 'Deployment', 0, newEvents(1));
        await readModels.manager(tx).save(DeploymentCount, { deploymentId: '2', events: 1, last: { type: 'DeploymentRequested' } });
        throw new Error('the handler fails after writing');
      }),
    ).rejects.toThrow(/after writing/);
    expect(await count('2')).toBeNull();
    expect(await store.streamVersion('Deployment-2')).toBe(0);
  });

  it('rolls the append back when the entity write fails', async () => {
    await expect(
      db.transaction(async (tx) => {
        await store.append(tx, 'Deployment-3', 'Deployment', 0, newEvents(1));
        await readModels.manager(tx).insert(DeploymentCount, { deploymentId: '3', events: 1, last: null as never });
      }),
    ).rejects.toThrow(/null value/);
    expect(await store.streamVersion('Deployment-3')).toBe(0);
    expect(await count('3')).toBeNull();
  });

  it('keeps its savepoints inside the transaction: a nested manager.transaction() that fails undoes only itself', async () => {
    await db.transaction(async (tx) => {
      await store.append(tx, 'Deployment-4', 'Deployment', 0, newEvents(1));
      const manager = readModels.manager(tx);
      await manager.insert(DeploymentCount, { deploymentId: '4', events: 1, last: { type: 'a' } });
      await expect(manager.transaction((nested) => nested.insert(DeploymentCount, { deploymentId: '4', events: 2, last: { type: 'b' } }))).rejects.toThrow(/duplicate key/);
    });
    expect(await count('4')).toEqual({ deploymentId: '4', events: 1, last: { type: 'a' } });
    expect(await store.streamVersion('Deployment-4')).toBe(1);
  });

  it('commits entity writes of transactions that run at the same time, each on its own client', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        db.transaction(async (tx) => {
          const appended = await store.append(tx, `Deployment-c${n}`, 'Deployment', 0, newEvents(1 + (n % 3)));
          await readModels.manager(tx).upsert(DeploymentCount, { deploymentId: `c${n}`, events: appended.nextVersion, last: { type: 'x' } }, ['deploymentId']);
        }),
      ),
    );
    const counts = await readModels.manager(db).find(DeploymentCount, { order: { deploymentId: 'ASC' } });
    expect(counts.filter((c) => c.deploymentId.startsWith('c')).map((c) => c.events)).toEqual([1, 2, 3, 1, 2, 3, 1, 2]);
  });

  it('runs each read-model migration once, recorded in the schema, however often and by however many processes it opens', async () => {
    const before = ran.length;
    const others = [server.db(), server.db()];
    await Promise.all(others.map((other) => new ReadModels(other, 'planning', options).open()));
    await new ReadModels(db, 'planning', options).open();
    expect(ran.length).toBe(before);
    const recorded = await db.query<{ name: string }>(`SELECT name FROM planning.${READ_MODEL_MIGRATIONS_TABLE} ORDER BY id`);
    expect(recorded.rows.map((r) => r.name)).toEqual(['DeploymentCounts1796515200000', 'DeploymentCountsByEvents1796601600000']);

    // another schema (another service, or another test) gets tables of its own
    await new EventStore(db, 'records').migrate();
    await Promise.all(others.map((other) => new ReadModels(other, 'records', options).open()));
    expect(ran.slice(before)).toEqual(['records']);
    const records = new ReadModels(db, 'records', options);
    await records.open();
    await db.transaction((tx) => records.manager(tx).insert(DeploymentCount, { deploymentId: 'r', events: 1, last: { type: 'x' } }));
    expect(await records.manager(db).countBy(DeploymentCount, {})).toBe(1);
    expect(await readModels.manager(db).countBy(DeploymentCount, { deploymentId: 'r' })).toBe(0);
  });

  it('moves an installation whose table an SQL migration created over to the TypeORM migrations without touching its rows', async () => {
    await migrate(db, 'execution', [
      { id: 'counts-1', up: (schema) => `CREATE TABLE "${schema}".deployment_counts (deployment_id text PRIMARY KEY, events int NOT NULL, last jsonb NOT NULL)` },
    ]);
    await db.query(`INSERT INTO execution.deployment_counts VALUES ('old', 7, '{"type":"DeploymentPlanned"}')`);
    const moved = new ReadModels(db, 'execution', options);
    await moved.open();
    expect(await moved.manager(db).findOneBy(DeploymentCount, { deploymentId: 'old' })).toEqual({ deploymentId: 'old', events: 7, last: { type: 'DeploymentPlanned' } });
    const recorded = await db.query<{ name: string }>(`SELECT name FROM execution.${READ_MODEL_MIGRATIONS_TABLE} ORDER BY id`);
    expect(recorded.rows.map((r) => r.name)).toEqual(['DeploymentCounts1796515200000', 'DeploymentCountsByEvents1796601600000']);
  });

  it('rolls back every read-model migration of a start when one fails, and records none of them', async () => {
    class Broken1796688000000 implements MigrationInterface {
      async up(queryRunner: QueryRunner) {
        await queryRunner.query(`SELECT no_such_function()`);
      }
      async down() {}
    }
    await new EventStore(db, 'verification').migrate();
    const broken = new ReadModels(db, 'verification', { ...options, migrations: [...options.migrations, Broken1796688000000] });
    await expect(broken.open()).rejects.toThrow(/no_such_function/);
    const { rows } = await db.query(`SELECT to_regclass('verification.deployment_counts') AS counts, to_regclass('verification.${READ_MODEL_MIGRATIONS_TABLE}') AS recorded`);
    expect(rows[0]).toEqual({ counts: null, recorded: null });
    // the pool stays the Database's: a DataSource that is destroyed does not end it
    await broken.dataSource.destroy();
    expect((await db.query(`SELECT 1 AS one`)).rows).toEqual([{ one: 1 }]);
  });

  it('refuses a manager before the read models are open', () => {
    expect(() => new ReadModels(db, 'planning', options).manager(db)).toThrow(/not open/);
  });
});
