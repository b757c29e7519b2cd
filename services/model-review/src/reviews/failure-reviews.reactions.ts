import { SERVICE_TOPICS, type DeploymentRecordClosed } from '@gantry/contracts';
import type { EventStore } from '@gantry/event-store';
import type { Reactions } from '@gantry/platform';
import { reviewCalledFor } from './findings';
import type { ReviewPolicy } from './review-policy';
import { recentClosedDeployments, rememberClosedDeployment } from './reviews.read-model';
import { actorOf, type ModelReviews } from './reviews';

/**
 * Remembers every closed deployment of a model (the source of review findings) and opens a review when the model's
 * recent deployments cross the failure threshold or one was rolled back in production. A duplicate delivery is
 * dropped by the inbox; a second trigger while a review is open records nothing.
 */
export const failureReviewsConsumer = (store: EventStore, reviews: ModelReviews, policy: ReviewPolicy): Reactions => ({
  consumer: 'model-review.failure-reviews',
  topics: [SERVICE_TOPICS.records],
  on: {
    DeploymentRecordClosed: async (event, tx, context) => {
      const closed = event.data as DeploymentRecordClosed;
      if (!closed.model) return;
      const latest = {
        deploymentId: closed.deploymentId,
        service: closed.service,
        environment: closed.environment,
        ...(closed.environmentKind ? { environmentKind: closed.environmentKind } : {}),
        outcome: closed.outcome,
        cause: closed.cause ?? null,
        closedAt: closed.closedAt,
        leadTimeMs: closed.leadTimeMs,
      };
      if (!(await rememberClosedDeployment(tx, store.schema, closed.model, latest))) return;
      // cancelled and rejected ones do not count; fetch enough to fill the window with the others
      const recent = await recentClosedDeployments(tx, store.schema, closed.model.name, policy.failureThreshold.window * 5);
      const called = reviewCalledFor(latest, recent, policy.failureThreshold, await reviews.reviewedUpTo(closed.model.name, tx));
      if (!called) return;
      await reviews.open(closed.model.name, called.trigger, called.reason, actorOf(context), tx);
    },
  },
});
