import { FEEDBACK_TOPICS, INBOUND_TOPICS, itsmIncidentEventNameOf, SERVICE_TOPICS, validateItsmEvent } from '@gantry/contracts';
import { EventStore, type SqlClient } from '@gantry/event-store';
import type { CloudEvent, IncomingMessage } from '@gantry/messaging';
import { againstTheContract, causedBy, executeCommand, type ConsumerSpec } from '@gantry/platform';
import { closableNow, recordDecider } from '../deployment-records/deployment-record.decider';
import { readDeploymentRecord } from '../deployment-records/deployment-records.projection';
import { deploymentsOfChange, incidentsOf } from '../incidents/incidents.projection';
import { projectEntry } from '../projections/projections';
import { appendToLedger } from './ledger';

export const recordStream = (deploymentId: string) => ({ streamId: `DeploymentRecord-${deploymentId}`, streamType: 'DeploymentRecord' });

/** Every topic Gantry and the practices around it write to, feedback included. */
export const LEDGER_TOPICS = [...Object.values(SERVICE_TOPICS), ...Object.values(INBOUND_TOPICS), ...Object.values(FEEDBACK_TOPICS)];

/** Gantry's events against the contract, the service desk's incidents against theirs: invalid ones go to `<topic>.dlq`. */
const againstTheContracts = (event: CloudEvent): string | undefined => {
  const incident = itsmIncidentEventNameOf(event.type);
  if (!incident) return againstTheContract(event);
  const invalid = validateItsmEvent(incident, event.data);
  return invalid ? `${event.type}: ${invalid}` : undefined;
};

/**
 * Consumes every topic into the ledger and folds each entry into records' projections; closes a deployment record
 * (DeploymentRecordClosed on records' own topic, reports on the feedback topics) once its outcome is known, and
 * corrects the report to change enablement when an incident is linked to a deployment whose record closed.
 */
export class LedgerWriter {
  constructor(private readonly store: EventStore) {}

  consumer(): ConsumerSpec {
    return {
      name: 'records.ledger',
      topics: LEDGER_TOPICS,
      validate: againstTheContracts,
      handle: (event, tx, message) => this.handle(event, tx, message),
    };
  }

  private async handle(event: CloudEvent, tx: SqlClient, message: IncomingMessage): Promise<void> {
    const entry = await appendToLedger(tx, this.store.schema, message.topic, event);
    if (!entry) return;
    const { record, incident } = await projectEntry(tx, this.store.schema, entry);
    const now = new Date().toISOString();
    const metadata = causedBy('records', event);
    if (record && closableNow(record)) {
      const incidents = await incidentsOf(tx, this.store.schema, record.deploymentId, record.changeId);
      await executeCommand(this.store, recordDecider, recordStream(record.deploymentId), { type: 'CloseRecord', record, incidents, now }, { metadata }, tx);
    }
    if (incident) {
      const affected = incident.deploymentId ? [incident.deploymentId] : await deploymentsOfChange(tx, this.store.schema, incident.changeId!);
      for (const deploymentId of affected) {
        const changeId = incident.changeId ?? (await readDeploymentRecord(tx, this.store.schema, deploymentId))?.changeId;
        const incidents = await incidentsOf(tx, this.store.schema, deploymentId, changeId);
        await executeCommand(this.store, recordDecider, recordStream(deploymentId), { type: 'CorrectReport', deploymentId, incidents, now }, { metadata }, tx);
      }
    }
  }
}
