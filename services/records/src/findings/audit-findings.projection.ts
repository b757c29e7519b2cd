import { EVENT_TYPES, type AuditFindingRecorded, type FindingSeverity } from '@gantry/contracts';
import type { Migration, SqlClient } from '@gantry/event-store';
import type { LedgerEntry } from '../ledger';

/** Audit findings as the ledger holds them (AuditFindingRecorded comes back from records' own topic). */
export const auditFindingsMigrations: Migration[] = [
  {
    id: 'records-005-audit-findings',
    up: (schema) => `
      CREATE TABLE ${schema}.audit_findings (
        finding_id text PRIMARY KEY,
        deployment_id text NOT NULL,
        severity text NOT NULL,
        finding jsonb NOT NULL,
        recorded_at timestamptz NOT NULL,
        position bigint NOT NULL
      );
      CREATE INDEX audit_findings_deployment ON ${schema}.audit_findings (deployment_id, position);
      CREATE INDEX audit_findings_severity ON ${schema}.audit_findings (severity, position);`,
  },
];

export async function projectAuditFinding(tx: SqlClient, schema: string, entry: LedgerEntry): Promise<void> {
  if (entry.event.type !== EVENT_TYPES.AuditFindingRecorded) return;
  const finding = entry.event.data as AuditFindingRecorded;
  await tx.query(
    `INSERT INTO ${schema}.audit_findings (finding_id, deployment_id, severity, finding, recorded_at, position) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (finding_id) DO NOTHING`,
    [finding.findingId, finding.deploymentId, finding.severity, JSON.stringify(finding), finding.recordedAt, entry.position],
  );
}

export async function listAuditFindings(
  client: SqlClient,
  schema: string,
  filter: { deploymentId?: string; severity?: FindingSeverity; deploymentIds?: readonly string[] },
  limit = 1000,
): Promise<AuditFindingRecorded[]> {
  const result = await client.query<{ finding: AuditFindingRecorded }>(
    `SELECT finding FROM ${schema}.audit_findings
     WHERE ($1::text IS NULL OR deployment_id = $1) AND ($2::text IS NULL OR severity = $2) AND ($3::text[] IS NULL OR deployment_id = ANY($3))
     ORDER BY position LIMIT $4`,
    [filter.deploymentId ?? null, filter.severity ?? null, filter.deploymentIds ?? null, limit],
  );
  return result.rows.map((r) => r.finding);
}
