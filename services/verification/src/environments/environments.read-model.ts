import { SERVICE_TOPICS, type EnvironmentDecommissioned, type EnvironmentDefinition, type EnvironmentRegistered, type EnvironmentUpdated } from '@gantry/contracts';
import type { Migration, SqlClient } from '@gantry/event-store';
import type { Reaction, Reactions } from '@gantry/platform';
import type { EnvironmentFacts } from './environment-rules';

/**
 * The environments as planning publishes them (EnvironmentRegistered / Updated / Decommissioned), kept by verification
 * to check target environments. `version` is planning's stream version, so a late, older event changes nothing.
 */
export const environmentsMigrations: Migration[] = [
  {
    id: 'verification/001-environments',
    up: (schema) => `
      CREATE TABLE IF NOT EXISTS "${schema}".environments (
        name text PRIMARY KEY,
        status text NOT NULL,
        version int NOT NULL,
        definition jsonb NOT NULL
      )`,
  },
];

export const environments = (schema: string): Reactions => {
  const keep: Reaction = async (event, tx) => {
    const { registeredAt: _r, updatedAt: _u, ...definition } = event.data as EnvironmentRegistered & EnvironmentUpdated;
    await tx.query(
      `INSERT INTO "${schema}".environments (name, status, version, definition) VALUES ($1, 'active', $2, $3)
       ON CONFLICT (name) DO UPDATE SET status = 'active', version = EXCLUDED.version, definition = EXCLUDED.definition
       WHERE environments.version < EXCLUDED.version`,
      [definition.name, event.streamversion ?? 0, JSON.stringify(definition)],
    );
  };
  return {
    consumer: 'verification.environments',
    topics: [SERVICE_TOPICS.planning],
    on: {
      EnvironmentRegistered: keep,
      EnvironmentUpdated: keep,
      EnvironmentDecommissioned: async (event, tx) => {
        const { name } = event.data as EnvironmentDecommissioned;
        await tx.query(`UPDATE "${schema}".environments SET status = 'decommissioned', version = $2 WHERE name = $1 AND version < $2`, [name, event.streamversion ?? 0]);
      },
    },
  };
};

export interface KnownEnvironment extends EnvironmentFacts {
  version: number;
}

export async function knownEnvironment(tx: SqlClient, schema: string, name: string): Promise<KnownEnvironment | undefined> {
  const { rows } = await tx.query<{ status: 'active' | 'decommissioned'; version: number; definition: EnvironmentDefinition }>(
    `SELECT status, version, definition FROM "${schema}".environments WHERE name = $1`,
    [name],
  );
  return rows[0];
}
