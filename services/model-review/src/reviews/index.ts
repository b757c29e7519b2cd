export { reviewPolicyFromEnv, type ReviewPolicy } from './review-policy';
export { ModelReviews } from './reviews';
export { reviewsSlice } from './reviews.slice';
