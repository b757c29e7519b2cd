import type { DeploymentModelContent } from '@gantry/contracts';
import type { Migration, SqlClient } from '@gantry/event-store';
import type { DeploymentModelEvent } from './deployment-model.decider';

/**
 * The catalogue of deployment models as the REST list shows it, updated in the transaction of each command
 * (the aggregate's stream stays the truth: a model's own view and its versions are rebuilt from the stream).
 */
export const modelsMigrations: Migration[] = [
  {
    id: 'model-review-002-deployment-models',
    up: (schema) => `
      CREATE TABLE ${schema}.deployment_models (
        name text PRIMARY KEY,
        status text NOT NULL,
        active_version integer,
        draft_version integer,
        content jsonb NOT NULL,
        stream_version integer NOT NULL,
        published_at timestamptz,
        updated_at timestamptz NOT NULL
      );`,
  },
];

/** `draft`: never published; `active`: one version in use (maybe with a draft of the next); `retired`. */
export type ModelStatus = 'draft' | 'active' | 'retired';

export interface ModelSummary {
  name: string;
  status: ModelStatus;
  activeVersion: number | null;
  draftVersion: number | null;
  /** the active version's content, or the draft's while none is active, or the last one of a retired model */
  content: DeploymentModelContent;
  /** the stream version: the ETag of the model */
  version: number;
  publishedAt: string | null;
}

export async function projectModelEvents(tx: SqlClient, schema: string, events: readonly DeploymentModelEvent[], streamVersion: number, at: string): Promise<void> {
  for (const event of events) {
    switch (event.type) {
      case 'DeploymentModelDrafted':
        await tx.query(
          `INSERT INTO ${schema}.deployment_models (name, status, draft_version, content, stream_version, updated_at) VALUES ($1, 'draft', $2, $3, $4, $5)
           ON CONFLICT (name) DO UPDATE SET draft_version = EXCLUDED.draft_version, stream_version = EXCLUDED.stream_version, updated_at = EXCLUDED.updated_at,
             content = CASE WHEN deployment_models.status = 'draft' THEN EXCLUDED.content ELSE deployment_models.content END`,
          [event.data.name, event.data.version, JSON.stringify(event.data.content), streamVersion, at],
        );
        break;
      case 'DeploymentModelRevised':
        await tx.query(`UPDATE ${schema}.deployment_models SET draft_version = $2, stream_version = $3, updated_at = $4 WHERE name = $1`, [event.data.name, event.data.version, streamVersion, at]);
        break;
      case 'DeploymentModelPublished':
        await tx.query(
          `UPDATE ${schema}.deployment_models SET status = 'active', active_version = $2, draft_version = NULL, content = $3, published_at = $4, stream_version = $5, updated_at = $6 WHERE name = $1`,
          [event.data.name, event.data.version, JSON.stringify(event.data.content), event.data.publishedAt, streamVersion, at],
        );
        break;
      case 'DeploymentModelRetired':
        await tx.query(
          `UPDATE ${schema}.deployment_models SET status = 'retired', active_version = NULL, draft_version = NULL, content = $2, stream_version = $3, updated_at = $4 WHERE name = $1`,
          [event.data.name, JSON.stringify(event.data.content), streamVersion, at],
        );
        break;
      case 'ModelPilotDeploymentSucceeded':
      case 'DeploymentModelPilotCompleted':
        await tx.query(`UPDATE ${schema}.deployment_models SET stream_version = $2, updated_at = $3 WHERE name = $1`, [event.data.name, streamVersion, at]);
        break;
      case 'ModelPilotFailed': {
        const { name, draftVersion, reinstated } = event.data;
        await tx.query(
          `UPDATE ${schema}.deployment_models SET status = $2, active_version = $3, draft_version = $4, content = COALESCE($5, content), stream_version = $6, updated_at = $7 WHERE name = $1`,
          [name, reinstated ? 'active' : 'draft', reinstated?.version ?? null, draftVersion, reinstated ? JSON.stringify(reinstated.content) : null, streamVersion, at],
        );
        break;
      }
      default: {
        const unknown: never = event;
        throw new Error(`unknown event ${JSON.stringify(unknown)}`);
      }
    }
  }
}

/** Filters of GET /models: a model matches when its applicability contains each value given. */
export interface ModelFilter {
  status?: ModelStatus;
  deploymentKind?: string;
  componentKind?: string;
  componentSource?: string;
  environmentKind?: string;
  /** matches models for any service (no tags) and models tagged with it */
  serviceTag?: string;
}

export async function listModels(client: SqlClient, schema: string, filter: ModelFilter): Promise<ModelSummary[]> {
  const contains = (list: string, param: string) => `($${param}::text IS NULL OR content->'applicability'->'${list}' @> to_jsonb($${param}::text))`;
  const result = await client.query<{ name: string; status: ModelStatus; active_version: number | null; draft_version: number | null; content: DeploymentModelContent; stream_version: number; published_at: Date | null }>(
    `SELECT name, status, active_version, draft_version, content, stream_version, published_at FROM ${schema}.deployment_models
     WHERE ($1::text IS NULL OR status = $1)
       AND ${contains('deploymentKinds', '2')} AND ${contains('componentKinds', '3')} AND ${contains('componentSources', '4')} AND ${contains('environmentKinds', '5')}
       AND ($6::text IS NULL OR jsonb_array_length(content->'applicability'->'serviceTags') = 0 OR content->'applicability'->'serviceTags' @> to_jsonb($6::text))
     ORDER BY name LIMIT 1000`,
    [filter.status ?? null, filter.deploymentKind ?? null, filter.componentKind ?? null, filter.componentSource ?? null, filter.environmentKind ?? null, filter.serviceTag ?? null],
  );
  return result.rows.map((r) => ({
    name: r.name,
    status: r.status,
    activeVersion: r.active_version,
    draftVersion: r.draft_version,
    content: r.content,
    version: r.stream_version,
    publishedAt: r.published_at ? new Date(r.published_at).toISOString() : null,
  }));
}
