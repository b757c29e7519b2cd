export { modelOutcomesConsumer, modelOutcomesMigrations } from './model-outcomes';
export { ModelOutcomesController } from './model-outcomes.controller';
