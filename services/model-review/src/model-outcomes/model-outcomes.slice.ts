import type { EventStore } from '@gantry/event-store';
import type { Slice } from '@gantry/platform';
import { modelOutcomesConsumer, modelOutcomesMigrations } from './model-outcomes';
import { ModelOutcomesController } from './model-outcomes.controller';

/** Closed deployments per model version and outcome. */
export const modelOutcomesSlice = (store: EventStore): Slice => ({
  name: 'model-outcomes',
  migrations: modelOutcomesMigrations,
  doors: [ModelOutcomesController],
  reactions: [modelOutcomesConsumer(store)],
});
