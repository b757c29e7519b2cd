import {
  changeDeploymentId,
  INBOUND_TOPICS,
  itsmChangeEventNameOf,
  validateItsmEvent,
  validatePayload,
  type ChangeAuthorized,
  type ChangeCancelled,
  type DeploymentRequested,
} from '@gantry/contracts';
import type { SqlClient } from '@gantry/event-store';
import { PoisonMessage, type CloudEvent } from '@gantry/messaging';
import { RuleRefused, type ConsumerSpec, type MessageContext } from '@gantry/platform';
import { requestFrom, type Deployments } from '../deployments';

/**
 * The third door: change enablement's events on `itsm.changes.v1`. An authorised change is the same command as
 * POST /deployments; its deployment id is derived from the change, environment and service, so the same
 * authorisation sent again (a duplicate delivery or a re-sent event) names the same deployment and plans it once.
 */
export const itsmChangesConsumer = (deployments: Deployments): ConsumerSpec => ({
  name: 'planning.itsm-changes',
  topics: [INBOUND_TOPICS.itsmChanges],
  accepts: (type) => itsmChangeEventNameOf(type) !== undefined,
  validate: (event) => {
    const name = itsmChangeEventNameOf(event.type)!;
    const invalid = validateItsmEvent(name, event.data);
    return invalid ? `${event.type}: ${invalid}` : undefined;
  },
  handle: async (event, tx, context) => {
    switch (itsmChangeEventNameOf(event.type)) {
      case 'ChangeAuthorized':
        return authorised(deployments, event, tx, context);
      case 'ChangeCancelled':
        return cancelled(deployments, event, tx, context);
      default:
    }
  },
});

const requester = (event: CloudEvent) => event.actor ?? `change-enablement${event.source}`;

async function authorised(deployments: Deployments, event: CloudEvent, tx: SqlClient, context: MessageContext): Promise<void> {
  const change = event.data as ChangeAuthorized;
  const { authorisedBy, ...asked } = change;
  // the request as every door records it, a window or the next available one included
  const request: DeploymentRequested = requestFrom(
    { ...asked, changeState: 'authorised' },
    changeDeploymentId(event.source, change),
    requester(event),
    event.time ?? context.now.toISOString(),
  );
  const invalid = validatePayload('DeploymentRequested', request);
  if (invalid) throw new PoisonMessage(`ChangeAuthorized ${change.changeId}: ${invalid}`);
  try {
    // change enablement asks in the role of its systems (change-manager): it may ask ad hoc, never override a freeze;
    // its event is the change's authorisation, by whom it names (else the system that sent it)
    const proof = { way: 'itsm' as const, by: authorisedBy ?? requester(event), source: event.source, eventId: event.id, authoriserNamed: authorisedBy !== undefined };
    await deployments.plan(request, ['change-manager'], context, tx, proof);
  } catch (error) {
    // the change asks for something that can never be recorded (another request under the same change, a window
    // that ends before it starts): dead-letter it with the reason rather than retrying for ever
    if (error instanceof RuleRefused) throw new PoisonMessage(`ChangeAuthorized ${change.changeId}: ${error.message}`);
    throw error;
  }
}

const LEFT_AS_THEY_ARE = new Set(['DeploymentNotPlanned', 'DeploymentAlreadyStarted', 'DeploymentAlreadyClosed']);

/** A cancelled change cancels its deployments that have not started; the others stay as they are. */
async function cancelled(deployments: Deployments, event: CloudEvent, tx: SqlClient, context: MessageContext): Promise<void> {
  const change = event.data as ChangeCancelled;
  for (const deploymentId of await deployments.ofChange(change.changeId, tx)) {
    try {
      await deployments.cancel(deploymentId, `change ${change.changeId} was cancelled: ${change.reason}`, change.cancelledBy ?? requester(event), context, undefined, tx);
    } catch (error) {
      // a rejected request has nothing to cancel; a started deployment is execution's to abort; a closed one keeps its outcome
      if (!(error instanceof RuleRefused && LEFT_AS_THEY_ARE.has(error.code))) throw error;
    }
  }
}
