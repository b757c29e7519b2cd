import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Database, Migration } from '@gantry/event-store';
import { backoffDelay, delay, type Backoff } from '@gantry/messaging';
import type { CheckpointDestination } from './checkpoint-destinations';
import { checkpointsAfter } from './ledger-checkpoints';

/**
 * How far each destination has every checkpoint (its delivery mark, by tree size). Kept beside the checkpoints, so
 * that what a destination did not take before a restart is delivered after it; a new destination gets them all.
 */
export const checkpointDeliveryMigrations: Migration[] = [
  {
    id: 'records-013-ledger-checkpoint-deliveries',
    up: (schema) => `CREATE TABLE ${schema}.ledger_checkpoint_deliveries (destination text PRIMARY KEY, delivered_up_to bigint NOT NULL)`,
  },
];

export interface CheckpointDeliveryOptions {
  /** after a failed delivery; default 1 s doubling to 1 min */
  retry?: Backoff;
  /** how often to look for new checkpoints; default 1 s (they come every so many entries or seconds) */
  pollMs?: number;
}

const PAGE = 100;

/**
 * Delivers every checkpoint, in order of size, to each destination the operator configured, each at its own pace:
 * a destination that fails is tried again with backoff, from its mark, and never holds up appends, the topic or the
 * other destinations. At least once: after a failure between a delivery and its mark, or with several replicas of
 * records, a destination may get a checkpoint twice (the same note; keep one per tree size).
 */
export class CheckpointDeliveries implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('records.ledger');
  private readonly stopping = new AbortController();
  private loops: Promise<void>[] = [];

  constructor(
    private readonly db: Database,
    private readonly schema: string,
    private readonly destinations: readonly CheckpointDestination[],
    private readonly options: CheckpointDeliveryOptions = {},
  ) {}

  onApplicationBootstrap(): void {
    this.loops = this.destinations.map((destination) => this.deliverAll(destination));
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    await Promise.all(this.loops);
  }

  /** The largest tree size delivered to that destination with every smaller checkpoint (0: none yet). */
  async deliveredUpTo(destination: string): Promise<number> {
    const { rows } = await this.db.query<{ delivered_up_to: string }>(`SELECT delivered_up_to FROM ${this.schema}.ledger_checkpoint_deliveries WHERE destination = $1`, [destination]);
    return rows[0] ? Number(rows[0].delivered_up_to) : 0;
  }

  private async deliverAll(destination: CheckpointDestination): Promise<void> {
    const { signal } = this.stopping;
    const retry = this.options.retry ?? { initialMs: 1_000, maxMs: 60_000 };
    let failures = 0;
    while (!signal.aborted) {
      try {
        const pending = await checkpointsAfter(this.db, this.schema, await this.deliveredUpTo(destination.name), PAGE);
        for (const checkpoint of pending) {
          if (signal.aborted) return;
          await destination.deliver(checkpoint, signal);
          await this.markDelivered(destination.name, checkpoint.treeSize);
        }
        failures = 0;
        if (pending.length < PAGE) await delay(this.options.pollMs ?? 1_000, signal);
      } catch (error) {
        if (signal.aborted) return;
        const waitMs = backoffDelay(failures++, retry);
        this.logger.warn(`checkpoint not delivered to ${destination.name} (attempt ${failures}, again in ${waitMs} ms): ${(error as Error).message}`);
        await delay(waitMs, signal);
      }
    }
  }

  private async markDelivered(destination: string, treeSize: number): Promise<void> {
    await this.db.query(
      `INSERT INTO ${this.schema}.ledger_checkpoint_deliveries (destination, delivered_up_to) VALUES ($1, $2)
       ON CONFLICT (destination) DO UPDATE SET delivered_up_to = greatest(ledger_checkpoint_deliveries.delivered_up_to, excluded.delivered_up_to)`,
      [destination, treeSize],
    );
  }
}
