import type { EventMetadata } from '@gantry/event-store';

/** The metadata of what the service records on its own behalf (at start-up, on schedule); `id`: a new one, the cause and the correlation. */
export const systemMetadata = (id: string): EventMetadata => {
  return { actor: { subject: 'gantry-model-review', roles: [], channel: 'system' }, correlationId: id, causationId: id };
};
