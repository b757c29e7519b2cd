import { Module, type DynamicModule } from '@nestjs/common';
import type { EventStore } from '@gantry/event-store';
import { serviceModule, type ServiceRuntime, type Slice } from '@gantry/platform';
import { adoptionSlice } from './adoption';
import { modelOutcomesSlice } from './model-outcomes';
import { DeploymentModels, modelsSlice } from './models';
import { ModelReviews, reviewPolicyFromEnv, reviewsSlice, type ReviewPolicy } from './reviews';

export interface ModelReviewOptions {
  /** load the starter catalogue on start (the embedded default does) */
  starterCatalogue?: boolean;
  /** default: from the environment (GANTRY_REVIEW_*) */
  reviewPolicy?: ReviewPolicy;
}

export const modelReviewSlices = (store: EventStore, { clock, config }: ServiceRuntime, options: ModelReviewOptions = {}): Slice[] => {
  const policy = options.reviewPolicy ?? reviewPolicyFromEnv(config.env);
  const reviews = new ModelReviews(store, policy);
  return [modelOutcomesSlice(store), modelsSlice(store, new DeploymentModels(store, reviews), clock, options.starterCatalogue ?? false), reviewsSlice(store, reviews, policy, clock), adoptionSlice(store)];
};

/** Model review: deployment models, their reviews and continual improvement (domain.md, steps 2 and 9). */
@Module({})
export class ModelReviewModule {
  static register(runtime: ServiceRuntime, options: ModelReviewOptions = {}): DynamicModule {
    return serviceModule(ModelReviewModule, 'model-review', runtime, (store, runtime) => modelReviewSlices(store, runtime, options));
  }
}
