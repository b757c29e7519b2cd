import type { ChangeImplementationReported, IncidentLinked } from '@gantry/contracts';
import type { EventStore, SqlClient } from '@gantry/event-store';
import { executeCommand, type CommandOrigin } from '@gantry/platform';
import { incidentsOf } from '../incidents';
import { acceptanceReportMissing, changedConfigurationItems, closableNow, emptyRecord, recordDecider, recordStream, regressionsOf, type ClosingState, type DeploymentRecord, type RecordCommand } from './deployment-record.decider';
import { deploymentsOfChange, environmentStateAsOf, readDeploymentRecord } from './deployment-records.projection';
import { withEnvironmentKind } from './environment-kinds.projection';

/** The ledger's checkpoints a report to change enablement carries as evidence. */
export type Evidence = Pick<ChangeImplementationReported, 'ledgerCheckpoint' | 'witnessedCheckpoint'>;

/**
 * Closes the record (DeploymentRecordClosed on records' own topic, reports on the feedback topics) once its outcome is
 * known; the report to change enablement carries the ledger's signed checkpoints `evidence` gives.
 */
export async function closeRecordOnceOutcomeKnown(store: EventStore, tx: SqlClient, record: DeploymentRecord, origin: CommandOrigin, evidence: () => Promise<Evidence> = async () => ({})): Promise<void> {
  if (!closableNow(record)) return;
  const incidents = await incidentsOf(tx, store.schema, record.deploymentId, record.changeId);
  const now = origin.now.toISOString();
  const command: RecordCommand = { type: 'CloseRecord', record: await withEnvironmentKind(tx, store.schema, record), incidents, now };
  // the evidence, and what stood in the environment before (for configuration management), are asked for only by the
  // close itself, not by the entries that arrive before the closed record comes back
  const withEvidence = async (state: ClosingState): Promise<RecordCommand> => {
    if (state.closed) return command;
    const standing = changedConfigurationItems(record) ? (await environmentStateAsOf(tx, store.schema, record.environment!, now, record.service)).find((s) => s.service === record.service) : undefined;
    return { ...command, ...(standing ? { standing } : {}), ...(await evidence()) };
  };
  await executeCommand(store, recordDecider, recordStream(record.deploymentId), withEvidence, origin, tx);
}

/**
 * Tells change enablement (ChangeImplementationHeld) of each hold of the run for a late change not told yet, once the
 * change it answers to is known.
 */
export async function reportHoldsOnceKnown(store: EventStore, tx: SqlClient, record: DeploymentRecord, origin: CommandOrigin): Promise<void> {
  const { deploymentId, changeId } = record;
  if (!changeId || record.phase === 'closed') return;
  for (const hold of (record.holds ?? []).filter((h) => !h.reported)) {
    await executeCommand(store, recordDecider, recordStream(deploymentId), { type: 'ReportHold', deploymentId, changeId, hold }, origin, tx);
  }
}

/** Tells service validation and testing (AcceptanceResultsReported) the results of the acceptance criteria, once verification gave its verdict and the request is known. */
export async function reportAcceptanceOnceVerdictKnown(store: EventStore, tx: SqlClient, record: DeploymentRecord, origin: CommandOrigin): Promise<void> {
  if (record.acceptance?.reported || acceptanceReportMissing(record).length > 0) return;
  await executeCommand(store, recordDecider, recordStream(record.deploymentId), { type: 'ReportAcceptanceResults', record }, origin, tx);
}

/** A record whose outcome a rollback in its monitoring period overturned after it closed as succeeded. */
const rolledBackAfterVerified = (record: DeploymentRecord) => record.outcome === 'rolled-back' && record.verifiedAt !== undefined;

/** What the report to change enablement must say now: the incidents linked, the regressions, an overturned success. */
const correctionOf = (record: DeploymentRecord, incidents: readonly string[], now: string): RecordCommand => ({
  type: 'CorrectReport',
  deploymentId: record.deploymentId,
  incidents,
  regressions: regressionsOf(record),
  ...(rolledBackAfterVerified(record) ? { outcome: { outcome: record.outcome!, ...(record.cause ? { cause: record.cause } : {}) } } : {}),
  now,
});

/** An incident linked to a deployment, or to its change, corrects the report to change enablement of each deployment concerned. */
export async function correctReportsOnIncident(store: EventStore, tx: SqlClient, incident: IncidentLinked, origin: CommandOrigin): Promise<void> {
  const affected = incident.deploymentId ? [incident.deploymentId] : await deploymentsOfChange(tx, store.schema, incident.changeId!);
  for (const deploymentId of affected) {
    const record = (await readDeploymentRecord(tx, store.schema, deploymentId)) ?? emptyRecord(deploymentId);
    const incidents = await incidentsOf(tx, store.schema, deploymentId, incident.changeId ?? record.changeId);
    await executeCommand(store, recordDecider, recordStream(deploymentId), correctionOf(record, incidents, origin.now.toISOString()), origin, tx);
  }
}

/**
 * A closed record's monitoring period found a regression, or a rollback in it overturned the success: the report to
 * change enablement is corrected, once per regression and once for the rollback.
 */
export async function correctReportAfterMonitoring(store: EventStore, tx: SqlClient, record: DeploymentRecord, origin: CommandOrigin): Promise<void> {
  if (record.phase !== 'closed' || (!record.monitoring?.regressions.length && !rolledBackAfterVerified(record))) return;
  const incidents = await incidentsOf(tx, store.schema, record.deploymentId, record.changeId);
  await executeCommand(store, recordDecider, recordStream(record.deploymentId), correctionOf(record, incidents, origin.now.toISOString()), origin, tx);
}
