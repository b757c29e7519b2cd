import type { Migration, SqlClient } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';
import { emptyRecord, evolveRecord, type DeploymentRecord } from './deployment-record.decider';

/** The live read model of deployment records, updated in the same transaction as the ledger entry it folds. */
export const deploymentRecordsMigrations: Migration[] = [
  {
    id: 'records-002-deployment-records',
    up: (schema) => `
      CREATE TABLE ${schema}.deployment_records (
        deployment_id text PRIMARY KEY,
        record jsonb NOT NULL,
        last_position bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );`,
  },
];

export async function projectDeploymentRecord(tx: SqlClient, schema: string, deploymentId: string, event: CloudEvent, position: number): Promise<DeploymentRecord> {
  const current = await tx.query<{ record: DeploymentRecord }>(`SELECT record FROM ${schema}.deployment_records WHERE deployment_id = $1 FOR UPDATE`, [deploymentId]);
  const record = evolveRecord(current.rows[0]?.record ?? emptyRecord(deploymentId), event);
  await tx.query(
    `INSERT INTO ${schema}.deployment_records (deployment_id, record, last_position) VALUES ($1, $2, $3)
     ON CONFLICT (deployment_id) DO UPDATE SET record = EXCLUDED.record, last_position = EXCLUDED.last_position, updated_at = now()`,
    [deploymentId, JSON.stringify(record), position],
  );
  return record;
}

export async function readDeploymentRecord(client: SqlClient, schema: string, deploymentId: string): Promise<DeploymentRecord | undefined> {
  const result = await client.query<{ record: DeploymentRecord }>(`SELECT record FROM ${schema}.deployment_records WHERE deployment_id = $1`, [deploymentId]);
  return result.rows[0]?.record;
}
