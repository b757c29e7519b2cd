import type { DeploymentModelPublished } from '@gantry/contracts';
import type { SqlClient } from '@gantry/event-store';
import type { CommandOrigin } from '@gantry/platform';

/**
 * What a model's commands mean for its reviews, in the command's transaction. Reviews answer it (ModelReviews, wired
 * in by the module): models know reviews only through this, and reviews know models by their decider.
 */
export interface ReviewsOfModels {
  /** a revision may name only a review of its own model */
  exists(reviewId: string, name: string): Promise<boolean>;
  /** a published version is due for review an interval later; `reviewId`: the review it was revised after, which is told */
  published(name: string, published: DeploymentModelPublished, reviewId: string | null, origin: Pick<CommandOrigin, 'metadata' | 'newId'>, tx: SqlClient): Promise<void>;
  /** a retired model is never reviewed again */
  retired(name: string, tx: SqlClient): Promise<void>;
}
