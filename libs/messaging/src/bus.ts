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
   * Delivers the messages of `topics` to `handle`, in order per partition, to one member of `group`.
   * `handle` resolving = the message is done (its offset may be committed); throwing = it will be delivered again.
   * Resolves once the subscription is live.
   */
  subscribe(options: SubscribeOptions, handle: (message: IncomingMessage) => Promise<void>): Promise<Subscription>;
  close(): Promise<void>;
}

export interface SubscribeOptions {
  group: string;
  topics: string[];
  /** Where a group without committed offsets starts. */
  fromBeginning?: boolean;
}

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
  /** Stops delivering; a message being handled finishes first or, if its handler throws, stays undelivered. */
  close(): Promise<void>;
}
