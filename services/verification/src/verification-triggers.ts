import { SERVICE_TOPICS } from '@gantry/contracts';
import type { Reactions } from '@gantry/platform';

/**
 * Reactions in verification's one consumer of planning's and execution's topics (`verification.triggers`). One group
 * rather than one per slice: a deployment's events reach every slice in the order of their partition (its manual steps
 * are recorded before the evaluation that judges them starts), and the group's offsets and inbox carry on across
 * releases. Within an event, the slices react in the order the service lists them.
 */
export const verificationTriggers = (on: Reactions['on']): Reactions => ({
  consumer: 'verification.triggers',
  topics: [SERVICE_TOPICS.planning, SERVICE_TOPICS.execution],
  on,
});
