export { failureReviewsConsumer } from './failure-reviews.consumer';
export { REVIEW_POLICY, reviewPolicyFromEnv, type ReviewPolicy } from './review-policy';
export { ReviewScheduler } from './review-scheduler';
export { ModelReviews } from './reviews';
export { ReviewsController } from './reviews.controller';
export { reviewsMigrations } from './reviews.read-model';
