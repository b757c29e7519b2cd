import { SERVICE_TOPICS, type DeploymentRecordClosed, type RegressionDetected } from '@gantry/contracts';
import type { EventStore, SqlClient } from '@gantry/event-store';
import type { MessageContext, Reactions } from '@gantry/platform';
import { reviewCalledFor, type ClosedDeployment } from './findings';
import type { ReviewPolicy } from './review-policy';
import { closedDeployment, recentClosedDeployments, rememberClosedDeployment, rememberRegression } from './reviews.read-model';
import { actorOf, type ModelReviews } from './reviews';

/**
 * Remembers every closed deployment of a model (the source of review findings) and every regression verification
 * detected in a deployment's monitoring period, and opens a review when the model's recent deployments cross the
 * failure threshold (a regression counts like a failure), or one was rolled back or regressed in production. The close
 * and the regression arrive on different topics in either order: whichever comes second weighs both. A duplicate
 * delivery is dropped by the inbox; a second trigger while a review is open records nothing.
 */
export const failureReviewsConsumer = (store: EventStore, reviews: ModelReviews, policy: ReviewPolicy): Reactions => {
  const weigh = async (model: string, latest: ClosedDeployment, tx: SqlClient, context: MessageContext) => {
    // cancelled and rejected ones do not count; fetch enough to fill the window with the others
    const recent = await recentClosedDeployments(tx, store.schema, model, policy.failureThreshold.window * 5);
    const called = reviewCalledFor(latest, recent, policy.failureThreshold, await reviews.reviewedUpTo(model, tx));
    if (called) await reviews.open(model, called.trigger, called.reason, actorOf(context), tx);
  };
  return {
    consumer: 'model-review.failure-reviews',
    topics: [SERVICE_TOPICS.records, SERVICE_TOPICS.verification],
    on: {
      DeploymentRecordClosed: async (event, tx, context) => {
        const closed = event.data as DeploymentRecordClosed;
        if (!closed.model) return;
        const reported = {
          deploymentId: closed.deploymentId,
          service: closed.service,
          environment: closed.environment,
          ...(closed.environmentKind ? { environmentKind: closed.environmentKind } : {}),
          outcome: closed.outcome,
          cause: closed.cause ?? null,
          closedAt: closed.closedAt,
          leadTimeMs: closed.leadTimeMs,
        };
        if (!(await rememberClosedDeployment(tx, store.schema, closed.model, reported))) return;
        const latest = (await closedDeployment(tx, store.schema, closed.deploymentId))?.deployment ?? reported;
        await weigh(closed.model.name, latest, tx, context);
      },
      RegressionDetected: async (event, tx, context) => {
        const regression = event.data as RegressionDetected;
        if (!(await rememberRegression(tx, store.schema, regression))) return;
        const closed = await closedDeployment(tx, store.schema, regression.deploymentId);
        if (closed) await weigh(closed.model, closed.deployment, tx, context);
      },
    },
  };
};
