import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { topicOfEvent } from '@gantry/contracts';
import { EventStore, migrate, type Migration, type RecordedEvent } from '@gantry/event-store';
import { deadLetterTopic, messagingMigrations, serviceTopic, startConsumer, startPublisher, type ConsumerOutcome } from '@gantry/messaging';
import { consumedEventAge, consumedMessages, consumerTransientFailures } from '@gantry/observability';
import { schemaOf, type ServiceName } from './config';
import { apiKeyMigrations, apiKeysConsumer } from './api-keys';
import { againstTheContract, consumerOptionsOf, type ConsumerSpec } from './consumer-spec';
import { dueTimerMigrations, startDueTimers, type RunningDueTimers, type TimerHandler } from './due-timers';
import type { ServiceRuntime } from './runtime';

const measure = (consumer: string, outcome: ConsumerOutcome) => {
  consumedMessages.inc({ consumer, topic: outcome.topic, outcome: outcome.kind });
  if (outcome.failedAttempts > 0) consumerTransientFailures.inc({ consumer }, outcome.failedAttempts);
  if (outcome.ageMs !== undefined) consumedEventAge.observe({ consumer }, Math.max(0, outcome.ageMs) / 1000);
};

interface Stoppable {
  stop?: () => Promise<void>;
  close?: () => Promise<void>;
}

/**
 * The life of one service inside a process: migrate its schema, subscribe its consumers (before any publisher
 * starts, so the in-process bus has every group in place), then publish its events, and stop in reverse.
 */
export class ServiceHost implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger: Logger;
  private readonly running: Stoppable[] = [];
  private dueTimers: RunningDueTimers | undefined;

  /**
   * @param timers the handlers of the service's due timers, by kind (see due-timers.ts); the poller runs once the
   *   service has bootstrapped
   */
  constructor(
    readonly service: ServiceName,
    readonly runtime: ServiceRuntime,
    readonly store: EventStore,
    private readonly migrations: readonly Migration[],
    private readonly consumers: () => readonly ConsumerSpec[],
    private readonly timers: () => Record<string, TimerHandler> = () => ({}),
  ) {
    this.logger = new Logger(`${service}`);
  }

  /** Looks for due timers now: after a command scheduled one that is already due. */
  wakeTimers(): void {
    this.dueTimers?.wake();
  }

  static storeFor(service: ServiceName, runtime: ServiceRuntime): EventStore {
    return new EventStore(runtime.db, schemaOf(service));
  }

  async onModuleInit(): Promise<void> {
    await this.store.migrate();
    await migrate(this.runtime.db, this.store.schema, [...messagingMigrations, ...dueTimerMigrations, ...apiKeyMigrations, ...this.migrations]);
    const topic = serviceTopic(this.service);
    // every service knows the API keys admins issue, to authenticate systems on its own
    const consumers = [...this.consumers(), apiKeysConsumer(this.store.schema)];
    const topics = new Set([topic, deadLetterTopic(topic)]);
    consumers.forEach((c) => c.topics.forEach((t) => (topics.add(t), topics.add(deadLetterTopic(t)))));
    await this.runtime.bus.ensureTopics([...topics]);
    for (const consumer of consumers) {
      this.running.push(
        await startConsumer({ validate: againstTheContract, ...consumerOptionsOf(consumer, this.service, this.runtime.clock), name: `${this.runtime.config.consumerGroupPrefix}${consumer.name}`, bus: this.runtime.bus, db: this.runtime.db, schema: this.store.schema, onOutcome: (outcome) => measure(consumer.name, outcome) }),
      );
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    // the contract says where each event goes: the service's own topic, or a feedback topic
    const ownTopic = serviceTopic(this.service);
    const topicOf = (event: RecordedEvent) => topicOfEvent(event.type) ?? ownTopic;
    this.running.push(await startPublisher({ bus: this.runtime.bus, store: this.store, service: this.service, topicOf }));
    const handlers = this.timers();
    if (Object.keys(handlers).length > 0) {
      this.dueTimers = startDueTimers({
        db: this.runtime.db,
        schema: this.store.schema,
        handlers,
        clock: this.runtime.clock,
        log: (level, message, fields) => this.logger[level](`${message} ${JSON.stringify(fields)}`),
      });
      this.running.push(this.dueTimers);
    }
    this.logger.log(`${this.service} ready`);
  }

  async onApplicationShutdown(): Promise<void> {
    for (const part of this.running.reverse()) await (part.stop ?? part.close)?.call(part);
  }
}
