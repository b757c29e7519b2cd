import type { EnvironmentKind, ReviewDecision, ReviewFindings, ReviewTrigger } from '@gantry/contracts';
import type { Migration, SqlClient } from '@gantry/event-store';
import type { ClosedDeployment } from './findings';
import type { ModelReviewEvent } from './model-review.decider';

export const reviewsMigrations: Migration[] = [
  {
    id: 'model-review-003-reviews',
    up: (schema) => `
      -- what the records reported about each model's deployments: the source of findings and failure triggers
      CREATE TABLE ${schema}.model_closed_deployments (
        deployment_id text PRIMARY KEY,
        model_name text NOT NULL,
        model_version integer NOT NULL,
        service text NOT NULL,
        environment text NOT NULL,
        outcome text NOT NULL,
        cause text,
        closed_at timestamptz NOT NULL,
        lead_time_ms bigint NOT NULL,
        seq bigserial NOT NULL
      );
      CREATE INDEX model_closed_deployments_by_model ON ${schema}.model_closed_deployments (model_name, closed_at DESC, seq DESC);
      CREATE TABLE ${schema}.model_reviews (
        review_id text PRIMARY KEY,
        model_name text NOT NULL,
        model_version integer NOT NULL,
        status text NOT NULL,
        trigger text NOT NULL,
        reason text NOT NULL,
        opened_at timestamptz NOT NULL,
        closed_at timestamptz,
        decision text,
        findings jsonb
      );
      CREATE INDEX model_reviews_by_model ON ${schema}.model_reviews (model_name, opened_at);
      -- the durable scheduler: when each active model is next due for review (survives restarts)
      CREATE TABLE ${schema}.review_schedule (
        model_name text PRIMARY KEY,
        due_at timestamptz NOT NULL
      );`,
  },
  {
    id: 'model-review-005-closed-deployment-kinds',
    up: (schema) => `ALTER TABLE ${schema}.model_closed_deployments ADD COLUMN environment_kind text;`,
  },
  {
    // verification's RegressionDetected, kept whether the deployment's close came first or not
    id: 'model-review-006-monitoring-regressions',
    up: (schema) => `
      CREATE TABLE ${schema}.deployment_regressions (
        deployment_id text NOT NULL,
        signal text NOT NULL,
        look integer NOT NULL,
        detected_at timestamptz NOT NULL,
        PRIMARY KEY (deployment_id, signal, look)
      );`,
  },
];

export async function projectReviewEvents(tx: SqlClient, schema: string, events: readonly ModelReviewEvent[]): Promise<void> {
  for (const event of events) {
    switch (event.type) {
      case 'ModelReviewOpened': {
        const d = event.data;
        await tx.query(
          `INSERT INTO ${schema}.model_reviews (review_id, model_name, model_version, status, trigger, reason, opened_at) VALUES ($1, $2, $3, 'open', $4, $5, $6) ON CONFLICT DO NOTHING`,
          [d.reviewId, d.name, d.version, d.trigger, d.reason, d.openedAt],
        );
        break;
      }
      case 'ReviewFindingsComputed':
        await tx.query(`UPDATE ${schema}.model_reviews SET findings = $2 WHERE review_id = $1`, [event.data.reviewId, JSON.stringify(event.data.findings)]);
        break;
      case 'ModelReviewClosed':
        await tx.query(`UPDATE ${schema}.model_reviews SET status = 'closed', closed_at = $2, decision = $3 WHERE review_id = $1`, [event.data.reviewId, event.data.closedAt, event.data.decision]);
        break;
      case 'ReviewFindingRecorded':
      case 'ImprovementInitiativeRegistered':
      case 'ImprovementInitiativeStatusChanged':
      case 'ModelChangeRequested':
      case 'DeploymentModelUpdateCommunicated':
        break;
      default: {
        const unknown: never = event;
        throw new Error(`unknown event ${JSON.stringify(unknown)}`);
      }
    }
  }
}

export interface ReviewSummary {
  reviewId: string;
  name: string;
  version: number;
  status: 'open' | 'closed';
  trigger: ReviewTrigger;
  reason: string;
  openedAt: string;
  closedAt: string | null;
  decision: ReviewDecision | null;
  findings: ReviewFindings | null;
}

export async function listReviews(client: SqlClient, schema: string, filter: { model?: string; status?: string }): Promise<ReviewSummary[]> {
  const { rows } = await client.query<{ review_id: string; model_name: string; model_version: number; status: 'open' | 'closed'; trigger: ReviewTrigger; reason: string; opened_at: Date; closed_at: Date | null; decision: ReviewDecision | null; findings: ReviewFindings | null }>(
    `SELECT * FROM ${schema}.model_reviews WHERE ($1::text IS NULL OR model_name = $1) AND ($2::text IS NULL OR status = $2) ORDER BY opened_at, review_id LIMIT 1000`,
    [filter.model ?? null, filter.status ?? null],
  );
  return rows.map((r) => ({
    reviewId: r.review_id,
    name: r.model_name,
    version: r.model_version,
    status: r.status,
    trigger: r.trigger,
    reason: r.reason,
    openedAt: new Date(r.opened_at).toISOString(),
    closedAt: r.closed_at ? new Date(r.closed_at).toISOString() : null,
    decision: r.decision,
    findings: r.findings,
  }));
}

