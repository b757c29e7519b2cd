/**
 * The transport port. Two adapters: KafkaBus (distributed) and InProcessBus (the embedded default).
 * Services never use it directly: they publish with `startPublisher` and consume with `startConsumer`.
 */
export interface MessageBus {
  /** Creates the topics that do not exist yet. */
  ensureTopics(topics: string[]): Promise<void>;
  /** Resolves only when every message is durably acknowledged (Kafka: acks=-1); rejects otherwise, and the caller sends again. */
  produce(topic: string, messages: OutgoingMessage[]): Promise<void>;
  /**
   * Delivers the messages of `topics` to one member of `group`, in batches: a batch holds messages of one partition,
   * in offset order, at most `maxBatch` of them, and the next batch of that partition comes only after `handle`
   * settled. `handle` resolving = every message of the batch is done (their offsets may be committed); throwing = the
   * batch's messages will be delivered again, but for those it marked done before. Resolves once the subscription is live.
   */
  subscribe(options: SubscribeOptions, handle: BatchHandler): Promise<Subscription>;
  /**
   * Readiness: resolves when the bus can carry messages now, throws naming what cannot (the broker unreachable, a
   * consumer group not running). Cheap enough for a probe every few seconds.
   */
  health(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Handles one batch. `markDone(message)` says that `message` and every message of the batch before it are done, while
 * the handler goes on with the rest: if it then throws, only the messages after it are delivered again.
 */
export type BatchHandler = (batch: IncomingMessage[], markDone: (message: IncomingMessage) => void) => Promise<void>;

export interface SubscribeOptions {
  group: string;
  topics: string[];
  /** Where a group without committed offsets starts. */
  fromBeginning?: boolean;
  /** the most messages in one batch; default 200 (a consumer applies a batch in one transaction: it stays short) */
  maxBatch?: number;
}

export const DEFAULT_MAX_BATCH = 200;

export interface OutgoingMessage {
  /** the partition key: the aggregate id, so one aggregate's messages stay in order */
  key: string | null;
  value: string | Buffer;
  headers: Record<string, string>;
}

export interface IncomingMessage {
  topic: string;
  partition: number;
  /** decimal string: a Kafka offset is an int64 */
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface Subscription {
  /** Stops delivering; a batch being handled finishes first or, if its handler throws, stays undelivered. */
  close(): Promise<void>;
}
