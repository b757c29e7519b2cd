import type { EventStore } from '@gantry/event-store';
import type { Clock, Slice } from '@gantry/platform';
import { failureReviewsConsumer } from './failure-reviews.reactions';
import type { ReviewPolicy } from './review-policy';
import { ReviewScheduler } from './review-scheduler';
import { ModelReviews } from './reviews';
import { ReviewsController } from './reviews.controller';
import { reviewsMigrations } from './reviews.read-model';

/** Reviews of deployment models: scheduled, called for by failures, answered by a revision or a retirement. */
export const reviewsSlice = (store: EventStore, reviews: ModelReviews, policy: ReviewPolicy, clock: Clock): Slice => ({
  name: 'reviews',
  migrations: reviewsMigrations,
  doors: [ReviewsController],
  provides: [{ provide: ModelReviews, useValue: reviews }, { provide: ReviewScheduler, useValue: new ReviewScheduler(store, reviews, policy, clock) }],
  reactions: [failureReviewsConsumer(store, reviews, policy)],
});
