import { DataSource, MigrationExecutor, type EntityManager, type EntitySchema, type Logger, type MigrationInterface, type QueryRunner } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { PostgresQueryRunner } from 'typeorm/driver/postgres/PostgresQueryRunner';
import type { Database, SqlClient } from './database';
import { assertSchemaName, lockMigrations } from './migrations';

/**
 * A read model's migration: a TypeORM migration class. TypeORM orders migrations by the JavaScript timestamp that ends
 * the class's name (`PlanningReadModels1796515200000`) and records each name once it ran. The schema is chosen at run
 * time (each service has its own, tests their own): `up` takes it from `schemaOf(queryRunner)`, never from a literal.
 */
export type ReadModelMigration = new () => MigrationInterface;

export interface ReadModelsOptions {
  /** entity classes (decorated, without a schema of their own) or EntitySchemas */
  entities: readonly (Function | EntitySchema<any>)[];
  migrations: readonly ReadModelMigration[];
}

/** The table TypeORM records a schema's applied read-model migrations in, beside `schema_migrations`. */
export const READ_MODEL_MIGRATIONS_TABLE = 'typeorm_migrations';

/** The schema a migration runs in: the one of the DataSource the migration runs for. */
export const schemaOf = (queryRunner: QueryRunner): string => assertSchemaName((queryRunner.connection.driver as PostgresDriver).schema!);

/**
 * A service's read models as TypeORM entities, on the connections of the process's one pool (`Database`): no second
 * pool, and inside a transaction the entities are written on that transaction's own client. So a projection or a
 * command handler writes its entities in the same transaction as the events it follows (or the inbox row and the
 * checkpoint it advances), while the event store keeps its hand-written statements. On PGlite, where one transaction
 * at a time runs across all connections, that is not only atomic but also the only way that does not deadlock.
 *
 * One per service schema: entities carry no schema of their own; the DataSource's `schema` puts their tables in it.
 */
export class ReadModels {
  readonly dataSource: DataSource;
  private opening: Promise<void> | undefined;
  private readonly managers = new WeakMap<object, EntityManager>();

  constructor(
    readonly db: Database,
    readonly schema: string,
    options: ReadModelsOptions,
  ) {
    assertSchemaName(schema);
    this.dataSource = new DataSource({
      type: 'postgres',
      schema,
      entities: [...options.entities],
      migrations: [...options.migrations],
      migrationsTableName: READ_MODEL_MIGRATIONS_TABLE,
      // the driver TypeORM would `require('pg')` for: its Pool is the Database's (see borrowedPool)
      driver: { Pool: function BorrowedPool() { return borrowedPool(db); } },
      installExtensions: false,
      // a failing statement or migration throws to its caller, which logs it as the rest of Gantry's failures
      logger: SILENT,
    });
  }

  /**
   * Builds the entities' metadata and brings the schema's read-model tables up to date: the pending migrations run in
   * one transaction under the lock `migrate()` takes for the schema, so processes starting together run each once.
   * The schema must exist (the event store's migrations create it). Safe to call again: it opens once.
   *
   * @param owner the connection of the role that owns the schema, when `db` is a runtime role's: the migrations run
   *   on it, the entities are then written through `db`
   */
  open(owner: Database = this.db): Promise<void> {
    this.opening ??= (async () => {
      await this.dataSource.initialize();
      await owner.transaction(async (tx) => {
        await lockMigrations(tx, this.schema);
        const executor = new MigrationExecutor(this.dataSource, this.runnerOn(tx));
        executor.transaction = 'none'; // the transaction is ours
        await executor.executePendingMigrations();
      });
    })().catch((error) => {
      this.opening = undefined;
      throw error;
    });
    return this.opening;
  }

  /**
   * An EntityManager that runs its statements on `tx`, the client of a transaction the caller holds (what
   * `Database.transaction` passes to its work, what a consumer's handler gets). It neither begins nor commits: the
   * owner of the transaction does; a nested `manager.transaction()` becomes a savepoint. Given the pool (`db` itself
   * or `db.pool`), outside any transaction, it is the DataSource's own manager, which takes a connection per statement.
   */
  manager(tx: SqlClient | Database): EntityManager {
    if (!this.dataSource.isInitialized) throw new Error(`the read models of schema ${this.schema} are not open: call open() first (the ServiceHost does at start)`);
    if (tx === this.db || tx === this.db.pool) return this.dataSource.manager;
    let manager = this.managers.get(tx);
    if (!manager) {
      manager = this.runnerOn(tx as SqlClient).manager;
      this.managers.set(tx, manager);
    }
    return manager;
  }

  private runnerOn(tx: SqlClient): QueryRunner {
    const runner = new TransactionRunner(this.dataSource.driver as PostgresDriver, tx);
    Object.assign(runner, { manager: this.dataSource.createEntityManager(runner) });
    return runner;
  }
}

const SILENT: Logger = { logQuery: () => undefined, logQueryError: () => undefined, logQuerySlow: () => undefined, logSchemaBuild: () => undefined, logMigration: () => undefined, log: () => undefined };

/**
 * TypeORM's PostgreSQL query runner on a connection it did not take from a pool and does not give back: the client of
 * a transaction that is already open. Its statements go to that client as they are (`client.query(text, values)`).
 */
class TransactionRunner extends PostgresQueryRunner {
  constructor(driver: PostgresDriver, client: SqlClient) {
    super(driver, 'master');
    this.databaseConnection = client;
    this.isTransactionActive = true;
    this.transactionDepth = 1;
  }

  // The transaction's owner releases the client; a runner TypeORM thinks it may release stays usable.
  override release(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * What TypeORM's PostgreSQL driver needs of a pg Pool (`connect`, `on`, `end`), lent from the Database: the
 * DataSource's own statements outside transactions (its start-up queries, `dataSource.manager`) use the process's
 * one pool, and a DataSource that is destroyed (or fails to initialize) leaves the pool to the Database that owns it.
 */
function borrowedPool(db: Database) {
  const pool = {
    connect: (callback: (...args: unknown[]) => void) => db.pool.connect(callback as never),
    on: () => pool, // the Database handles its pool's errors
    end: (callback?: (error?: Error) => void) => callback?.(),
  };
  return pool;
}
