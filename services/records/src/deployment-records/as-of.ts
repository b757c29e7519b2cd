import type { LedgerEntry } from '../ledger';
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
  /** who approved it, at which gate */
  approvals: NonNullable<DeploymentRecord['approvals']>;
  closedAt: string;
  /** blue-green: the side serving the service once this deployment switched traffic to it */
  liveSide?: DeploymentRecord['liveSide'];
  /** hardware: the units it installed at each target, by serial */
  units?: NonNullable<DeploymentRecord['unitsInstalled']>;
}

/**
 * An environment as it stood at `asOf`, per service: of the deployments folded as of that time, the last one closed
 * `succeeded` by then; a succeeded removal leaves the service out.
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
      approvals: record.approvals ?? [],
      closedAt: record.closedAt!,
      ...(record.liveSide ? { liveSide: record.liveSide } : {}),
      ...(record.unitsInstalled?.length ? { units: record.unitsInstalled } : {}),
    }));
};
