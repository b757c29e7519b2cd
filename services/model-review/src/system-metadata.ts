import type { EventMetadata } from '@gantry/event-store';
import { randomUUID } from 'node:crypto';

/** The metadata of what the service records on its own behalf (at start-up, on schedule). */
export const systemMetadata = (): EventMetadata => {
  const id = randomUUID();
  return { actor: { subject: 'gantry-model-review', roles: [], channel: 'system' }, correlationId: id, causationId: id };
};
