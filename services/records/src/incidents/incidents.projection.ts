import { ITSM_INCIDENT_EVENT_TYPES, itsmIncidentEventNameOf, type IncidentLinked, type IncidentResolved, type IncidentSeverity } from '@gantry/contracts';
import type { Migration, SqlClient } from '@gantry/event-store';
import type { LedgerEntry } from '../ledger';

/**
 * Incidents the service desk linked to a deployment or to a change (`itsm.incidents.v1`), one row per incident
 * whatever the number of deliveries or links: linking it again updates the row, a resolution sets its time.
 */
export const incidentsMigrations: Migration[] = [
  {
    id: 'records-004-incidents',
    up: (schema) => `
      CREATE TABLE ${schema}.incidents (
        incident_id text PRIMARY KEY,
        deployment_id text,
        change_id text,
        severity text,
        opened_at timestamptz,
        resolved_at timestamptz,
        title text
      );
      CREATE INDEX incidents_deployment ON ${schema}.incidents (deployment_id);
      CREATE INDEX incidents_change ON ${schema}.incidents (change_id);`,
  },
];

export interface Incident {
  incidentId: string;
  deploymentId?: string;
  changeId?: string;
  severity: IncidentSeverity;
  openedAt: string;
  resolvedAt?: string;
}

export const isIncidentEvent = (type: string): boolean => itsmIncidentEventNameOf(type) !== undefined;

/** Applies an IncidentLinked or IncidentResolved entry; the link is what KPIs and corrected reports read. */
export async function projectIncident(tx: SqlClient, schema: string, entry: LedgerEntry): Promise<IncidentLinked | undefined> {
  if (entry.event.type === ITSM_INCIDENT_EVENT_TYPES.IncidentLinked) {
    const linked = entry.event.data as IncidentLinked;
    await tx.query(
      `INSERT INTO ${schema}.incidents (incident_id, deployment_id, change_id, severity, opened_at, title) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (incident_id) DO UPDATE SET deployment_id = COALESCE(EXCLUDED.deployment_id, ${schema}.incidents.deployment_id),
         change_id = COALESCE(EXCLUDED.change_id, ${schema}.incidents.change_id), severity = EXCLUDED.severity, opened_at = EXCLUDED.opened_at, title = EXCLUDED.title`,
      [linked.incidentId, linked.deploymentId ?? null, linked.changeId ?? null, linked.severity, linked.openedAt, linked.title ?? null],
    );
    return linked;
  }
  if (entry.event.type === ITSM_INCIDENT_EVENT_TYPES.IncidentResolved) {
    const resolved = entry.event.data as IncidentResolved;
    // a resolution that overtook its link keeps its time for the link to find
    await tx.query(
      `INSERT INTO ${schema}.incidents (incident_id, resolved_at) VALUES ($1, $2) ON CONFLICT (incident_id) DO UPDATE SET resolved_at = EXCLUDED.resolved_at`,
      [resolved.incidentId, resolved.resolvedAt],
    );
  }
  return undefined;
}

interface IncidentRow {
  incident_id: string;
  deployment_id: string | null;
  change_id: string | null;
  severity: IncidentSeverity;
  opened_at: Date;
  resolved_at: Date | null;
}

const toIncident = (row: IncidentRow): Incident => ({
  incidentId: row.incident_id,
  ...(row.deployment_id ? { deploymentId: row.deployment_id } : {}),
  ...(row.change_id ? { changeId: row.change_id } : {}),
  severity: row.severity,
  openedAt: new Date(row.opened_at).toISOString(),
  ...(row.resolved_at ? { resolvedAt: new Date(row.resolved_at).toISOString() } : {}),
});

/** The incidents linked to a deployment, directly or through its change. */
export async function incidentsOf(client: SqlClient, schema: string, deploymentId: string, changeId: string | undefined): Promise<string[]> {
  const result = await client.query<{ incident_id: string }>(
    `SELECT incident_id FROM ${schema}.incidents WHERE severity IS NOT NULL AND (deployment_id = $1 OR ($2::text IS NOT NULL AND change_id = $2)) ORDER BY incident_id`,
    [deploymentId, changeId ?? null],
  );
  return result.rows.map((r) => r.incident_id);
}

/** Every linked incident of the given deployments or changes (for KPIs). */
export async function incidentsLinkedTo(client: SqlClient, schema: string, deploymentIds: readonly string[], changeIds: readonly string[]): Promise<Incident[]> {
  const result = await client.query<IncidentRow>(
    `SELECT incident_id, deployment_id, change_id, severity, opened_at, resolved_at FROM ${schema}.incidents
     WHERE severity IS NOT NULL AND (deployment_id = ANY($1::text[]) OR change_id = ANY($2::text[]))`,
    [deploymentIds, changeIds],
  );
  return result.rows.map(toIncident);
}