/** Remembers a closed deployment of a model; false when it was known already. */
export async function rememberClosedDeployment(tx: SqlClient, schema: string, model: { name: string; version: number }, d: ClosedDeployment): Promise<boolean> {
  const { rowCount } = await tx.query(
    `INSERT INTO ${schema}.model_closed_deployments (deployment_id, model_name, model_version, service, environment, environment_kind, outcome, cause, closed_at, lead_time_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (deployment_id) DO NOTHING`,
    [d.deploymentId, model.name, model.version, d.service, d.environment, d.environmentKind ?? null, d.outcome, d.cause, d.closedAt, d.leadTimeMs],
  );
  return (rowCount ?? 0) > 0;
}

/** Remembers a regression of a deployment's monitoring period; false when it was known already. */
export async function rememberRegression(tx: SqlClient, schema: string, r: { deploymentId: string; signal: string; look: number; detectedAt: string }): Promise<boolean> {
  const { rowCount } = await tx.query(`INSERT INTO ${schema}.deployment_regressions (deployment_id, signal, look, detected_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
    r.deploymentId,
    r.signal,
    r.look,
    r.detectedAt,
  ]);
  return (rowCount ?? 0) > 0;
}

type ClosedRow = {
  deployment_id: string;
  service: string;
  environment: string;
  environment_kind: EnvironmentKind | null;
  outcome: ClosedDeployment['outcome'];
  cause: string | null;
  closed_at: Date;
  lead_time_ms: string;
  regressed_at: Date | null;
};
const CLOSED_COLUMNS = `deployment_id, service, environment, environment_kind, outcome, cause, closed_at, lead_time_ms,
  (SELECT min(r.detected_at) FROM %s.deployment_regressions r WHERE r.deployment_id = d.deployment_id) AS regressed_at`;
const closedColumns = (schema: string) => CLOSED_COLUMNS.replace('%s', schema);
const toClosed = (r: ClosedRow): ClosedDeployment => ({
  deploymentId: r.deployment_id,
  service: r.service,
  environment: r.environment,
  ...(r.environment_kind ? { environmentKind: r.environment_kind } : {}),
  outcome: r.outcome,
  cause: r.cause,
  closedAt: new Date(r.closed_at).toISOString(),
  leadTimeMs: Number(r.lead_time_ms),
  ...(r.regressed_at ? { regressedAt: new Date(r.regressed_at).toISOString() } : {}),
});

/** A closed deployment and its model's name, if its close was reported. */
export async function closedDeployment(client: SqlClient, schema: string, deploymentId: string): Promise<{ model: string; deployment: ClosedDeployment } | undefined> {
  const { rows } = await client.query<ClosedRow & { model_name: string }>(`SELECT model_name, ${closedColumns(schema)} FROM ${schema}.model_closed_deployments d WHERE deployment_id = $1`, [deploymentId]);
  return rows[0] && { model: rows[0].model_name, deployment: toClosed(rows[0]) };
}

/** The model's last closed deployments, newest first. */
export async function recentClosedDeployments(client: SqlClient, schema: string, name: string, limit: number): Promise<ClosedDeployment[]> {
  const { rows } = await client.query<ClosedRow>(
    `SELECT ${closedColumns(schema)} FROM ${schema}.model_closed_deployments d WHERE model_name = $1 ORDER BY closed_at DESC, seq DESC LIMIT $2`,
    [name, limit],
  );
  return rows.map(toClosed);
}

/** The model's closed deployments with closedAt in (from, to], oldest first. */
export async function closedDeploymentsBetween(client: SqlClient, schema: string, name: string, from: string | null, to: string): Promise<ClosedDeployment[]> {
  const { rows } = await client.query<ClosedRow>(
    `SELECT ${closedColumns(schema)} FROM ${schema}.model_closed_deployments d
     WHERE model_name = $1 AND ($2::timestamptz IS NULL OR closed_at > $2::timestamptz) AND closed_at <= $3::timestamptz ORDER BY closed_at, seq`,
    [name, from, to],
  );
  return rows.map(toClosed);
}

export async function scheduleReview(tx: SqlClient, schema: string, name: string, dueAt: Date): Promise<void> {
  await tx.query(`INSERT INTO ${schema}.review_schedule (model_name, due_at) VALUES ($1, $2) ON CONFLICT (model_name) DO UPDATE SET due_at = EXCLUDED.due_at`, [name, dueAt.toISOString()]);
}

export async function unscheduleReview(tx: SqlClient, schema: string, name: string): Promise<void> {
  await tx.query(`DELETE FROM ${schema}.review_schedule WHERE model_name = $1`, [name]);
}
