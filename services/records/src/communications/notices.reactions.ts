import { eventNameOf } from '@gantry/contracts';
import type { EventStore, SqlClient } from '@gantry/event-store';
import { executeCommand, type CommandOrigin } from '@gantry/platform';
import type { DeploymentRecord } from '../deployment-records';
import { readDeploymentEntries, type LedgerEntry } from '../ledger';
import { noticesDecider, type DeploymentStory } from './notices.decider';
import { catalogueEntry, dependentsOf, recipientsOf } from './service-catalogue.projection';
import { NOTICE_OF_EVENT, storyOf } from './story';

export const noticesStream = (deploymentId: string) => ({ streamId: `DeploymentNotices-${deploymentId}`, streamType: 'DeploymentNotices' });

/**
 * Tells the service desk and the service's stakeholders (DeploymentNoticeIssued on gantry.communications.v1) each step
 * of the deployment's story not told yet, once an event that calls for a notice is in the ledger and the deployment's
 * service and environment are known. The story is read from the ledger, so steps that arrived before the plan are
 * told after it, in order.
 */
export async function tellStoryOnceKnown(store: EventStore, tx: SqlClient, entry: LedgerEntry, record: DeploymentRecord, origin: CommandOrigin): Promise<void> {
  const name = eventNameOf(entry.event.type);
  if (!name || !NOTICE_OF_EVENT[name] || !record.service || !record.environment) return;
  const entries = await readDeploymentEntries(tx, store.schema, record.deploymentId);
  const steps = storyOf(entries.map((e) => ({ name: eventNameOf(e.event.type), time: e.event.time, data: e.event.data })));
  const entryOfService = await catalogueEntry(tx, store.schema, record.service);
  const story: DeploymentStory = {
    deploymentId: record.deploymentId,
    ...(record.changeId ? { changeId: record.changeId } : {}),
    service: record.service,
    environment: record.environment,
    ...(record.window ? { window: record.window } : {}),
    components: (record.components ?? []).map((c) => `${c.name}@${c.version}`),
    affectedServices: [record.service, ...(await dependentsOf(tx, store.schema, record.service))],
    recipients: recipientsOf(entryOfService),
  };
  await executeCommand(store, noticesDecider, noticesStream(record.deploymentId), { type: 'TellStory', story, steps, now: origin.now.toISOString() }, origin, tx);
}
