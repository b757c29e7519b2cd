import { SERVICE_TOPICS, type DeploymentModelContent, type DeploymentModelPublished, type DeploymentModelRetired, type DeploymentRecordClosed, type DeploymentStarted } from '@gantry/contracts';
import { EventStore, type Migration, type SqlClient } from '@gantry/event-store';
import type { Reactions } from '@gantry/platform';

/**
 * Planning's read models of other services' facts: the deployment models (active or retired, from model-review) and
 * the component versions that succeeded in an environment (from records), for the promotion rule.
 */
export const planningFactsMigrations: readonly Migration[] = [
  {
    id: 'planning-read-models-1',
    up: (schema) => `
      CREATE TABLE "${schema}".deployment_models (
        name text PRIMARY KEY,
        version int NOT NULL,
        status text NOT NULL CHECK (status IN ('active', 'retired')),
        content jsonb NOT NULL
      );
      CREATE TABLE "${schema}".succeeded_versions (
        environment_kind text NOT NULL,
        name text NOT NULL,
        version text NOT NULL,
        deployment_id text NOT NULL,
        environment text NOT NULL,
        PRIMARY KEY (environment_kind, name, version, deployment_id)
      );
      CREATE TABLE "${schema}".started_deployments (deployment_id text PRIMARY KEY, started_at timestamptz NOT NULL);`,
  },
];

/** Whether execution has started the deployment: then it can no longer be cancelled or rescheduled here. */
export async function hasStarted(client: SqlClient, schema: string, deploymentId: string): Promise<boolean> {
  return ((await client.query(`SELECT 1 FROM "${schema}".started_deployments WHERE deployment_id = $1`, [deploymentId])).rowCount ?? 0) > 0;
}

/** Execution's DeploymentStarted: the deployment left planning's hands. */
export const startedDeployments = (store: EventStore): Reactions => ({
  consumer: 'planning.started-deployments',
  topics: [SERVICE_TOPICS.execution],
  on: {
    DeploymentStarted: async (event, tx) => {
      const started = event.data as DeploymentStarted;
      await tx.query(`INSERT INTO "${store.schema}".started_deployments (deployment_id, started_at) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [started.deploymentId, started.startedAt]);
    },
  },
});

/** The active version of a deployment model, as planning's read model keeps it. */
export interface ActiveModel {
  name: string;
  version: number;
  content: DeploymentModelContent;
}

export async function readActiveModels(client: SqlClient, schema: string): Promise<{ active: ActiveModel[]; retired: string[] }> {
  const rows = (await client.query<{ name: string; version: number; status: string; content: ActiveModel['content'] }>(`SELECT name, version, status, content FROM "${schema}".deployment_models`)).rows;
  return {
    active: rows.filter((r) => r.status === 'active').map(({ name, version, content }) => ({ name, version, content })),
    retired: rows.filter((r) => r.status === 'retired').map((r) => r.name),
  };
}

export async function readSucceededVersions(client: SqlClient, schema: string, components: readonly { name: string; version: string }[]) {
  if (components.length === 0) return [];
  const rows = await client.query<{ environment_kind: string; name: string; version: string }>(
    `SELECT DISTINCT environment_kind, name, version FROM "${schema}".succeeded_versions WHERE name = ANY($1::text[]) AND version = ANY($2::text[])`,
    [components.map((c) => c.name), components.map((c) => c.version)],
  );
  return rows.rows.map((r) => ({ environmentKind: r.environment_kind, name: r.name, version: r.version }));
}

/** Active models from model-review: a published version replaces an earlier one; a retired model plans nothing more. */
export const deploymentModels = (store: EventStore): Reactions => ({
  consumer: 'planning.deployment-models',
  topics: [SERVICE_TOPICS['model-review']],
  on: {
    DeploymentModelPublished: async (event, tx) => {
      const published = event.data as DeploymentModelPublished;
      await tx.query(
        `INSERT INTO "${store.schema}".deployment_models (name, version, status, content) VALUES ($1, $2, 'active', $3)
         ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, status = 'active', content = EXCLUDED.content
         WHERE "${store.schema}".deployment_models.status = 'active' AND "${store.schema}".deployment_models.version < EXCLUDED.version`,
        [published.name, published.version, JSON.stringify(published.content)],
      );
    },
    DeploymentModelRetired: async (event, tx) => {
      const retired = event.data as DeploymentModelRetired;
      await tx.query(
        `INSERT INTO "${store.schema}".deployment_models (name, version, status, content) VALUES ($1, $2, 'retired', $3)
         ON CONFLICT (name) DO UPDATE SET status = 'retired'`,
        [retired.name, retired.version ?? 1, JSON.stringify(retired.content)],
      );
    },
  },
});

/**
 * Succeeded deployments from records: the component versions of a deployment planning planned, by the kind of its
 * environment (from the plan's environment snapshot).
 */
export const succeededVersions = (store: EventStore): Reactions => ({
  consumer: 'planning.succeeded-versions',
  topics: [SERVICE_TOPICS.records],
  on: {
    DeploymentRecordClosed: async (event, tx) => {
      const closed = event.data as DeploymentRecordClosed;
      if (closed.outcome !== 'succeeded') return;
      const history = await store.readStream(`Deployment-${closed.deploymentId}`, tx);
      const planned = history.find((e) => e.type === 'DeploymentPlanned')?.data as
        | { environment: string; components: { name: string; version: string }[]; environmentSnapshot?: { kind: string } }
        | undefined;
      // a deployment planned before environments were snapshotted (or elsewhere) teaches nothing about promotion
      if (!planned?.environmentSnapshot) return;
      for (const component of planned.components) {
        await tx.query(
          `INSERT INTO "${store.schema}".succeeded_versions (environment_kind, name, version, deployment_id, environment) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
          [planned.environmentSnapshot.kind, component.name, component.version, closed.deploymentId, planned.environment],
        );
      }
    },
  },
});
