import { EVENT_NAMES, EVENTS, eventNameOf, type EventName, type SubscriptionFilter } from '@gantry/contracts';

/**
 * Named groups a subscription may ask for instead of listing events. `deployment-outcome`: the deployment's record
 * closed with its final outcome (what change enablement closes the change request on), and each later correction of
 * it. `deployment-lifecycle`: every event in the ledger that names a deployment, from its request to its close.
 */
export const EVENT_GROUPS = {
  'deployment-outcome': (name: EventName) => name === 'DeploymentRecordClosed' || name === 'ChangeImplementationCorrected',
  'deployment-lifecycle': (_: EventName, deploymentId: string | null) => deploymentId !== null,
} as const satisfies Record<string, (name: EventName, deploymentId: string | null) => boolean>;
export type EventGroup = keyof typeof EVENT_GROUPS;

const isGroup = (value: string): value is EventGroup => Object.hasOwn(EVENT_GROUPS, value);

/**
 * What a subscription names, each as it is kept: a group, or an event's name (a CloudEvent type is taken for its
 * name). `unknown` lists what is neither.
 */
export function selectionOf(requested: readonly string[]): { events: string[]; unknown: string[] } {
  const events: string[] = [];
  const unknown: string[] = [];
  for (const value of requested) {
    const name = isGroup(value) || (EVENT_NAMES as readonly string[]).includes(value) ? value : eventNameOf(value);
    if (name) events.push(name);
    else unknown.push(value);
  }
  return { events: [...new Set(events)], unknown };
}

export const SELECTABLE = `a group (${Object.keys(EVENT_GROUPS).join(', ')}), an event name (e.g. DeploymentRecordClosed) or its CloudEvent type (e.g. ${EVENTS.DeploymentRecordClosed.type})`;

/** What a ledger entry is about, as far as records knows it (the deployment record's facts, else the event's own). */
export interface EntryFacts {
  name: EventName;
  deploymentId: string | null;
  service?: string;
  environment?: string;
  changeId?: string;
}

export function selects(events: readonly string[], filter: SubscriptionFilter | undefined, facts: EntryFacts): boolean {
  const named = events.some((e) => (isGroup(e) ? EVENT_GROUPS[e](facts.name, facts.deploymentId) : e === facts.name));
  if (!named || !filter) return named;
  return (
    (filter.deploymentId === undefined || filter.deploymentId === facts.deploymentId) &&
    (filter.service === undefined || filter.service === facts.service) &&
    (filter.environment === undefined || filter.environment === facts.environment) &&
    (filter.changeId === undefined || filter.changeId === facts.changeId)
  );
}
