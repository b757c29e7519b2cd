import { Kafka, logLevel, Partitioners, type Admin, type KafkaConfig, type Producer, type RetryOptions } from 'kafkajs';
import { delay } from './backoff';
import type { BatchHandler, MessageBus, OutgoingMessage, SubscribeOptions, Subscription } from './bus';
import { kafkaLogCreator } from './kafka-log';
import './kafka-request-queue';
import { KafkaSubscription } from './kafka-subscription';
import { jsonStderrLog, type MessagingLog } from './log';

export interface KafkaBusOptions {
  clientId: string;
  /** `host:port`, e.g. from KAFKA_BROKERS split on commas */
  brokers: string[];
  /** consumer session timeout; default 6000 ms (the broker's group.min.session.timeout.ms is the floor) */
  sessionTimeoutMs?: number;
  /** default: a third of the session timeout, at most 500 ms */
  heartbeatIntervalMs?: number;
  /** how long the broker may hold a consumer's fetch when there is nothing to read; default 1500 ms */
  fetchMaxWaitMs?: number;
  /** for topics that ensureTopics creates; defaults 3 and 1 (production: replication 3) */
  partitions?: number;
  replicationFactor?: number;
  /** partitions one member handles at the same time, each still in order; default 1 */
  partitionsConsumedConcurrently?: number;
  /** TLS (true: the system's trusted CAs; or the CA certificates in PEM) and SASL, as kafkajs takes them */
  ssl?: KafkaConfig['ssl'];
  sasl?: KafkaConfig['sasl'];
  /**
   * Put before every topic name on the cluster (`acme.gantry.planning.v1`): installations (or tests) sharing one
   * cluster keep their topics apart. The application keeps using the names of the contract; the bus adds and strips it.
   */
  topicPrefix?: string;
  log?: MessagingLog;
}

/**
 * Client retries: short steps capped at 2 s, so a broker that comes back is noticed within about 2 s.
 * After the retries a consumer crashes and kafkajs restarts it (the error is retriable); a producer's send
 * rejects and the publisher sends the batch again.
 */
const clientRetry: RetryOptions = { initialRetryTime: 100, maxRetryTime: 2_000, retries: 10 };
/** A send gives up after about 3 s so the caller's own backoff (and its stop) stays in charge. */
const producerRetry: RetryOptions = { initialRetryTime: 100, maxRetryTime: 1_000, retries: 5 };

/**
 * How long an answer of the broker check stays good: a readiness probe every second costs the broker one metadata
 * request every few seconds, and an outage shows within this plus the check's own timeout.
 */
export const BROKER_CHECK_TTL_MS = 3_000;

/** The distributed transport, on kafkajs. */
export class KafkaBus implements MessageBus {
  private readonly kafka: Kafka;
  private readonly log: MessagingLog;
  private producer: Promise<Producer> | undefined;
  private readonly subscriptions = new Set<KafkaSubscription>();
  private admin: Promise<Admin> | undefined;
  private brokerCheck: { at: number; answer: Promise<void> } | undefined;

