import { SERVICE_TOPICS, type DeploymentRecordClosed } from '@gantry/contracts';
import type { EventStore, Migration, SqlClient } from '@gantry/event-store';
import { executeCommand, type Reactions } from '@gantry/platform';
import { modelOutcomeDecider } from './model-outcome.decider';

/** Deployments planned without a model are counted under this name: they did not follow an agreed approach. */
export const AD_HOC = '(ad hoc)';

/** Per-model outcome statistics, from DeploymentRecordClosed: the input of model reviews (domain.md, step 9). */
export const modelOutcomesMigrations: Migration[] = [
  {
    id: 'model-review-001-model-outcomes',
    up: (schema) => `
      CREATE TABLE ${schema}.model_outcomes (
        model_name text NOT NULL,
        model_version integer NOT NULL,
        outcome text NOT NULL,
        deployments integer NOT NULL,
        last_closed_at timestamptz NOT NULL,
        PRIMARY KEY (model_name, model_version, outcome)
      );`,
  },
];

export interface ModelOutcome {
  model: string;
  version: number;
  outcome: string;
  deployments: number;
  lastClosedAt: string;
}

export const modelOutcomeStream = (deploymentId: string) => ({ streamId: `ModelOutcome-${deploymentId}`, streamType: 'ModelOutcome' });

export const modelOutcomesConsumer = (store: EventStore): Reactions => ({
  consumer: 'model-review.outcomes',
  topics: [SERVICE_TOPICS.records],
  on: {
    DeploymentRecordClosed: async (event, tx, context) => {
      const closed = event.data as DeploymentRecordClosed;
      const { events } = await executeCommand(store, modelOutcomeDecider, modelOutcomeStream(closed.deploymentId), { type: 'RecordModelOutcome', closed }, context, tx);
      if (events.length === 0) return;
      const schema = store.schema;
      await tx.query(
        `INSERT INTO ${schema}.model_outcomes (model_name, model_version, outcome, deployments, last_closed_at) VALUES ($1, $2, $3, 1, $4)
         ON CONFLICT (model_name, model_version, outcome)
         DO UPDATE SET deployments = model_outcomes.deployments + 1, last_closed_at = GREATEST(model_outcomes.last_closed_at, EXCLUDED.last_closed_at)`,
        [closed.model?.name ?? AD_HOC, closed.model?.version ?? 0, closed.outcome, closed.closedAt],
      );
    },
  },
});

export async function readModelOutcomes(client: SqlClient, schema: string, model?: string): Promise<ModelOutcome[]> {
  const result = await client.query<{ model_name: string; model_version: number; outcome: string; deployments: number; last_closed_at: Date }>(
    `SELECT model_name, model_version, outcome, deployments, last_closed_at FROM ${schema}.model_outcomes
     WHERE $1::text IS NULL OR model_name = $1 ORDER BY model_name, model_version, outcome`,
    [model ?? null],
  );
  return result.rows.map((r) => ({ model: r.model_name, version: r.model_version, outcome: r.outcome, deployments: r.deployments, lastClosedAt: new Date(r.last_closed_at).toISOString() }));
}
