import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Database, Migration } from '@gantry/event-store';
import { MarkedDeliveries, type DeliveryOptions } from '../deliveries';
import type { CheckpointDestination } from './checkpoint-destinations';
import { checkpointsAfter, type StoredCheckpoint } from './ledger-checkpoints';

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

export type CheckpointDeliveryOptions = DeliveryOptions;

/**
 * Delivers every checkpoint, in order of size, to each destination the operator configured (MarkedDeliveries: each at
 * its own pace, from its mark, never holding up appends or the topic). A destination may get a checkpoint twice
 * (the same note; keep one per tree size).
 */
export class CheckpointDeliveries implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly deliveries: MarkedDeliveries<StoredCheckpoint, number>;

  constructor(
    private readonly db: Database,
    private readonly schema: string,
    destinations: readonly CheckpointDestination[],
    options: CheckpointDeliveryOptions = {},
  ) {
    this.deliveries = new MarkedDeliveries(
      {
        destinations: async () => destinations,
        markOf: (destination) => this.deliveredUpTo(destination),
        itemsAfter: (_destination, mark, limit) => checkpointsAfter(this.db, this.schema, mark, limit),
        markAfter: (checkpoint) => checkpoint.treeSize,
        saveMark: (destination, treeSize) => this.markDelivered(destination, treeSize),
      },
      new Logger('records.ledger'),
      'checkpoint',
      options,
    );
  }

  onApplicationBootstrap(): void {
    this.deliveries.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.deliveries.stop();
  }

  /** The largest tree size delivered to that destination with every smaller checkpoint (0: none yet). */
  async deliveredUpTo(destination: string): Promise<number> {
    const { rows } = await this.db.query<{ delivered_up_to: string }>(`SELECT delivered_up_to FROM ${this.schema}.ledger_checkpoint_deliveries WHERE destination = $1`, [destination]);
    return rows[0] ? Number(rows[0].delivered_up_to) : 0;
  }

  private async markDelivered(destination: string, treeSize: number): Promise<void> {
    await this.db.query(
      `INSERT INTO ${this.schema}.ledger_checkpoint_deliveries (destination, delivered_up_to) VALUES ($1, $2)
       ON CONFLICT (destination) DO UPDATE SET delivered_up_to = greatest(ledger_checkpoint_deliveries.delivered_up_to, excluded.delivered_up_to)`,
      [destination, treeSize],
    );
  }
}
