import type { EventMetadata } from '@gantry/event-store';

/** Metadata of what verification records on its own, when a timer fires: the system is the actor, the timer the cause. */
export const systemMetadata = (cause: string, correlationId: string): EventMetadata => ({
  actor: { subject: 'gantry-verification', roles: [], channel: 'system' },
  correlationId,
  causationId: cause,
});
