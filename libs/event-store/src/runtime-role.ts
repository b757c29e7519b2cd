import type { SqlClient } from './database';
import { assertSchemaName } from './migrations';
import { READ_MODEL_MIGRATIONS_TABLE } from './read-models';

/**
 * The runtime role: the database role the services connect as, next to the owner role that runs the migrations and
 * owns every table. It owns nothing, so it cannot ALTER a table, disable a trigger, DROP or TRUNCATE what it was not
 * granted; what it may do to each table follows the table's own triggers, read from the catalogue after every
 * migration run, so a new table is covered without a list to keep up to date.
 */
export type TablePrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE' | 'TRUNCATE';

/** A table (or view) of a schema as the catalogue describes it, with the operations its triggers refuse outright. */
export interface TableTriggers {
  table: string;
  /** pg_class.relkind: r table, p partitioned table, v view, m materialized view */
  kind: string;
  /** the `pg_trigger.tgtype` of each BEFORE trigger whose function refuses (see REFUSING_TRIGGER_FUNCTION) */
  refusingTriggerTypes: readonly number[];
}

/**
 * A trigger function that refuses whatever fires it: the append-only guards (`events_are_append_only`,
 * `ledger_is_append_only`) are named so. A guard that admits some changes (the ledger head moving forward) is named
 * otherwise, and the operation it guards stays granted.
 */
export const REFUSING_TRIGGER_FUNCTION = /append_only$/;

/** pg_trigger.tgtype bits (PostgreSQL's trigger.h) */
const BEFORE = 1 << 1;
const FIRES_ON: Record<'UPDATE' | 'DELETE' | 'TRUNCATE', number> = { DELETE: 1 << 3, UPDATE: 1 << 4, TRUNCATE: 1 << 5 };

/** Migration bookkeeping: written by the owner's migrations only. */
const MIGRATION_TABLES = new Set(['schema_migrations', READ_MODEL_MIGRATIONS_TABLE]);

/**
 * What the runtime role may do to one table: everything a service does to a read model, an inbox or a stream head,
 * less each operation a refusing trigger of the table guards. An append-only table (events, the ledger, its nodes and
 * checkpoints) comes out as SELECT and INSERT; the ledger head, whose deletion is refused and whose updates are
 * checked, as SELECT, INSERT and UPDATE. Views are read, migration bookkeeping only read.
 */
export function runtimePrivilegesOf({ table, kind, refusingTriggerTypes }: TableTriggers): TablePrivilege[] {
  if (kind === 'v' || kind === 'm' || MIGRATION_TABLES.has(table)) return ['SELECT'];
  const refused = (Object.keys(FIRES_ON) as (keyof typeof FIRES_ON)[]).filter((op) => refusingTriggerTypes.some((type) => (type & BEFORE) !== 0 && (type & FIRES_ON[op]) !== 0));
  return (['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'] as const).filter((privilege) => !refused.includes(privilege as keyof typeof FIRES_ON));
}

/** A name as SQL: quoted, so that a role's name from a connection string cannot be read as anything else. */
export const quoteIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Every table and view of a schema with its refusing triggers, enabled or not: a disabled guard grants nothing more. */
export async function tableTriggersOf(tx: SqlClient, schema: string): Promise<TableTriggers[]> {
  const { rows } = await tx.query<{ table: string; kind: string; types: number[] }>(
    `SELECT c.relname AS table, c.relkind AS kind,
            coalesce(array_agg(t.tgtype::int) FILTER (WHERE p.proname ~ $2), '{}') AS types
       FROM pg_class c
       LEFT JOIN pg_trigger t ON t.tgrelid = c.oid AND NOT t.tgisinternal
       LEFT JOIN pg_proc p ON p.oid = t.tgfoid
      WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm')
      GROUP BY c.relname, c.relkind
      ORDER BY c.relname`,
    [assertSchemaName(schema), REFUSING_TRIGGER_FUNCTION.source],
  );
  return rows.map((row) => ({ table: row.table, kind: row.kind, refusingTriggerTypes: row.types }));
}

/**
 * Grants the runtime role what it may do in a schema, as its owner, after the schema's migrations: USAGE on the schema
 * (not CREATE), each table's privileges from its triggers (revoked first, so a table that became append-only loses
 * what it had), and its sequences' USAGE. Returns what was granted, table by table.
 */
export async function grantRuntimeRole(tx: SqlClient, schema: string, role: string): Promise<Record<string, TablePrivilege[]>> {
  const s = `"${assertSchemaName(schema)}"`;
  const r = quoteIdentifier(role);
  await tx.query(`REVOKE ALL ON SCHEMA ${s} FROM ${r}; REVOKE ALL ON ALL TABLES IN SCHEMA ${s} FROM ${r}; REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${s} FROM ${r}`);
  await tx.query(`GRANT USAGE ON SCHEMA ${s} TO ${r}; GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${s} TO ${r}`);
  const granted: Record<string, TablePrivilege[]> = {};
  const tables = await tableTriggersOf(tx, schema);
  if (tables.length > 0) {
    const grants = tables.map((table) => {
      granted[table.table] = runtimePrivilegesOf(table);
      return `GRANT ${granted[table.table]!.join(', ')} ON ${s}.${quoteIdentifier(table.table)} TO ${r}`;
    });
    await tx.query(grants.join(';\n'));
  }
  return granted;
}
