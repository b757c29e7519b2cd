import { FEEDBACK_TOPICS, INBOUND_TOPICS, itsmIncidentEventNameOf, SERVICE_TOPICS, validateItsmEvent } from '@gantry/contracts';
import { EventStore, type SqlClient } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';
import { againstTheContract, type ConsumerSpec, type MessageContext } from '@gantry/platform';
import { tellStoryOnceKnown } from '../communications';
import { closeRecordOnceOutcomeKnown, correctReportAfterMonitoring, correctReportsOnIncident, reportAcceptanceOnceVerdictKnown, reportHoldsOnceKnown } from '../deployment-records';
import { appendToLedger, evidenceForReport, type LedgerLog } from '../ledger';
import { oweDeliveries } from '../subscriptions';
import { projectEntry } from './projections';

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
 * Consumes every topic into the ledger (not gantry.ledger.checkpoints.v1, where the ledger's own checkpoints go: each
 * ledgered would grow the tree and call for another) and folds each entry into records' projections; tells change
 * enablement when a run is held for a late change, and service validation and testing the acceptance results; tells
 * the service desk and stakeholders each step of a deployment's story (communications); closes a deployment record (DeploymentRecordClosed on records' own
 * topic, reports on the feedback topics) once its outcome is known, and corrects the report to change enablement when
 * an incident is linked to a deployment whose record closed, or its monitoring period found a regression or rolled it back.
 * Owes each entry to the webhook subscriptions that select it (subscriptions), in the same transaction.
 */
export class LedgerWriter {
  constructor(
    private readonly store: EventStore,
    private readonly log: LedgerLog,
  ) {}

  consumer(): ConsumerSpec {
    return {
      name: 'records.ledger',
      topics: LEDGER_TOPICS,
      validate: againstTheContracts,
      handle: (event, tx, context) => this.handle(event, tx, context),
    };
  }

  private async handle(event: CloudEvent, tx: SqlClient, context: MessageContext): Promise<void> {
    const entry = await appendToLedger(tx, this.store.schema, context.message.topic, event, context.now, this.log);
    if (!entry) return;
    const { record, incident } = await projectEntry(tx, this.store.schema, entry);
    await oweDeliveries(tx, this.store.schema, entry, record, context.now);
    if (record) await reportHoldsOnceKnown(this.store, tx, record, context);
    if (record) await reportAcceptanceOnceVerdictKnown(this.store, tx, record, context);
    if (record) await tellStoryOnceKnown(this.store, tx, entry, record, context);
    // the report to change enablement carries a checkpoint of the ledger up to this entry, the one that closes the record
    if (record) await closeRecordOnceOutcomeKnown(this.store, tx, record, context, () => evidenceForReport(tx, this.log, context.now));
    if (record) await correctReportAfterMonitoring(this.store, tx, record, context);
    if (incident) await correctReportsOnIncident(this.store, tx, incident, context);
  }
}
