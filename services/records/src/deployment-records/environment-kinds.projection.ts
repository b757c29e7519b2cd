import { eventNameOf, type EnvironmentKind, type EnvironmentRegistered, type EnvironmentUpdated } from '@gantry/contracts';
import type { Migration, SqlClient } from '@gantry/event-store';
import type { LedgerEntry } from '../ledger';
import type { DeploymentRecord } from './deployment-record.decider';

/**
 * The kind of each environment planning registered (EnvironmentRegistered, EnvironmentUpdated in the ledger): what a
 * record planned without an environment snapshot is counted by, so `prod-eu` of kind production counts as production.
 */
export const environmentKindsMigrations: Migration[] = [
  {
    id: 'records-014-environment-kinds',
    up: (schema) => `
      CREATE TABLE ${schema}.environment_kinds (
        environment text PRIMARY KEY,
        kind text NOT NULL,
        last_position bigint NOT NULL
      );`,
  },
];

/** Keeps an environment's latest kind; an older entry folded after a newer one (a rebuild is in order) changes nothing. */
export async function projectEnvironmentKind(tx: SqlClient, schema: string, entry: LedgerEntry): Promise<void> {
  const name = eventNameOf(entry.event.type);
  if (name !== 'EnvironmentRegistered' && name !== 'EnvironmentUpdated') return;
  const environment = entry.event.data as EnvironmentRegistered | EnvironmentUpdated;
  await tx.query(
    `INSERT INTO ${schema}.environment_kinds (environment, kind, last_position) VALUES ($1, $2, $3)
     ON CONFLICT (environment) DO UPDATE SET kind = EXCLUDED.kind, last_position = EXCLUDED.last_position WHERE ${schema}.environment_kinds.last_position < EXCLUDED.last_position`,
    [environment.name, environment.kind, entry.position],
  );
}

export async function environmentKinds(client: SqlClient, schema: string): Promise<Map<string, EnvironmentKind>> {
  const { rows } = await client.query<{ environment: string; kind: EnvironmentKind }>(`SELECT environment, kind FROM ${schema}.environment_kinds`);
  return new Map(rows.map((r) => [r.environment, r.kind]));
}

/** The record with its environment's kind: as planned, else as the environment was last registered. */
export async function withEnvironmentKind(client: SqlClient, schema: string, record: DeploymentRecord): Promise<DeploymentRecord> {
  if (record.environmentKind || !record.environment) return record;
  const { rows } = await client.query<{ kind: EnvironmentKind }>(`SELECT kind FROM ${schema}.environment_kinds WHERE environment = $1`, [record.environment]);
  return rows[0] ? { ...record, environmentKind: rows[0].kind } : record;
}
