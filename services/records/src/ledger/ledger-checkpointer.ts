import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Database } from '@gantry/event-store';
import type { Clock } from '@gantry/platform';
import { makeCheckpoint, reportCheckpoint, type CheckpointMade } from './ledger-checkpoints';
import type { LedgerLog } from './ledger-log';
import { lockLedgerHead } from './ledger-tree';

/**
 * Makes a checkpoint every `checkpointEverySeconds` when entries came since the last one (the appends make one every
 * `checkpointEveryEntries`). At start it reads the key (a key that cannot be read stops the service) and makes one at
 * once, which also brings the tree up to the head after an upgrade.
 */
export class LedgerCheckpointer implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('records.ledger');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly log: LedgerLog,
    private readonly clock: Clock,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.log.signingKey();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.checkpointNow();
    const seconds = this.log.policy.checkpointEverySeconds;
    if (seconds > 0) this.timer = setInterval(() => void this.checkpointNow().catch((error: Error) => this.logger.warn(`no checkpoint this time: ${error.message}`)), seconds * 1000).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running.catch(() => undefined);
  }

  /** A checkpoint of the tree as it is now, unless one of its size exists. */
  checkpointNow(): Promise<CheckpointMade> {
    const now = this.clock.now();
    const made = this.running.then(() => this.db.transaction(async (tx) => reportCheckpoint(await makeCheckpoint(tx, this.log, (await lockLedgerHead(tx, this.log.schema)).tree, now))));
    this.running = made.catch(() => undefined);
    return made;
  }
}
