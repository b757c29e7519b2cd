import type { Migration, SqlClient } from '@gantry/event-store';
import type { Evidence, ManualStep, Observation, TestResult } from './criteria';

/**
 * What monitoring and test runners post for a deployment: observations (error rate, p95 latency, named metrics, per
 * target) and smoke-test results. Inputs to the acceptance criteria and canary analyses, kept as they arrived; the
 * values a verdict used are recorded in its event.
 */
export const evidenceMigrations: Migration[] = [
  {
    id: 'verification/003-evidence',
    up: (schema) => `
      CREATE TABLE IF NOT EXISTS "${schema}".observations (
        id bigserial PRIMARY KEY,
        deployment_id text NOT NULL,
        target text,
        metric_values jsonb NOT NULL,
        observed_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        reported_by text NOT NULL
      );
      CREATE INDEX IF NOT EXISTS observations_deployment ON "${schema}".observations (deployment_id);
      CREATE TABLE IF NOT EXISTS "${schema}".test_results (
        id bigserial PRIMARY KEY,
        deployment_id text NOT NULL,
        suite text,
        passed int NOT NULL,
        failed int NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        reported_by text NOT NULL
      );
      CREATE INDEX IF NOT EXISTS test_results_deployment ON "${schema}".test_results (deployment_id)`,
  },
  {
    id: 'verification/004-manual-steps',
    up: (schema) => `
      CREATE TABLE IF NOT EXISTS "${schema}".manual_steps (
        deployment_id text NOT NULL,
        step_id text NOT NULL,
        evidence_required boolean NOT NULL,
        evidence_items int,
        PRIMARY KEY (deployment_id, step_id)
      )`,
  },
];

export interface ObservationReport {
  target?: string;
  errorRate?: number;
  p95LatencyMs?: number;
  metrics?: Record<string, number>;
  observedAt?: string;
}

export interface TestResultReport {
  suite?: string;
  passed: number;
  failed: number;
}

export class EvidenceStore {
  constructor(private readonly schema: string) {}

  async addObservation(tx: SqlClient, deploymentId: string, report: ObservationReport, by: string, now: Date): Promise<void> {
    const values = { ...(report.metrics ?? {}), ...(report.errorRate !== undefined ? { errorRate: report.errorRate } : {}), ...(report.p95LatencyMs !== undefined ? { p95LatencyMs: report.p95LatencyMs } : {}) };
    await tx.query(`INSERT INTO "${this.schema}".observations (deployment_id, target, metric_values, observed_at, reported_by) VALUES ($1, $2, $3, $4, $5)`, [
      deploymentId,
      report.target ?? null,
      JSON.stringify(values),
      report.observedAt ?? now.toISOString(),
      by,
    ]);
  }

  async addTestResult(tx: SqlClient, deploymentId: string, report: TestResultReport, by: string): Promise<void> {
    await tx.query(`INSERT INTO "${this.schema}".test_results (deployment_id, suite, passed, failed, reported_by) VALUES ($1, $2, $3, $4, $5)`, [
      deploymentId,
      report.suite ?? null,
      report.passed,
      report.failed,
      by,
    ]);
  }

  async observations(tx: SqlClient, deploymentId: string): Promise<Observation[]> {
    const { rows } = await tx.query<{ target: string | null; metric_values: Record<string, number>; observed_at: Date }>(
      `SELECT target, metric_values, observed_at FROM "${this.schema}".observations WHERE deployment_id = $1 ORDER BY id LIMIT 10000`,
      [deploymentId],
    );
    return rows.map((r) => ({ ...(r.target !== null ? { target: r.target } : {}), values: r.metric_values, observedAt: new Date(r.observed_at).toISOString() }));
  }

  /** Newest first. */
  async testResults(tx: SqlClient, deploymentId: string): Promise<TestResult[]> {
    const { rows } = await tx.query<{ suite: string | null; passed: number; failed: number }>(
      `SELECT suite, passed, failed FROM "${this.schema}".test_results WHERE deployment_id = $1 ORDER BY id DESC LIMIT 1000`,
      [deploymentId],
    );
    return rows.map((r) => ({ ...(r.suite !== null ? { suite: r.suite } : {}), passed: r.passed, failed: r.failed }));
  }

  /** Execution asked for manual work (ManualStepRequired). */
  async manualStepRequired(tx: SqlClient, deploymentId: string, stepId: string, evidenceRequired: boolean): Promise<void> {
    await tx.query(`INSERT INTO "${this.schema}".manual_steps (deployment_id, step_id, evidence_required) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [deploymentId, stepId, evidenceRequired]);
  }

  /** The manual work was done, with its evidence (ManualStepCompleted). */
  async manualStepCompleted(tx: SqlClient, deploymentId: string, stepId: string, evidenceItems: number): Promise<void> {
    await tx.query(
      `INSERT INTO "${this.schema}".manual_steps (deployment_id, step_id, evidence_required, evidence_items) VALUES ($1, $2, false, $3)
       ON CONFLICT (deployment_id, step_id) DO UPDATE SET evidence_items = EXCLUDED.evidence_items`,
      [deploymentId, stepId, evidenceItems],
    );
  }

  async manualSteps(tx: SqlClient, deploymentId: string): Promise<ManualStep[]> {
    const { rows } = await tx.query<{ step_id: string; evidence_required: boolean; evidence_items: number | null }>(
      `SELECT step_id, evidence_required, evidence_items FROM "${this.schema}".manual_steps WHERE deployment_id = $1 ORDER BY step_id`,
      [deploymentId],
    );
    return rows.map((r) => ({ stepId: r.step_id, evidenceRequired: r.evidence_required, ...(r.evidence_items !== null ? { evidenceItems: r.evidence_items } : {}) }));
  }

  async evidence(tx: SqlClient, deploymentId: string, probes: Evidence['probes'] = {}): Promise<Evidence> {
    return {
      observations: await this.observations(tx, deploymentId),
      testResults: await this.testResults(tx, deploymentId),
      manualSteps: await this.manualSteps(tx, deploymentId),
      probes,
    };
  }
}

/**
 * Evidence arriving and an evaluation (or canary analysis) starting must not pass each other unseen: each takes this
 * lock on the deployment's verification stream first, so one of them always sees the other. False: no such stream.
 */
export async function lockDeploymentEvidence(tx: SqlClient, schema: string, deploymentId: string): Promise<boolean> {
  const { rowCount } = await tx.query(`SELECT 1 FROM "${schema}".streams WHERE stream_id = $1 FOR UPDATE`, [`DeploymentVerification-${deploymentId}`]);
  return (rowCount ?? 0) > 0;
}
