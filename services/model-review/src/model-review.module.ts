import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { EventStore } from '@gantry/event-store';
import { ServiceHost, type ServiceRuntime } from '@gantry/platform';
import { AdoptionController, adoptionConsumer, adoptionMigrations } from './adoption';
import { ModelOutcomesController, modelOutcomesConsumer, modelOutcomesMigrations } from './model-outcomes';
import { DeploymentModels, ModelsController, modelsMigrations, REVIEWS_OF_MODELS, StarterCatalogue, StarterCatalogueOnStart } from './models';
import { failureReviewsConsumer, ModelReviews, REVIEW_POLICY, reviewPolicyFromEnv, ReviewScheduler, ReviewsController, reviewsMigrations, type ReviewPolicy } from './reviews';

export interface ModelReviewOptions {
  /** load the starter catalogue on start (the embedded default does) */
  starterCatalogue?: boolean;
  /** default: from the environment (GANTRY_REVIEW_*) */
  reviewPolicy?: ReviewPolicy;
}

/** Model review: deployment models, their reviews and continual improvement (domain.md, steps 2 and 9). */
@Module({})
export class ModelReviewModule {
  static register(runtime: ServiceRuntime, options: ModelReviewOptions = {}): DynamicModule {
    const store = ServiceHost.storeFor('model-review', runtime);
    const policy = options.reviewPolicy ?? reviewPolicyFromEnv(process.env);
    const catalogueOnStart: Provider[] = options.starterCatalogue
      ? [{ provide: StarterCatalogueOnStart, useFactory: (catalogue: StarterCatalogue) => new StarterCatalogueOnStart(catalogue, runtime.clock), inject: [StarterCatalogue] }]
      : [];
    return {
      module: ModelReviewModule,
      controllers: [ModelOutcomesController, ModelsController, ReviewsController, AdoptionController],
      providers: [
        { provide: EventStore, useValue: store },
        { provide: REVIEW_POLICY, useValue: policy },
        ModelReviews,
        { provide: REVIEWS_OF_MODELS, useExisting: ModelReviews },
        DeploymentModels,
        StarterCatalogue,
        {
          provide: ServiceHost,
          useFactory: (reviews: ModelReviews) =>
            new ServiceHost('model-review', runtime, store, [...modelOutcomesMigrations, ...modelsMigrations, ...reviewsMigrations, ...adoptionMigrations], () => [
              modelOutcomesConsumer(store),
              failureReviewsConsumer(store, reviews, policy),
              adoptionConsumer(store),
            ]),
          inject: [ModelReviews],
        },
        { provide: ReviewScheduler, useFactory: (reviews: ModelReviews) => new ReviewScheduler(store, reviews, policy, runtime.clock), inject: [ModelReviews] },
        ...catalogueOnStart,
      ],
    };
  }
}
