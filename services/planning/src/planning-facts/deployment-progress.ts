import { SERVICE_TOPICS, type DeploymentExecuted, type DeploymentOutcome, type DeploymentRecordClosed } from '@gantry/contracts';
import type { EventStore, Migration, SqlClient } from '@gantry/event-store';
import type { Reaction, Reactions } from '@gantry/platform';

/**
 * How far each deployment has come after planning, as verification, execution and records report it on their
 * topics. Execution's start is kept in `started_deployments` (planning-facts.ts), which also guards cancel
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

/** The PostgreSQL channel on which a planning schema announces that a deployment changed; the payload is its id. */
export const deploymentChangedChannel = (schema: string) => `${schema}.deployment_changed`;

/**
 * Announces, in the transaction that changes the deployment, that it changed: NOTIFY is delivered when the transaction
 * commits, to every replica listening (deployments/deployment-watch.ts), and never for a rolled-back change.
 */
export const announceDeploymentChange = (tx: SqlClient, schema: string, deploymentId: string) =>
  tx.query('SELECT pg_notify($1, $2)', [deploymentChangedChannel(schema), deploymentId]).then(() => undefined);

const progressOf = (schema: string, columns: (event: { data?: unknown }) => Record<string, unknown>): Reaction => async (event, tx) => {
  const { deploymentId } = event.data as { deploymentId: string };
  await announceDeploymentChange(tx, schema, deploymentId);
  const values = columns(event);
  const names = Object.keys(values);
  await tx.query(
    `INSERT INTO "${schema}".deployment_progress (deployment_id, ${names.join(', ')}) VALUES ($1, ${names.map((_, i) => `$${i + 2}`).join(', ')})
     ON CONFLICT (deployment_id) DO UPDATE SET ${names.map((n) => `${n} = EXCLUDED.${n}`).join(', ')}`,
    [deploymentId, ...Object.values(values)],
  );
};

export const deploymentProgress = (store: EventStore): Reactions => ({
  consumer: 'planning.deployment-progress',
  topics: [SERVICE_TOPICS.verification, SERVICE_TOPICS.execution, SERVICE_TOPICS.records],
  on: {
    ComponentsVerified: progressOf(store.schema, () => ({ components_verified: true })),
    TargetEnvironmentVerified: progressOf(store.schema, () => ({ environment_verified: true })),
    DeploymentExecuted: progressOf(store.schema, (event) => ({ executed_at: (event.data as DeploymentExecuted).executedAt })),
    DeploymentRecordClosed: progressOf(store.schema, (event) => {
      const { outcome, cause, closedAt } = event.data as DeploymentRecordClosed;
      return { outcome, cause: cause ?? null, closed_at: closedAt };
    }),
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
