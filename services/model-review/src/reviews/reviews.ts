import { Injectable } from '@nestjs/common';
import type { DeploymentModelPublished, InitiativeStatus, ReviewDecision, ReviewTrigger } from '@gantry/contracts';
import { EventStore, type EventMetadata, type SqlClient } from '@gantry/event-store';
import { executeCommand, loadAggregate, NotFound, RuleRefused, type CommandOrigin } from '@gantry/platform';
import { deploymentModelDecider, modelStream, type ReviewsOfModels } from '../models';
import { computeFindings } from './findings';
import { modelOfReview, modelReviewDecider, type ModelReviewCommand, type Review } from './model-review.decider';
import { dueAfter, type ReviewPolicy } from './review-policy';
import { closedDeploymentsBetween, listReviews, projectReviewEvents, scheduleReview, unscheduleReview, type ReviewSummary } from './reviews.read-model';

export const reviewStream = (name: string) => ({ streamId: `ModelReview-${name}`, streamType: 'ModelReview' });

export interface ReviewView extends Review {
  /** the version of the model's review stream: the ETag */
  version: number;
}

/** Who acts and when; `metadata` and `newId` for the events the act records. */
export interface Actor {
  by: string;
  at: string;
  metadata: EventMetadata;
  newId(): string;
}

/** The actor of a command from a door: a person (a request) or the service itself (a consumed event, its scheduler). */
export const actorOf = (origin: CommandOrigin): Actor => ({ by: origin.metadata.actor.subject, at: origin.now.toISOString(), metadata: origin.metadata, newId: origin.newId });

/** The application service of model reviews: REST, the failure consumer, the scheduler and model publication use it. */
@Injectable()
export class ModelReviews implements ReviewsOfModels {
  constructor(
    private readonly store: EventStore,
    private readonly policy: ReviewPolicy,
  ) {}

  /**
   * Opens a review of the model's active version, with findings computed from its closed deployments since the last
   * review. Returns the review id, or null when an automatic trigger found a review open already (or no active version).
   */
  async open(name: string, trigger: ReviewTrigger, reason: string, actor: Actor, tx?: SqlClient): Promise<string | null> {
    const run = async (t: SqlClient): Promise<string | null> => {
      const model = await loadAggregate(this.store, deploymentModelDecider, modelStream(name).streamId, t);
      if (model.state.status === 'none') {
        if (trigger === 'manual') throw new NotFound(`deployment model ${name} does not exist`);
        await unscheduleReview(t, this.store.schema, name);
        return null;
      }
      if (model.state.status !== 'current' || !model.state.active) {
        if (trigger === 'manual') throw new RuleRefused('NoActiveVersion', { name, reason: 'only a model with an active version is reviewed' });
        await unscheduleReview(t, this.store.schema, name);
        return null;
      }
      const { state } = await loadAggregate(this.store, modelReviewDecider, reviewStream(name).streamId, t);
      const previous = state.reviews[state.reviews.length - 1];
      const period = { from: previous?.findings?.period.to ?? null, to: actor.at };
      const findings = computeFindings(await closedDeploymentsBetween(t, this.store.schema, name, period.from, period.to), period);
      const result = await this.execute(name, { type: 'OpenModelReview', name, version: model.state.active.version, trigger, reason, findings, by: actor.by, at: actor.at }, actor, t);
      // the schedule waits while a review is open; closing it sets the next due date
      await unscheduleReview(t, this.store.schema, name);
      const opened = result.events.find((e) => e.type === 'ModelReviewOpened');
      return opened ? opened.data.reviewId : null;
    };
    return tx ? run(tx) : this.store.db.transaction(run);
  }

  async recordFinding(reviewId: string, summary: string, detail: string | null, actor: Actor, expectedVersion?: number): Promise<ReviewView> {
    const name = this.modelOf(reviewId);
    await this.execute(name, { type: 'RecordReviewFinding', reviewId, summary, detail, by: actor.by, at: actor.at }, actor, undefined, expectedVersion);
    return this.get(reviewId);
  }

  async registerInitiative(reviewId: string, initiative: { initiativeId: string; title: string; description: string; ownerRole: string; dueDate: string }, actor: Actor, expectedVersion?: number): Promise<ReviewView> {
    const name = this.modelOf(reviewId);
    await this.execute(name, { type: 'RegisterImprovementInitiative', reviewId, ...initiative, by: actor.by, at: actor.at }, actor, undefined, expectedVersion);
    return this.get(reviewId);
  }

