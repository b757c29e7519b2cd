import { FEEDBACK_TOPICS, INBOUND_TOPICS, SERVICE_TOPICS } from '@gantry/contracts';
import { EventStore, type SqlClient } from '@gantry/event-store';
import type { CloudEvent, IncomingMessage } from '@gantry/messaging';
import { causedBy, executeCommand, type ConsumerSpec } from '@gantry/platform';
import { closableNow, recordDecider } from '../deployment-records/deployment-record.decider';
import { projectDeploymentRecord } from '../deployment-records/deployment-records.projection';
import { appendToLedger } from './ledger';

export const recordStream = (deploymentId: string) => ({ streamId: `DeploymentRecord-${deploymentId}`, streamType: 'DeploymentRecord' });

/** Every topic Gantry and the practices around it write to, feedback included. */
export const LEDGER_TOPICS = [...Object.values(SERVICE_TOPICS), ...Object.values(INBOUND_TOPICS), ...Object.values(FEEDBACK_TOPICS)];

/**
 * Consumes every topic into the ledger, folds each entry into its deployment record, and closes the record
 * (DeploymentRecordClosed on records' own topic) once its outcome is known.
 */
export class LedgerWriter {
  constructor(private readonly store: EventStore) {}

  consumer(): ConsumerSpec {
    return {
      name: 'records.ledger',
      topics: LEDGER_TOPICS,
      handle: (event, tx, message) => this.handle(event, tx, message),
    };
  }

  private async handle(event: CloudEvent, tx: SqlClient, message: IncomingMessage): Promise<void> {
    const entry = await appendToLedger(tx, this.store.schema, message.topic, event);
    if (!entry?.deploymentId) return;
    const record = await projectDeploymentRecord(tx, this.store.schema, entry.deploymentId, event, entry.position);
    if (closableNow(record)) {
      await executeCommand(this.store, recordDecider, recordStream(record.deploymentId), { type: 'CloseRecord', record, now: new Date().toISOString() }, { metadata: causedBy('records', event) }, tx);
    }
  }
}
