import { SERVICE_TOPICS, type DeploymentPlanned, type ModelRef } from '@gantry/contracts';
import type { EventStore, Migration, SqlClient } from '@gantry/event-store';
import { loadAggregate, type Reactions } from '@gantry/platform';
import { deploymentModelDecider, modelStream, type DeploymentModel } from '../models';

/**
 * How a deployment was planned, as the catalogue stood when planning's `DeploymentPlanned` arrived:
 * `active` — with the model's active version (the agreed approach); `superseded` — with a version a newer one has
 * replaced; `retired` — with a retired model; `unknown` — with a model this catalogue never had; `ad-hoc` — without one.
 */
export const MODEL_USAGES = ['active', 'superseded', 'retired', 'unknown', 'ad-hoc'] as const;
export type ModelUsage = (typeof MODEL_USAGES)[number];

export const adoptionMigrations: Migration[] = [
  {
    id: 'model-review-004-adoption',
    up: (schema) => `
      CREATE TABLE ${schema}.model_adoption (
        deployment_id text PRIMARY KEY,
        planned_at timestamptz NOT NULL,
        model_name text,
        model_version integer,
        usage text NOT NULL
      );
      CREATE INDEX model_adoption_by_time ON ${schema}.model_adoption (planned_at);`,
  },
];

export function usageOf(model: ModelRef | null, catalogue: DeploymentModel): ModelUsage {
  if (model === null) return 'ad-hoc';
  switch (catalogue.status) {
    case 'none':
      return 'unknown';
    case 'retired':
      return 'retired';
    case 'current':
      return catalogue.active?.version === model.version ? 'active' : catalogue.active && model.version < catalogue.active.version ? 'superseded' : 'unknown';
    default: {
      const unknown: never = catalogue;
      throw new Error(`unknown model state ${JSON.stringify(unknown)}`);
    }
  }
}

/** Classifies each planned deployment once (a re-plan of the same deployment keeps its first classification). */
export const adoptionConsumer = (store: EventStore): Reactions => ({
  consumer: 'model-review.adoption',
  topics: [SERVICE_TOPICS.planning],
  on: {
    DeploymentPlanned: async (event, tx, context) => {
      const planned = event.data as DeploymentPlanned;
      const model = planned.model ?? null;
      const catalogue = model ? (await loadAggregate(store, deploymentModelDecider, modelStream(model.name).streamId, tx)).state : deploymentModelDecider.initialState;
      await tx.query(
        `INSERT INTO ${store.schema}.model_adoption (deployment_id, planned_at, model_name, model_version, usage) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (deployment_id) DO NOTHING`,
        [planned.deploymentId, event.time ?? context.now.toISOString(), model?.name ?? null, model?.version ?? null, usageOf(model, catalogue)],
      );
    },
  },
});

export const ADOPTION_PERIODS = ['day', 'week', 'month'] as const;
export type AdoptionPeriod = (typeof ADOPTION_PERIODS)[number];

/** One period's figures: the adoption rate with its numerator, denominator and the deployments behind each count. */
export interface AdoptionFigures {
  periodStart: string;
  planned: number;
  withActiveModel: number;
  /** withActiveModel ÷ planned */
  adoptionRate: number;
  byUsage: Record<ModelUsage, { count: number; deploymentIds: string[] }>;
  definitionVersion: 1;
}

export async function adoptionFigures(client: SqlClient, schema: string, period: AdoptionPeriod, from: string | null, to: string | null, model: string | null): Promise<AdoptionFigures[]> {
  const { rows } = await client.query<{ period_start: string; usage: ModelUsage; ids: string[] }>(
    `SELECT to_char(date_trunc($1, planned_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24:MI:SS".000Z"') AS period_start, usage, array_agg(deployment_id ORDER BY planned_at, deployment_id) AS ids
     FROM ${schema}.model_adoption
     WHERE ($2::timestamptz IS NULL OR planned_at >= $2::timestamptz) AND ($3::timestamptz IS NULL OR planned_at < $3::timestamptz) AND ($4::text IS NULL OR model_name = $4)
     GROUP BY 1, 2 ORDER BY 1, 2`,
    [period, from, to, model],
  );
  const periods = new Map<string, AdoptionFigures>();
  for (const row of rows) {
    const start = row.period_start;
    let figures = periods.get(start);
    if (!figures) {
      figures = {
        periodStart: start,
        planned: 0,
        withActiveModel: 0,
        adoptionRate: 0,
        byUsage: Object.fromEntries(MODEL_USAGES.map((u) => [u, { count: 0, deploymentIds: [] as string[] }])) as AdoptionFigures['byUsage'],
        definitionVersion: 1,
      };
      periods.set(start, figures);
    }
    figures.byUsage[row.usage] = { count: row.ids.length, deploymentIds: row.ids };
    figures.planned += row.ids.length;
  }
  for (const figures of periods.values()) {
    figures.withActiveModel = figures.byUsage.active.count;
    figures.adoptionRate = figures.planned === 0 ? 0 : figures.withActiveModel / figures.planned;
  }
  return [...periods.values()];
}
