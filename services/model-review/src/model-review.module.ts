import { Module, type DynamicModule } from '@nestjs/common';
import { EventStore } from '@gantry/event-store';
import { ServiceHost, type ServiceRuntime } from '@gantry/platform';
import { modelOutcomesConsumer, modelOutcomesMigrations } from './model-outcomes/model-outcomes';
import { MODEL_REVIEW_SCHEMA, ModelOutcomesController } from './model-outcomes/model-outcomes.controller';

/** Model review: deployment models and their continual improvement (step 9); the skeleton keeps outcome counts. */
@Module({})
export class ModelReviewModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    const store = ServiceHost.storeFor('model-review', runtime);
    return {
      module: ModelReviewModule,
      controllers: [ModelOutcomesController],
      providers: [
        { provide: EventStore, useValue: store },
        { provide: MODEL_REVIEW_SCHEMA, useValue: store.schema },
        { provide: ServiceHost, useValue: new ServiceHost('model-review', runtime, store, modelOutcomesMigrations, () => [modelOutcomesConsumer(store)]) },
      ],
    };
  }
}
