import { KafkaJSError, type Consumer, type ConsumerConfig, type EachBatchPayload, type IHeaders, type Kafka, type KafkaMessage } from 'kafkajs';
import { backoffDelay } from './backoff';
import { DEFAULT_MAX_BATCH, type BatchHandler, type IncomingMessage, type SubscribeOptions, type Subscription } from './bus';
import { errorFields, type MessagingLog } from './log';

export interface KafkaConsumerSettings {
  config: Omit<ConsumerConfig, 'groupId'>;
  partitionsConsumedConcurrently: number;
}

/**
 * One consumer group member that does not stay dead. kafkajs restarts a consumer itself after a retriable
 * crash; after a crash it will not restart from (or a failed connect at startup) this starts a new consumer,
 * with backoff, until `close()`.
 *
 * Delivery: `eachBatch` without auto-resolve, with kafkajs auto-commit. A fetched batch of a partition is handed
 * over in slices of at most `maxBatch` messages, in offset order; an offset is resolved only once the handler marked
 * its message done or resolved, and kafkajs commits resolved offsets after each fetched batch (and before it rethrows a handler's
 * error), so an offset is committed only once its handler finished; a slice in hand when the consumer crashes comes
 * again. One partition is handled one slice at a time.
 */
export class KafkaSubscription implements Subscription {
  private consumer: Consumer | undefined;
  private closed = false;
  private relaunches = 0;
  private relaunchTimer: NodeJS.Timeout | undefined;
  private markJoined!: () => void;
  /** joined its group and not crashed since: what readiness asks of a consumer */
  private member: 'joining' | 'running' | 'crashed' = 'joining';
  /**
   * resolves when the member has joined its group for the first time and knows where it reads from (or is closed
   * before that). A new group starting at the latest offset resolves "latest" at its first fetch after the join:
   * what is produced before that fetch would never be seen, so joining alone is not enough. A group reading from
   * the beginning misses nothing whenever it fetches: for it, joining is enough (an idle first fetch takes the
   * broker's whole wait).
   */
  readonly joined = new Promise<void>((resolve) => (this.markJoined = resolve));

  constructor(
    private readonly kafka: Kafka,
    private readonly options: SubscribeOptions,
    private readonly handle: BatchHandler,
    private readonly settings: KafkaConsumerSettings,
    private readonly log: MessagingLog,
  ) {}

  async launch(): Promise<void> {
    if (this.closed) return;
    const consumer = this.kafka.consumer({ ...this.settings.config, groupId: this.options.group });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.relaunches = 0;
      this.member = 'running';
      if (this.options.fromBeginning || Object.values(payload.memberAssignment).every((partitions) => partitions.length === 0)) this.markJoined();
    });
    consumer.on(consumer.events.FETCH, () => this.markJoined());
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.member = 'crashed';
      if (!payload.restart) this.relaunch(consumer, payload.error);
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? false });
      await consumer.run({
        partitionsConsumedConcurrently: this.settings.partitionsConsumedConcurrently,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.deliver(payload),
      });
    } catch (error) {
      this.relaunch(consumer, error);
    }
  }

  get group(): string {
    return this.options.group;
  }

  /** Whether the member is in its group now: joined, and not crashed since (kafkajs, or this, restarts it). */
  get running(): boolean {
    return this.member === 'running';
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.relaunchTimer);
    this.markJoined();
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }

  private relaunch(consumer: Consumer, error: unknown): void {
    if (this.closed || this.consumer !== consumer) return;
    this.consumer = undefined;
    const waitMs = backoffDelay(this.relaunches++, { initialMs: 500, maxMs: 10_000 });
    this.log('error', 'kafka consumer stopped for good; starting a new one', { group: this.options.group, retryInMs: waitMs, ...errorFields(error) });
    void consumer
      .disconnect()
      .catch(() => undefined)
      .then(() => {
        if (!this.closed) this.relaunchTimer = setTimeout(() => void this.launch(), waitMs);
      });
  }

  private async deliver({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition } = batch;
    const maxBatch = this.options.maxBatch ?? DEFAULT_MAX_BATCH;
    for (let start = 0; start < batch.messages.length; start += maxBatch) {
      // stopping, or the partition was revoked or sought elsewhere: what is left of the batch is not ours to handle
      if (!isRunning() || isStale()) return;
      const slice = batch.messages.slice(start, start + maxBatch).map((message) => incoming(topic, partition, message));
      const last = slice[slice.length - 1]!.offset;
      // kafkajs heartbeats only between batches; a handler retrying a transient failure must not lose the group.
      const keepAlive = setInterval(() => heartbeat().catch(() => undefined), this.settings.config.heartbeatInterval);
      try {
        await this.handle(slice, (message) => resolveOffset(message.offset));
      } catch (error) {
        // Leaving the slice undelivered on close is expected; kafkajs logs errors only when they are not its own.
        if (this.closed) throw new KafkaJSError(`closed before ${topic}/${partition}@${slice[0]!.offset}..${last} was handled`, { retriable: true });
        throw error;
      } finally {
        clearInterval(keepAlive);
      }
      resolveOffset(last);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }
}

function incoming(topic: string, partition: number, message: KafkaMessage): IncomingMessage {
  return {
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value,
    headers: textHeaders(message.headers),
  };
}

function textHeaders(headers: IHeaders | undefined): Record<string, string> {
  const text: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const single = Array.isArray(value) ? value[value.length - 1] : value;
    if (single !== undefined) text[name] = single.toString();
  }
  return text;
}
