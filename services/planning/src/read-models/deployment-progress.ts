import { eventNameOf, SERVICE_TOPICS, type DeploymentExecuted, type DeploymentOutcome, type DeploymentRecordClosed, type EventName } from '@gantry/contracts';
import type { EventStore, Migration, SqlClient } from '@gantry/event-store';
import type { ConsumerSpec } from '@gantry/platform';

/**
 * How far each deployment has come after planning, as verification, execution and records report it on their
 * topics. Execution's start is kept in `started_deployments` (planning-read-models.ts), which also guards cancel
 * and reschedule.
 */
export const deploymentProgressMigrations: readonly Migration[] = [
  {
    id: 'planning-deployment-progress-1',
    up: (schema) => `
      CREATE TABLE "${schema}".deployment_progress (
        deployment_id text PRIMARY KEY,
        components_verified boolean NOT NULL DEFAULT false,
        environment_verified boolean NOT NULL DEFAULT false,
        executed_at timestamptz,
        outcome text,
        cause text,
        closed_at timestamptz
      );`,
  },
];

/** What the services after planning reported about a deployment (deployments/deployment-status.ts turns it into a status). */
export interface DeploymentProgress {
  /** verification's ComponentsVerified */
  componentsVerified?: true;
  /** verification's TargetEnvironmentVerified */
  environmentVerified?: true;
  /** execution's DeploymentStarted */
  startedAt?: string;
  /** execution's DeploymentExecuted */
  executedAt?: string;
  /** records' DeploymentRecordClosed */
  outcome?: DeploymentOutcome;
  cause?: string;
  closedAt?: string;
}

const PROGRESS_EVENTS: readonly EventName[] = ['ComponentsVerified', 'TargetEnvironmentVerified', 'DeploymentExecuted', 'DeploymentRecordClosed'];

export const deploymentProgressConsumer = (store: EventStore): ConsumerSpec => ({
  name: 'planning.deployment-progress',
  topics: [SERVICE_TOPICS.verification, SERVICE_TOPICS.execution, SERVICE_TOPICS.records],
  accepts: (type) => PROGRESS_EVENTS.includes(eventNameOf(type)!),
  handle: async (event, tx) => {
    const table = `"${store.schema}".deployment_progress`;
    const { deploymentId } = event.data as { deploymentId: string };
    switch (eventNameOf(event.type)) {
      case 'ComponentsVerified':
        await tx.query(`INSERT INTO ${table} (deployment_id, components_verified) VALUES ($1, true) ON CONFLICT (deployment_id) DO UPDATE SET components_verified = true`, [deploymentId]);
        return;
      case 'TargetEnvironmentVerified':
        await tx.query(`INSERT INTO ${table} (deployment_id, environment_verified) VALUES ($1, true) ON CONFLICT (deployment_id) DO UPDATE SET environment_verified = true`, [deploymentId]);
        return;
      case 'DeploymentExecuted': {
        const { executedAt } = event.data as DeploymentExecuted;
        await tx.query(`INSERT INTO ${table} (deployment_id, executed_at) VALUES ($1, $2) ON CONFLICT (deployment_id) DO UPDATE SET executed_at = EXCLUDED.executed_at`, [deploymentId, executedAt]);
        return;
      }
      case 'DeploymentRecordClosed': {
        const { outcome, cause, closedAt } = event.data as DeploymentRecordClosed;
        await tx.query(
          `INSERT INTO ${table} (deployment_id, outcome, cause, closed_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (deployment_id) DO UPDATE SET outcome = EXCLUDED.outcome, cause = EXCLUDED.cause, closed_at = EXCLUDED.closed_at`,
          [deploymentId, outcome, cause ?? null, closedAt],
        );
        return;
      }
    }
  },
});

const iso = (value: Date | string | null) => (value === null ? undefined : new Date(value).toISOString());

export async function readDeploymentProgress(client: SqlClient, schema: string, deploymentId: string): Promise<DeploymentProgress> {
  const { rows } = await client.query<{
    components_verified: boolean | null;
    environment_verified: boolean | null;
    started_at: Date | string | null;
    executed_at: Date | string | null;
    outcome: DeploymentProgress['outcome'] | null;
    cause: string | null;
    closed_at: Date | string | null;
  }>(
    `SELECT p.components_verified, p.environment_verified, s.started_at, p.executed_at, p.outcome, p.cause, p.closed_at
       FROM (SELECT $1::text AS deployment_id) d
       LEFT JOIN "${schema}".deployment_progress p ON p.deployment_id = d.deployment_id
       LEFT JOIN "${schema}".started_deployments s ON s.deployment_id = d.deployment_id`,
    [deploymentId],
  );
  const row = rows[0];
  const progress: DeploymentProgress = {
    ...(row.components_verified ? { componentsVerified: true } : {}),
    ...(row.environment_verified ? { environmentVerified: true } : {}),
    startedAt: iso(row.started_at),
    executedAt: iso(row.executed_at),
    outcome: row.outcome ?? undefined,
    cause: row.cause ?? undefined,
    closedAt: iso(row.closed_at),
  };
  return Object.fromEntries(Object.entries(progress).filter(([, v]) => v !== undefined)) as DeploymentProgress;
}