  constructor(private readonly options: KafkaBusOptions) {
    this.log = options.log ?? jsonStderrLog();
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      ...(options.ssl ? { ssl: options.ssl } : {}),
      ...(options.sasl ? { sasl: options.sasl } : {}),
      connectionTimeout: 3_000,
      retry: clientRetry,
      logLevel: logLevel.WARN,
      logCreator: kafkaLogCreator(this.log),
    });
  }

  private onCluster = (topic: string) => `${this.options.topicPrefix ?? ''}${topic}`;
  private inContract = (topic: string) => (this.options.topicPrefix && topic.startsWith(this.options.topicPrefix) ? topic.slice(this.options.topicPrefix.length) : topic);

  async ensureTopics(topics: string[]): Promise<void> {
    const wanted = [...new Set(topics.map(this.onCluster))];
    if (wanted.length === 0) return;
    const admin = this.kafka.admin({ retry: clientRetry });
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const missing = wanted.filter((topic) => !existing.has(topic));
      let creationError: unknown;
      if (missing.length > 0) {
        const { partitions = 3, replicationFactor = 1 } = this.options;
        try {
          await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor })), waitForLeaders: true });
        } catch (error) {
          // Several services start at once against a fresh broker: another one may be creating the same topics
          // (TOPIC_ALREADY_EXISTS, or UNKNOWN_TOPIC_OR_PARTITION while kafkajs waits for leaders). Whether the topics
          // came to exist is what counts; the error is reported only if they did not.
          if (!onlyAlreadyExists(error)) creationError = error;
        }
      }
      try {
        await waitForLeaders(admin, wanted);
      } catch (error) {
        throw creationError ?? error;
      }
    } finally {
      await admin.disconnect();
    }
  }

  async produce(topic: string, messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const connecting = this.connectedProducer();
    const producer = await connecting;
    try {
      await producer.send({ topic: this.onCluster(topic), acks: -1, messages: messages.map(({ key, value, headers }) => ({ key, value, headers })) });
    } catch (error) {
      // A send that failed part-way can leave the idempotent producer's sequence numbers out of step with the
      // broker (OUT_OF_ORDER_SEQUENCE_NUMBER on every later send). A new producer gets a new producer id and
      // starts clean; what it sends again is deduplicated by the consumers' inbox.
      if (this.producer === connecting) {
        this.producer = undefined;
        void producer.disconnect().catch(() => undefined);
      }
      throw error;
    }
  }

  async subscribe(options: SubscribeOptions, handle: BatchHandler): Promise<Subscription> {
    const sessionTimeout = this.options.sessionTimeoutMs ?? 6_000;
    const subscription = new KafkaSubscription(
      this.kafka,
      { ...options, topics: options.topics.map(this.onCluster) },
      (batch, markDone) => handle(batch.map((message) => ({ ...message, topic: this.inContract(message.topic) })), markDone),
      {
        config: {
          sessionTimeout,
          heartbeatInterval: this.options.heartbeatIntervalMs ?? Math.min(500, Math.floor(sessionTimeout / 3)),
          // A fetch returns as soon as one byte is there; the wait only bounds how often an idle consumer asks again.
          maxWaitTimeInMs: this.options.fetchMaxWaitMs ?? 1_500,
          minBytes: 1,
          allowAutoTopicCreation: false,
          retry: { ...clientRetry, restartOnFailure: async () => true },
        },
        partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      },
      this.log,
    );
    this.subscriptions.add(subscription);
    await subscription.launch();
    await subscription.joined;
    return {
      close: async () => {
        this.subscriptions.delete(subscription);
        await subscription.close();
      },
    };
  }

  /** The broker answers (describeCluster, cached BROKER_CHECK_TTL_MS) and every consumer group member is running. */
  async health(): Promise<void> {
    await this.brokerAnswers();
    const stopped = [...this.subscriptions].filter((subscription) => !subscription.running).map((subscription) => subscription.group);
    if (stopped.length > 0) throw new Error(`consumer groups not running: ${stopped.join(', ')}`);
  }

  private brokerAnswers(): Promise<void> {
    const now = Date.now();
    if (this.brokerCheck && now - this.brokerCheck.at < BROKER_CHECK_TTL_MS) return this.brokerCheck.answer;
    const answer = this.describeCluster();
    answer.catch(() => undefined);
    this.brokerCheck = { at: now, answer };
    return answer;
  }

  /** One admin connection kept for the check, without retries: a failure is the answer, and a new connection tries next time. */
  private async describeCluster(): Promise<void> {
    const connecting = (this.admin ??= (async () => {
      const admin = this.kafka.admin({ retry: { retries: 0 } });
      await admin.connect();
      return admin;
    })());
    try {
      const { brokers } = await (await connecting).describeCluster();
      if (brokers.length === 0) throw new Error('the cluster lists no brokers');
    } catch (error) {
      if (this.admin === connecting) this.admin = undefined;
      void connecting.then((admin) => admin.disconnect()).catch(() => undefined);
      throw new Error(`the Kafka broker does not answer: ${(error as Error).message}`);
    }
  }

  async close(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    await (await admin?.catch(() => undefined))?.disconnect().catch(() => undefined);
    await Promise.all([...this.subscriptions].map((subscription) => subscription.close()));
    this.subscriptions.clear();
    const producer = this.producer;
    this.producer = undefined;
    await (await producer?.catch(() => undefined))?.disconnect();
  }

  private connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      const producer = this.kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: producerRetry,
      });
      const connecting = producer.connect().then(() => producer);
      this.producer = connecting;
      connecting.catch(() => {
        if (this.producer === connecting) this.producer = undefined;
      });
    }
    return this.producer;
  }
}

function onlyAlreadyExists(error: unknown): boolean {
  const errors = (error as { errors?: { type?: string }[] }).errors;
  return Array.isArray(errors) && errors.length > 0 && errors.every((cause) => cause.type === 'TOPIC_ALREADY_EXISTS');
}

/** A topic is usable once every partition has a leader; metadata of a topic just created can lag behind. */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics });
      const ready = metadata.topics.every((topic) => topic.partitions.length > 0 && topic.partitions.every((partition) => partition.leader >= 0));
      if (ready) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics have no leader after ${timeoutMs} ms: ${topics.join(', ')}`);
    await delay(100);
  }
}
