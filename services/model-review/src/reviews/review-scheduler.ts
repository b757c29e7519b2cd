import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { EventStore } from '@gantry/event-store';
import { actingOnItsOwn, momentOf, type Clock } from '@gantry/platform';
import type { ReviewPolicy } from './review-policy';
import { actorOf, type ModelReviews } from './reviews';

/**
 * The durable review scheduler. Due dates live in Postgres (`review_schedule`), written in the transaction that
 * publishes a version or closes a review; this loop polls for the ones due by the clock and opens each review in the
 * transaction that removes its due date. A restart between "due" and "opened" finds the due date still there and
 * opens the review then, once; replicas skip rows another one holds.
 */
export class ReviewScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('model-review');
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    private readonly store: EventStore,
    private readonly reviews: ModelReviews,
    private readonly policy: ReviewPolicy,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await this.loop;
  }

  /** Opens the reviews due now; returns how many it opened. */
  async openDueReviews(): Promise<number> {
    let opened = 0;
    for (;;) {
      const moment = momentOf(this.clock);
      const now = moment.now;
      const done = await this.store.db.transaction(async (tx) => {
        const { rows } = await tx.query<{ model_name: string; due_at: Date }>(
          `SELECT model_name, due_at FROM ${this.store.schema}.review_schedule WHERE due_at <= $1 ORDER BY due_at, model_name LIMIT 1 FOR UPDATE SKIP LOCKED`,
          [now.toISOString()],
        );
        if (rows.length === 0) return true;
        const { model_name: name, due_at: dueAt } = rows[0];
        const id = moment.newId();
        const reviewId = await this.reviews.open(name, 'schedule', `due for review since ${new Date(dueAt).toISOString()}`, actorOf({ ...moment, metadata: actingOnItsOwn('model-review', id, id) }), tx);
        if (reviewId) opened++;
        return false;
      });
      if (done) return opened;
    }
  }

  private async run(): Promise<void> {
    while (!this.stopping.signal.aborted) {
      try {
        const opened = await this.openDueReviews();
        if (opened > 0) this.logger.log(`opened ${opened} scheduled model review(s)`);
      } catch (error) {
        if (!this.stopping.signal.aborted) this.logger.error(`review scheduler: ${(error as Error).message}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.policy.pollMs);
        this.stopping.signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  }
}