  async changeInitiativeStatus(reviewId: string, initiativeId: string, status: InitiativeStatus, actor: Actor, expectedVersion?: number): Promise<ReviewView> {
    const name = this.modelOf(reviewId);
    await this.execute(name, { type: 'ChangeInitiativeStatus', reviewId, initiativeId, status, by: actor.by, at: actor.at }, actor, undefined, expectedVersion);
    return this.get(reviewId);
  }

  /** Asks change enablement for a change of the model, from the version under review. */
  async requestChange(reviewId: string, summary: string, actor: Actor, expectedVersion?: number): Promise<ReviewView> {
    const name = this.modelOf(reviewId);
    const review = await this.get(reviewId);
    await this.execute(name, { type: 'RequestModelChange', reviewId, version: review.opened.version, summary, by: actor.by, at: actor.at }, actor, undefined, expectedVersion);
    return this.get(reviewId);
  }

  /** Closes the review; the model is next due for review an interval after it. */
  async close(reviewId: string, decision: ReviewDecision, rationale: string, actor: Actor, expectedVersion?: number): Promise<ReviewView> {
    const name = this.modelOf(reviewId);
    await this.store.db.transaction(async (tx) => {
      const result = await this.execute(name, { type: 'CloseModelReview', reviewId, decision, rationale, by: actor.by, at: actor.at }, actor, tx, expectedVersion);
      const model = await loadAggregate(this.store, deploymentModelDecider, modelStream(name).streamId, tx);
      if (result.events.length > 0 && model.state.status === 'current' && model.state.active) await scheduleReview(tx, this.store.schema, name, dueAfter(actor.at, this.policy));
    });
    return this.get(reviewId);
  }

  /**
   * A version was published: it is due for review an interval later. One revised after a review: everyone who used the
   * model in the reviewed period is told.
   */
  async published(name: string, published: DeploymentModelPublished, reviewId: string | null, origin: Pick<CommandOrigin, 'metadata' | 'newId'>, tx: SqlClient): Promise<void> {
    await scheduleReview(tx, this.store.schema, name, dueAfter(published.publishedAt, this.policy));
    if (reviewId) {
      const { version, supersedes: previousVersion, publishedAt: at } = published;
      await this.execute(this.modelOf(reviewId), { type: 'CommunicateModelUpdate', reviewId, version, previousVersion, at }, origin, tx);
    }
  }

  /** A retired model is never reviewed again. */
  async retired(name: string, tx: SqlClient): Promise<void> {
    await unscheduleReview(tx, this.store.schema, name);
  }

  /** The end of the period the model's last review looked at; null before its first review. */
  async reviewedUpTo(name: string, tx?: SqlClient): Promise<string | null> {
    const { state } = await loadAggregate(this.store, modelReviewDecider, reviewStream(name).streamId, tx);
    return state.reviews[state.reviews.length - 1]?.findings?.period.to ?? null;
  }

  /** Whether a review of this model exists (a revision may name only those). */
  async exists(reviewId: string, name: string): Promise<boolean> {
    if (modelOfReview(reviewId) !== name) return false;
    const { state } = await loadAggregate(this.store, modelReviewDecider, reviewStream(name).streamId);
    return state.reviews.some((r) => r.reviewId === reviewId);
  }

  list(filter: { model?: string; status?: string }): Promise<ReviewSummary[]> {
    return listReviews(this.store.db, this.store.schema, filter);
  }

  async get(reviewId: string): Promise<ReviewView> {
    const name = this.modelOf(reviewId);
    const { state, version } = await loadAggregate(this.store, modelReviewDecider, reviewStream(name).streamId);
    const review = state.reviews.find((r) => r.reviewId === reviewId);
    if (!review) throw new NotFound(`review ${reviewId} does not exist`);
    return { ...review, version };
  }

  private modelOf(reviewId: string): string {
    const name = modelOfReview(reviewId);
    if (!name) throw new NotFound(`review ${reviewId} does not exist`);
    return name;
  }

  private async execute(name: string, command: ModelReviewCommand, origin: Pick<CommandOrigin, 'metadata' | 'newId'>, tx?: SqlClient, expectedVersion?: number) {
    const run = async (t: SqlClient) => {
      const result = await executeCommand(this.store, modelReviewDecider, reviewStream(name), command, { metadata: origin.metadata, newId: origin.newId, expectedVersion }, t).catch((error: unknown) => {
        if (error instanceof RuleRefused && error.code === 'ReviewNotFound') throw new NotFound(`review ${String(error.details.reviewId)} does not exist`);
        if (error instanceof RuleRefused && error.code === 'InitiativeNotFound') throw new NotFound(`initiative ${String(error.details.initiativeId)} does not exist`);
        throw error;
      });
      await projectReviewEvents(t, this.store.schema, result.events);
      return result;
    };
    return tx ? run(tx) : this.store.db.transaction(run);
  }
}
