import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Database } from '@gantry/event-store';
import type { Clock } from '@gantry/platform';
import { latestCheckpoint, makeCheckpoint, reportCheckpoint, type CheckpointMade } from './ledger-checkpoints';
import { readLedgerHead } from './ledger-verification';
import type { LedgerLog } from './ledger-log';
import { growLedgerTree } from './ledger-tree';

/**
 * Grows the ledger's tree over the entries appended since and signs a checkpoint of it: once an append that makes one
 * due (every `checkpointEveryEntries`) has committed, every `checkpointEverySeconds` when entries came since the last
 * one, and when asked (a proof of entries no checkpoint covers yet). At start it reads the key (a key that cannot be
 * read stops the service) and makes one at once, which also brings the tree up to the head after an upgrade.
 */
export class LedgerCheckpointer implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('records.ledger');
  private timer: NodeJS.Timeout | undefined;
  private stopListening: (() => unknown) | undefined;
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
    this.start();
  }

  /** Listens for due checkpoints after each commit, and starts the timer. */
  start(): void {
    const inTheBackground = (size?: number) => void this.checkpointNow(size).catch((error: Error) => this.logger.warn(`no checkpoint this time: ${error.message}`));
    this.stopListening = this.db.onCommitted(() => this.log.takeDue().forEach(inTheBackground));
    const seconds = this.log.policy.checkpointEverySeconds;
    if (seconds > 0) this.timer = setInterval(() => inTheBackground(), seconds * 1000).unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopListening?.();
    clearInterval(this.timer);
    await this.running.catch(() => undefined);
  }

  /**
   * Makes sure a checkpoint covers the entry at `position` (default: the head) when the ledger has it: what a proof
   * of entries appended since the last checkpoint waits for.
   */
  async cover(position?: number): Promise<void> {
    const [latest, head] = await Promise.all([latestCheckpoint(this.db, this.log.schema), position === undefined ? readLedgerHead(this.db, this.log.schema) : undefined]);
    const wanted = position ?? head!.position;
    if ((latest?.treeSize ?? 0) < wanted) await this.checkpointNow();
  }

  /** The tree grown to the head (or to `size`, when that is less), and a checkpoint of it unless one of its size exists; one at a time. */
  checkpointNow(size?: number): Promise<CheckpointMade> {
    const made = this.running.then(() =>
      this.db.transaction(async (tx) => reportCheckpoint(await makeCheckpoint(tx, this.log, await growLedgerTree(tx, this.log.schema, size), this.clock.now()))),
    );
    this.running = made.catch(() => undefined);
    return made;
  }

  /** Once every checkpoint asked for so far is made (or refused). */
  async settled(): Promise<void> {
    await this.running;
  }
}
