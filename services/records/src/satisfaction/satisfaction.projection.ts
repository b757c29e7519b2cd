import { EVENT_TYPES, type SatisfactionResponseRecorded } from '@gantry/contracts';
import type { Migration, SqlClient } from '@gantry/event-store';
import type { LedgerEntry } from '../ledger';

/** Satisfaction responses as the ledger holds them (SatisfactionResponseRecorded comes back from records' own topic). */
export const satisfactionMigrations: Migration[] = [
  {
    id: 'records-006-satisfaction-responses',
    up: (schema) => `
      CREATE TABLE ${schema}.satisfaction_responses (
        response_id text PRIMARY KEY,
        deployment_id text,
        response jsonb NOT NULL,
        responded_at timestamptz NOT NULL,
        position bigint NOT NULL
      );
      CREATE INDEX satisfaction_responses_time ON ${schema}.satisfaction_responses (responded_at);`,
  },
];

export async function projectSatisfactionResponse(tx: SqlClient, schema: string, entry: LedgerEntry): Promise<void> {
  if (entry.event.type !== EVENT_TYPES.SatisfactionResponseRecorded) return;
  const response = entry.event.data as SatisfactionResponseRecorded;
  await tx.query(
    `INSERT INTO ${schema}.satisfaction_responses (response_id, deployment_id, response, responded_at, position) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (response_id) DO NOTHING`,
    [response.responseId, response.deploymentId ?? null, JSON.stringify(response), response.respondedAt, entry.position],
  );
}

/** The responses given in [from, to). */
export async function satisfactionResponsesBetween(client: SqlClient, schema: string, from: string, to: string): Promise<SatisfactionResponseRecorded[]> {
  const result = await client.query<{ response: SatisfactionResponseRecorded }>(
    `SELECT response FROM ${schema}.satisfaction_responses WHERE responded_at >= $1 AND responded_at < $2 ORDER BY position`,
    [from, to],
  );
  return result.rows.map((r) => r.response);
}
