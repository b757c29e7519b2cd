import type { Database, SqlClient } from './database';

/** One step of a schema's history. `up` returns SQL (one or more statements) for the given, validated schema name. */
export interface Migration {
  id: string;
  up: (schema: string) => string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Schema names are interpolated into SQL, so only plain lower-case identifiers are accepted. */
export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new Error(`invalid schema name ${JSON.stringify(schema)}: expected ${SCHEMA_NAME}`);
  return schema;
}

/**
 * Brings a schema up to date: creates it and its `schema_migrations` table if missing, then applies the pending
 * migrations in order, each in its own transaction. An advisory lock on the schema name serializes processes that
 * start at the same time; each one re-checks under the lock, so a migration runs once.
 */
export async function migrate(db: Database, schema: string, migrations: readonly Migration[]): Promise<void> {
  assertSchemaName(schema);
  const ids = migrations.map((m) => m.id);
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate !== undefined) throw new Error(`migration ${duplicate} is listed twice`);

  const applied = await db.transaction(async (tx) => {
    await lockMigrations(tx, schema);
    await tx.query(
      `CREATE SCHEMA IF NOT EXISTS "${schema}";
       CREATE TABLE IF NOT EXISTS "${schema}".schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    return appliedIds(tx, schema);
  });

  for (const migration of migrations) {
    if (applied.has(migration.id)) continue;
    await db.transaction(async (tx) => {
      await lockMigrations(tx, schema);
      if ((await appliedIds(tx, schema)).has(migration.id)) return;
      await tx.query(migration.up(schema));
      await tx.query(`INSERT INTO "${schema}".schema_migrations (id) VALUES ($1)`, [migration.id]);
    });
  }
}

/** Serializes the migrations of one schema across processes, until the transaction ends (read models' too). */
export const lockMigrations = (tx: SqlClient, schema: string) =>
  tx.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`gantry.migrate.${schema}`]);

const appliedIds = async (tx: SqlClient, schema: string) =>
  new Set((await tx.query<{ id: string }>(`SELECT id FROM "${schema}".schema_migrations`)).rows.map((row) => row.id));

/** The event store's tables in a service's schema. Append new migrations at the end; never edit an applied one. */
export const eventStoreMigrations: Migration[] = [
  {
    id: 'event-store/001-events-streams-checkpoints',
    up: (schema) => `
      CREATE TABLE "${schema}".events (
        position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
        stream_id text NOT NULL,
        stream_type text NOT NULL,
        stream_version int NOT NULL,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        schema_version int NOT NULL,
        data jsonb NOT NULL,
        metadata jsonb NOT NULL,
        recorded_at timestamptz NOT NULL,
        previous_hash text NOT NULL,
        hash text NOT NULL,
        CONSTRAINT events_event_id_key UNIQUE (event_id),
        CONSTRAINT events_stream_version_key UNIQUE (stream_id, stream_version)
      );
      CREATE INDEX events_transaction_position ON "${schema}".events (transaction_id, position);

      CREATE TABLE "${schema}".streams (
        stream_id text CONSTRAINT streams_pkey PRIMARY KEY,
        stream_type text NOT NULL,
        version int NOT NULL,
        last_hash text NOT NULL
      );

      CREATE TABLE "${schema}".checkpoints (
        name text PRIMARY KEY,
        transaction_id xid8 NOT NULL,
        position bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE FUNCTION "${schema}".events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $body$
      BEGIN
        RAISE EXCEPTION 'the events table is append-only: % on %.events is not allowed', TG_OP, TG_TABLE_SCHEMA
          USING ERRCODE = 'insufficient_privilege';
      END
      $body$;
      CREATE TRIGGER events_no_update_or_delete BEFORE UPDATE OR DELETE ON "${schema}".events
        FOR EACH ROW EXECUTE FUNCTION "${schema}".events_are_append_only();
      CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON "${schema}".events
        FOR EACH STATEMENT EXECUTE FUNCTION "${schema}".events_are_append_only();
      REVOKE UPDATE, DELETE, TRUNCATE ON "${schema}".events FROM PUBLIC;
    `,
  },
  {
    // The streams of one type (planning's environments and services, read by every deployment command): without it each
    // such read scanned every stream, one more with each deployment.
    id: 'event-store/002-streams-by-type',
    up: (schema) => `CREATE INDEX streams_by_type ON "${schema}".streams (stream_type, stream_id)`,
  },
];
