import { Logger, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit, type Type } from '@nestjs/common';
import { SERVICE_TOPICS, topicOfEvent } from '@gantry/contracts';
import { EventStore, migrate, type RecordedEvent } from '@gantry/event-store';
import { deadLetterTopic, messagingMigrations, startConsumer, startPublisher, type CloudEvent, type ConsumerOutcome } from '@gantry/messaging';
import { consumedEventAge, consumedMessages, consumerTransientFailures } from '@gantry/observability';
import { schemaOf, type ServiceName } from './config';
import { apiKeyMigrations, apiKeysConsumer } from './api-keys';
import { againstTheContract, consumerOptionsOf, type ConsumerSpec } from './consumer-spec';
import { dueTimerMigrations, startDueTimers, type RunningDueTimers } from './due-timers';
import type { ServiceRuntime } from './runtime';
import { SERVICE_OF_MODULE } from './route-table';
import { eventStoreSlice } from './event-store.slice';
import { consumersOf, timersOf, type Slice } from './slice';

const measure = (consumer: string, outcome: ConsumerOutcome) => {
  consumedMessages.inc({ consumer, topic: outcome.topic, outcome: outcome.kind });
  if (outcome.failedAttempts > 0) consumerTransientFailures.inc({ consumer }, outcome.failedAttempts);
  if (outcome.ageMs !== undefined) consumedEventAge.observe({ consumer }, Math.max(0, outcome.ageMs) / 1000);
};

interface Stoppable {
  stop?: () => Promise<void>;
  close?: () => Promise<void>;
}

/** How an installation or a test runs a service's consumers (not the API keys', which every service needs whole). */
export interface HostOptions {
  /** where consumer groups without offsets start; default the whole history (what a new installation needs) */
  fromBeginning?: boolean;
  /**
   * Which consumed events this instance acts on; default all. Integration tests share the broker's topics with other
   * suites running at the same time, and must not act on those suites' deployments.
   */
  actsOn?: (event: CloudEvent) => boolean;
}

/**
 * The life of one service inside a process: migrate the tables its slices declare (as the owner role, then grant the
 * runtime role its share: database-roles.ts), subscribe their consumers (before
 * any publisher starts, so the in-process bus has every group in place), then publish its events and fire its
 * timers, and stop in reverse.
 */
export class ServiceHost implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger: Logger;
  private readonly running: Stoppable[] = [];
  private dueTimers: RunningDueTimers | undefined;

  constructor(
    readonly service: ServiceName,
    readonly runtime: ServiceRuntime,
    readonly store: EventStore,
    private readonly slices: readonly Slice[],
    private readonly options: HostOptions = {},
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
    const slices = this.slices.flatMap((s) => s.migrations ?? []);
    await this.runtime.roles.migrate(this.store.schema, async (owner) => {
      await this.store.migrate(owner);
      await migrate(owner, this.store.schema, [...messagingMigrations, ...dueTimerMigrations, ...apiKeyMigrations, ...slices]);
      for (const readModels of new Set(this.slices.flatMap((s) => s.readModels ?? []))) await readModels.open(owner);
    });
    const topic = SERVICE_TOPICS[this.service];
    const { fromBeginning, actsOn } = this.options;
    const ofSlices = consumersOf(this.service, this.slices).map((c) => ({
      ...c,
      ...(fromBeginning === undefined ? {} : { fromBeginning }),
      ...(actsOn ? { handle: async (...args: Parameters<ConsumerSpec['handle']>) => (actsOn(args[0]) ? c.handle(...args) : undefined) } : {}),
    }));
    // every service knows the API keys admins issue, to authenticate systems on its own
    const consumers = [...ofSlices, apiKeysConsumer(this.store.schema)];
    const topics = new Set<string>([topic, deadLetterTopic(topic)]);
    consumers.forEach((c) => c.topics.forEach((t) => (topics.add(t), topics.add(deadLetterTopic(t)))));
    await this.runtime.bus.ensureTopics([...topics]);
    // joined together, and left together: a consumer's leaving waits for its fetch in flight (KAFKA_FETCH_MAX_WAIT_MS)
    const starts = await Promise.allSettled(
      consumers.map((consumer) =>
        startConsumer({ validate: againstTheContract, ...consumerOptionsOf(consumer, this.service, this.runtime.clock), name: `${this.runtime.config.consumerGroupPrefix}${consumer.name}`, bus: this.runtime.bus, db: this.runtime.db, schema: this.store.schema, onOutcome: (outcome) => measure(consumer.name, outcome) }),
      ),
    );
    // the ones that started are stopped at shutdown even when another did not
    const started = starts.flatMap((start) => (start.status === 'fulfilled' ? [start.value] : []));
    this.running.push({ stop: async () => void (await Promise.all(started.map((consumer) => consumer.stop()))) });
    const failed = starts.find((start) => start.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async onApplicationBootstrap(): Promise<void> {
    // the contract says where each event goes: the service's own topic, or a feedback topic
    const ownTopic = SERVICE_TOPICS[this.service];
    const topicOf = (event: RecordedEvent) => topicOfEvent(event.type) ?? ownTopic;
    this.running.push(await startPublisher({ bus: this.runtime.bus, store: this.store, service: this.service, topic: ownTopic, topicOf }));
    const handlers = timersOf(this.slices);
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

/**
 * The NestJS module of a service made of slices: their doors, what they provide, the event store, and the host that
 * runs their migrations, consumers and timers.
 *
 * @param slices builds the slices on the service's event store and the process's runtime (its clock); collaborators two
 *   slices share are made once there. Every service also gets `eventStoreSlice`: its event store verified and exported.
 */
export function serviceModule(module: Type, service: ServiceName, runtime: ServiceRuntime, slices: (store: EventStore, runtime: ServiceRuntime) => readonly Slice[], options: HostOptions = {}): DynamicModule {
  const store = ServiceHost.storeFor(service, runtime);
  const parts = [...slices(store, runtime), eventStoreSlice(service, store)];
  Reflect.defineMetadata(SERVICE_OF_MODULE, service, module);
  return {
    module,
    controllers: parts.flatMap((s) => s.doors ?? []),
    providers: [
      { provide: EventStore, useValue: store },
      { provide: ServiceHost, useValue: new ServiceHost(service, runtime, store, parts, options) },
      ...parts.flatMap((s) => s.provides ?? []),
    ],
  };
}
