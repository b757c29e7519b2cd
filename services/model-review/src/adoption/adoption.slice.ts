import type { EventStore } from '@gantry/event-store';
import type { Slice } from '@gantry/platform';
import { adoptionConsumer, adoptionMigrations } from './adoption';
import { AdoptionController } from './adoption.controller';

/** How many planned deployments followed an active model: each classified once, when planned. */
export const adoptionSlice = (store: EventStore): Slice => ({
  name: 'adoption',
  migrations: adoptionMigrations,
  doors: [AdoptionController],
  reactions: [adoptionConsumer(store)],
});
