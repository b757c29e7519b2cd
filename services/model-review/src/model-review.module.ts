import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { EventStore } from '@gantry/event-store';
import { ServiceHost, type ServiceRuntime } from '@gantry/platform';
import { AdoptionController } from './adoption/adoption.controller';
import { adoptionConsumer, adoptionMigrations } from './adoption/adoption';
import { modelOutcomesConsumer, modelOutcomesMigrations } from './model-outcomes/model-outcomes';
import { MODEL_REVIEW_SCHEMA, ModelOutcomesController } from './model-outcomes/model-outcomes.controller';
import { DeploymentModels } from './models/models';
import { ModelsController } from './models/models.controller';
import { modelsMigrations } from './models/models.read-model';
import { StarterCatalogueOnStart } from './models/starter-catalogue.boot';
import { StarterCatalogue } from './models/starter-catalogue.loader';
import { failureReviewsConsumer } from './reviews/failure-reviews.consumer';
import { CLOCK, REVIEW_POLICY, reviewPolicyFromEnv, systemClock, type Clock, type ReviewPolicy } from './reviews/review-policy';
import { ReviewScheduler } from './reviews/review-scheduler';
import { ModelReviews } from './reviews/reviews';
import { ReviewsController } from './reviews/reviews.controller';
import { reviewsMigrations } from './reviews/reviews.read-model';

export interface ModelReviewOptions {
  /** load the starter catalogue on start (the embedded default does) */
  starterCatalogue?: boolean;
  /** default: the system clock */
  clock?: Clock;
  /** default: from the environment (GANTRY_REVIEW_*) */
  reviewPolicy?: ReviewPolicy;
}

/** Model review: deployment models, their reviews and continual improvement (domain.md, steps 2 and 9). */
@Module({})
export class ModelReviewModule {
  static register(runtime: ServiceRuntime, options: ModelReviewOptions = {}): DynamicModule {
    const store = ServiceHost.storeFor('model-review', runtime);
    const clock = options.clock ?? systemClock;
    const policy = options.reviewPolicy ?? reviewPolicyFromEnv(process.env);
    const catalogueOnStart: Provider[] = options.starterCatalogue
      ? [{ provide: StarterCatalogueOnStart, useFactory: (catalogue: StarterCatalogue) => new StarterCatalogueOnStart(catalogue, clock), inject: [StarterCatalogue] }]
      : [];
    return {
      module: ModelReviewModule,
      controllers: [ModelOutcomesController, ModelsController, ReviewsController, AdoptionController],
      providers: [
        { provide: EventStore, useValue: store },
        { provide: MODEL_REVIEW_SCHEMA, useValue: store.schema },
        { provide: CLOCK, useValue: clock },
        { provide: REVIEW_POLICY, useValue: policy },
        ModelReviews,
        DeploymentModels,
        StarterCatalogue,
        {
          provide: ServiceHost,
          useFactory: (reviews: ModelReviews) =>
            new ServiceHost('model-review', runtime, store, [...modelOutcomesMigrations, ...modelsMigrations, ...reviewsMigrations, ...adoptionMigrations], () => [
              modelOutcomesConsumer(store),
              failureReviewsConsumer(store, reviews, policy, clock),
              adoptionConsumer(store),
            ]),
          inject: [ModelReviews],
        },
        { provide: ReviewScheduler, useFactory: (reviews: ModelReviews) => new ReviewScheduler(store, reviews, policy, clock), inject: [ModelReviews] },
        ...catalogueOnStart,
      ],
    };
  }
}
