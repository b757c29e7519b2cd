import { eventNameOf, SERVICE_TOPICS } from '@gantry/contracts';
import type { SqlClient } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';
import type { ConsumerSpec, MessageContext } from '@gantry/platform';

/** What a slice does, in the consumer's transaction, when an event of planning or execution it reacts to arrives. */
export type Reaction = (event: CloudEvent, tx: SqlClient, context: MessageContext) => Promise<void>;

/** A slice's reactions, by event name. */
export type Reactions = Readonly<Record<string, Reaction>>;

/**
 * The one consumer of planning's and execution's topics (`verification.triggers`): each event goes to the slices that
 * react to it. One consumer group rather than one per slice: a deployment's events reach every slice in the order of
 * their partition (its manual steps are recorded before the evaluation that judges them starts), and the group's
 * offsets and inbox carry on across releases.
 */
export function verificationTriggers(...slices: Reactions[]): ConsumerSpec {
  const reactions = new Map<string, Reaction[]>();
  for (const [name, react] of slices.flatMap((s) => Object.entries(s))) reactions.set(name, [...(reactions.get(name) ?? []), react]);
  return {
    name: 'verification.triggers',
    topics: [SERVICE_TOPICS.planning, SERVICE_TOPICS.execution],
    accepts: (type) => reactions.has(eventNameOf(type) ?? ''),
    handle: async (event, tx, context) => {
      for (const react of reactions.get(eventNameOf(event.type) ?? '') ?? []) await react(event, tx, context);
    },
  };
}
