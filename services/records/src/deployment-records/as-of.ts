import type { SqlClient } from '@gantry/event-store';
import type { LedgerEntry } from '../ledger/ledger';
import { emptyRecord, evolveRecord, type DeploymentRecord } from './deployment-record.decider';

/** A deployment as the ledger knew it at `asOf`: the fold of the entries recorded until then. */
export const recordAsOf = (deploymentId: string, entries: readonly LedgerEntry[], asOf: string): { record: DeploymentRecord; position: number } | undefined => {
  const known = entries.filter((e) => e.recordedAt <= asOf);
  if (known.length === 0) return undefined;
  return { record: known.reduce((record, entry) => evolveRecord(record, entry.event), emptyRecord(deploymentId)), position: known[known.length - 1].position };
};

/** What stands in an environment for one service: the last deployment that succeeded there, unless it was a removal. */
export interface DeployedService {
  service: string;
  deploymentId: string;
  changeId?: string;
  releaseId?: string;
  components: NonNullable<DeploymentRecord['components']>;
  model: DeploymentRecord['model'] | null;
  requestedBy?: string;
  closedAt: string;
}

/**
 * An environment as it stood at `asOf`, per service: fold every deployment requested there up to that time and keep,
 * per service, the last one closed `succeeded` by then; a succeeded removal leaves the service out.
 */
export const environmentAsOf = (records: readonly DeploymentRecord[]): DeployedService[] => {
  const latest = new Map<string, DeploymentRecord>();
  for (const record of records) {
    if (record.phase !== 'closed' || record.outcome !== 'succeeded' || !record.service || !record.closedAt) continue;
    const held = latest.get(record.service);
    if (!held || held.closedAt! < record.closedAt) latest.set(record.service, record);
  }
  return [...latest.values()]
    .filter((record) => record.kind !== 'removal')
    .sort((a, b) => a.service!.localeCompare(b.service!))
    .map((record) => ({
      service: record.service!,
      deploymentId: record.deploymentId,
      ...(record.changeId ? { changeId: record.changeId } : {}),
      ...(record.releaseId ? { releaseId: record.releaseId } : {}),
      components: record.components ?? [],
      model: record.model ?? null,
      ...(record.requestedBy ? { requestedBy: record.requestedBy } : {}),
      closedAt: record.closedAt!,
    }));
};

/** The deployments requested into an environment until `asOf`, from the ledger (by DeploymentRequested). */
export async function deploymentsRequestedInto(client: SqlClient, schema: string, environment: string, asOf: string): Promise<string[]> {
  const result = await client.query<{ deployment_id: string }>(
    `SELECT DISTINCT deployment_id FROM ${schema}.ledger
     WHERE event_type = 'gantry.planning.DeploymentRequested.v1' AND event->'data'->>'environment' = $1 AND recorded_at <= $2`,
    [environment, asOf],
  );
  return result.rows.map((r) => r.deployment_id);
}
