import { Logger } from '@nestjs/common';
import { backoffDelay, delay, type Backoff } from '@gantry/messaging';

/** One place items are delivered to, named for its delivery mark and the logs. */
export interface Destination<Item> {
  readonly name: string;
  /** Resolves once the destination holds the item; throws when it does not (it is tried again, from the mark). */
  deliver(item: Item, signal: AbortSignal): Promise<void>;
}

/**
 * What a delivery loop reads and keeps: the destinations, the items after a destination's mark (in order), and the
 * mark itself. `Mark` is whatever orders the items: a tree size, an event store position.
 */
export interface DeliveryLedger<Item, Mark> {
  /** the destinations now; read again every poll, so a destination added later gets a loop of its own and one removed ends its */
  destinations(): Promise<readonly Destination<Item>[]>;
  markOf(destination: string): Promise<Mark>;
  itemsAfter(destination: Destination<Item>, mark: Mark, limit: number): Promise<Item[]>;
  /** the mark once `item` is delivered; saved only after the destination took it */
  markAfter(item: Item): Mark;
  saveMark(destination: string, mark: Mark): Promise<void>;
}

export interface DeliveryOptions {
  /** after a failed delivery; default 1 s doubling to 1 min */
  retry?: Backoff;
  /** how often to look for new items and destinations; default 1 s */
  pollMs?: number;
}

const PAGE = 100;

/**
 * Delivers every item, in order, to each destination, each at its own pace from its delivery mark: a destination that
 * fails is tried again with backoff, from its mark, and never holds up the writer of the items or the other
 * destinations. At least once: after a failure between a delivery and its mark, or with several replicas, a
 * destination may get an item twice (each item carries what lets the destination keep one).
 */
export class MarkedDeliveries<Item, Mark> {
  private readonly stopping = new AbortController();
  private readonly loops = new Map<string, Promise<void>>();
  private supervisor: Promise<void> | undefined;

  constructor(
    private readonly ledger: DeliveryLedger<Item, Mark>,
    private readonly logger: Logger,
    private readonly what: string,
    private readonly options: DeliveryOptions = {},
  ) {}

  start(): void {
    this.supervisor = this.superviseDestinations();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.supervisor;
    await Promise.all(this.loops.values());
  }

  private async superviseDestinations(): Promise<void> {
    const { signal } = this.stopping;
    while (!signal.aborted) {
      try {
        for (const destination of await this.ledger.destinations()) {
          if (!this.loops.has(destination.name)) this.loops.set(destination.name, this.deliverAll(destination.name));
        }
      } catch (error) {
        if (signal.aborted) return;
        this.logger.warn(`${this.what}: the destinations could not be read: ${(error as Error).message}`);
      }
      await delay(this.options.pollMs ?? 1_000, signal);
    }
  }

  /** The destination as listed now, or undefined once it is gone (its loop ends; it starts again from its mark if it comes back). */
  private async current(name: string): Promise<Destination<Item> | undefined> {
    return (await this.ledger.destinations()).find((d) => d.name === name);
  }

  private async deliverAll(name: string): Promise<void> {
    const { signal } = this.stopping;
    const retry = this.options.retry ?? { initialMs: 1_000, maxMs: 60_000 };
    let failures = 0;
    while (!signal.aborted) {
      try {
        const destination = await this.current(name);
        if (!destination) {
          this.loops.delete(name);
          return;
        }
        const pending = await this.ledger.itemsAfter(destination, await this.ledger.markOf(name), PAGE);
        for (const item of pending) {
          if (signal.aborted) return;
          await destination.deliver(item, signal);
          await this.ledger.saveMark(name, this.ledger.markAfter(item));
        }
        failures = 0;
        if (pending.length < PAGE) await delay(this.options.pollMs ?? 1_000, signal);
      } catch (error) {
        if (signal.aborted) return;
        const waitMs = backoffDelay(failures++, retry);
        this.logger.warn(`${this.what} not delivered to ${name} (attempt ${failures}, again in ${waitMs} ms): ${(error as Error).message}`);
        await delay(waitMs, signal);
      }
    }
  }
}
