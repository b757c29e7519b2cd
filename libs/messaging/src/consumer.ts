import { context, SpanStatusCode } from '@opentelemetry/api';
import { assertSchemaName, type Database, type SqlClient } from '@gantry/event-store';
import { backoffDelay, delay, type Backoff } from './backoff';
import type { BatchHandler, IncomingMessage, MessageBus } from './bus';
import { parseCloudEvent, type CloudEvent } from './cloud-event';
import { deadLetterOf, PoisonMessage } from './dead-letter';
import { errorFields, jsonStderrLog, type MessagingLog } from './log';
import { deadLetterTopic } from './topics';
import { startConsumerSpan, type ConsumerSpan } from './trace';

export interface ConsumerOptions {
  bus: MessageBus;
  db: Database;
  /** the consuming service's schema, holding its `inbox` table */
  schema: string;
  /** the consumer group and the inbox's consumer name: one per (service, purpose), stable across releases */
  name: string;
  topics: string[];
  /**
   * Applies the event inside the transaction that records it in the inbox. That transaction usually applies other
   * events of the batch before and after this one, and may be rolled back and this event applied again on its own:
   * write only through `tx`, and leave what must not happen twice, or before the commit, to `afterCommit`.
   * Throw `PoisonMessage` to dead-letter the event; any other error is retried.
   */
  handle: (event: CloudEvent, tx: SqlClient, message: IncomingMessage, afterCommit: AfterCommit) => Promise<void>;
  /** Event types this consumer cares about; the others are acknowledged without effect. Default: all. */
  accepts?: (type: string) => boolean;
  /** A reason to refuse the event (schema validation): it goes to the dead-letter topic. */
  validate?: (event: CloudEvent) => string | undefined | null | void;
  /** where a new group starts; default true: a new consumer applies the whole history of its topics */
  fromBeginning?: boolean;
  /** the most messages applied in one transaction; default 200 */
  maxBatch?: number;
  /** backoff between attempts at a transiently failing message; default 50 ms doubling to 5 s */
  retry?: Backoff;
  log?: MessagingLog;
  /** called after every message, for metrics */
  onOutcome?: (outcome: ConsumerOutcome) => void;
}

export type OutcomeKind = 'handled' | 'duplicate' | 'ignored' | 'dead-lettered';

export interface ConsumerOutcome {
  kind: OutcomeKind;
  topic: string;
  partition: number;
  offset: string;
  eventId?: string;
  eventType?: string;
  /** attempts that failed transiently before this outcome */
  failedAttempts: number;
  durationMs: number;
  /** now − the event's `time`: how far behind the consumer is (a lag measure that needs no broker call) */
  ageMs?: number;
}

export interface ConsumerCounts {
  handled: number;
  duplicates: number;
  ignored: number;
  deadLettered: number;
  transientFailures: number;
  /** batches whose transaction failed (a poison message, a conflict, a transient error): their messages were then applied one at a time */
  batchFallbacks: number;
}

/** Runs `effect` once the transaction that applied the event committed; never when it rolled back. */
export type AfterCommit = (effect: () => void) => void;

export interface RunningConsumer {
  readonly counts: Readonly<ConsumerCounts>;
  /** Stops after the batch in hand; one whose message is still being retried stays undelivered and comes again. */
  stop(): Promise<void>;
}

/** Raised into the bus when the consumer stops while a message is being retried, so its offset is not committed. */
class ConsumerStopping extends Error {
  constructor(consumer: string) {
    super(`consumer ${consumer} is stopping`);
    this.name = 'ConsumerStopping';
  }
}

/** What the consumer does with a message, decided from the message alone. */
type Verdict = { kind: 'dead-letter'; reason: string } | { kind: 'ignored' } | { kind: 'apply'; event: CloudEvent };

interface Delivery {
  message: IncomingMessage;
  event: CloudEvent | undefined;
  verdict: Verdict;
  trace: ConsumerSpan;
  settled: boolean;
}

type Applicable = Delivery & { verdict: { kind: 'apply'; event: CloudEvent } };

/** The handler that threw inside a transaction, for its message's span. */
class HandlerFailed extends Error {
  constructor(
    readonly delivery: Delivery,
    readonly error: unknown,
  ) {
    super(error instanceof Error ? error.message : String(error));
  }
}

/**
 * The one way a service consumes. The bus hands over a batch of one partition's messages, in offset order. Each is
 * parsed (unparseable → dead-letter topic), skipped when its type is not accepted, and validated (invalid →
 * dead-letter topic). The others are applied in one transaction: one inbox INSERT learns which events are new (a
 * duplicate, even within the batch, has no effect), the handler applies each new one in offset order, then COMMIT.
 * When that transaction fails for any reason, nothing of it stays and the batch's messages are applied one at a time,
 * each in its own transaction: a poison message dead-letters only itself, a transient failure is retried with
 * backoff until it succeeds. A message is never skipped.
 */
export async function startConsumer(options: ConsumerOptions): Promise<RunningConsumer> {
  const { bus, db, schema, name, topics, handle, accepts, validate } = options;
  assertSchemaName(schema);
  const retry = options.retry ?? { initialMs: 50, maxMs: 5_000 };
  const log = options.log ?? jsonStderrLog();
  const counts: ConsumerCounts = { handled: 0, duplicates: 0, ignored: 0, deadLettered: 0, transientFailures: 0, batchFallbacks: 0 };
  const stopping = new AbortController();
  const inboxInsert = `INSERT INTO "${schema}".inbox (consumer, event_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING RETURNING event_id`;

  const verdictOn = (event: CloudEvent | undefined, unparseable: string | undefined): Verdict => {
    if (!event) return { kind: 'dead-letter', reason: unparseable! };
    if (accepts && !accepts(event.type)) return { kind: 'ignored' };
    const refusal = validate?.(event);
    return refusal ? { kind: 'dead-letter', reason: refusal } : { kind: 'apply', event };
  };

  const deliveryOf = (message: IncomingMessage, batchSize: number): Delivery => {
    const parsed = parseCloudEvent(message.value);
    const event = parsed.ok ? parsed.event : undefined;
    return { message, event, verdict: verdictOn(event, parsed.ok ? undefined : parsed.reason), trace: startConsumerSpan(name, message, event, batchSize), settled: false };
  };

  const deadLetter = async (message: IncomingMessage, reason: string): Promise<'dead-lettered'> => {
    await bus.produce(deadLetterTopic(message.topic), [deadLetterOf(message, name, reason)]);
    log('warn', 'message sent to the dead-letter topic', { consumer: name, topic: message.topic, partition: message.partition, offset: message.offset, reason });
    return 'dead-lettered';
  };

  /** One transaction: the inbox learns which events are new, the handler applies those in order. Throws when anything failed. */
  const applyInOneTransaction = async (deliveries: readonly Applicable[]): Promise<Map<Delivery, 'handled' | 'duplicate'>> => {
    const afterCommit: (() => void)[] = [];
    const outcomes = await db.transaction(async (tx) => {
      const ids = [...new Set(deliveries.map((d) => d.verdict.event.id))];
      const inbox = await tx.query<{ event_id: string }>(inboxInsert, [name, ids]);
      const fresh = new Set(inbox.rows.map((row) => row.event_id));
      const outcomes = new Map<Delivery, 'handled' | 'duplicate'>();
      for (const delivery of deliveries) {
        // the first delivery of a new event applies it; a second one in the same batch is a duplicate
        if (!fresh.delete(delivery.verdict.event.id)) {
          outcomes.set(delivery, 'duplicate');
          continue;
        }
        try {
          await context.with(delivery.trace.context, () => handle(delivery.verdict.event, tx, delivery.message, (effect) => void afterCommit.push(effect)));
        } catch (error) {
          throw new HandlerFailed(delivery, error);
        }
        outcomes.set(delivery, 'handled');
      }
      return outcomes;
    });
    for (const effect of afterCommit) {
      try {
        effect();
      } catch (error) {
        log('error', 'an after-commit effect failed', { consumer: name, ...errorFields(error) });
      }
    }
    return outcomes;
  };

  const settle = (delivery: Delivery, kind: OutcomeKind, failedAttempts: number, started: number) => {
    const counter = ({ handled: 'handled', duplicate: 'duplicates', ignored: 'ignored', 'dead-lettered': 'deadLettered' } as const)[kind];
    counts[counter] += 1;
    const { message, event, trace } = delivery;
    trace.span.setAttribute('gantry.consumer.outcome', kind);
    trace.span.end();
    delivery.settled = true;
    const eventTime = event?.time ? Date.parse(event.time) : NaN;
    options.onOutcome?.({
      kind,
      topic: message.topic,
      partition: message.partition,
      offset: message.offset,
      eventId: event?.id,
      eventType: event?.type,
      failedAttempts,
      durationMs: Date.now() - started,
      ...(Number.isNaN(eventTime) ? {} : { ageMs: Date.now() - eventTime }),
    });
  };

  /**
   * One message on its own: retried with backoff until it has an outcome, or the consumer stops. `failedAttempts`: how
   * often it already failed transiently (in its batch's transaction).
   */
  const consumeAlone = async (delivery: Delivery, started: number, failedAttempts: number): Promise<void> => {
    const { message, verdict, trace } = delivery;
    for (let attempt = failedAttempts; ; attempt++) {
      try {
        let kind: OutcomeKind;
        if (verdict.kind === 'dead-letter') kind = await deadLetter(message, verdict.reason);
        else if (verdict.kind === 'ignored') kind = 'ignored';
        else {
          try {
            kind = (await applyInOneTransaction([delivery as Applicable])).get(delivery)!;
          } catch (error) {
            const cause = error instanceof HandlerFailed ? error.error : error;
            if (!(cause instanceof PoisonMessage)) throw cause;
            kind = await deadLetter(message, cause.reason);
          }
        }
        settle(delivery, kind, attempt, started);
        return;
      } catch (error) {
        if (stopping.signal.aborted) throw new ConsumerStopping(name);
        counts.transientFailures += 1;
        trace.span.recordException(error as Error);
        const waitMs = backoffDelay(attempt, retry);
        log('error', 'consumer failed to handle a message; retrying', {
          consumer: name,
          topic: message.topic,
          partition: message.partition,
          offset: message.offset,
          eventId: delivery.event?.id,
          attempt: attempt + 1,
          retryInMs: waitMs,
          ...errorFields(error),
        });
        await delay(waitMs, stopping.signal);
        if (stopping.signal.aborted) throw new ConsumerStopping(name);
      }
    }
  };

  /**
   * Applies the batch's applicable messages in one transaction and settles them. When that transaction failed, nothing
   * of it stayed: returns the message whose handler failed transiently, if that is what happened, for its count of attempts.
   */
  const applyTogether = async (applicable: Applicable[], started: number): Promise<{ failedTransiently?: Delivery }> => {
    try {
      const outcomes = await applyInOneTransaction(applicable);
      outcomes.forEach((kind, delivery) => settle(delivery, kind, 0, started));
      return {};
    } catch (failure) {
      if (stopping.signal.aborted) throw new ConsumerStopping(name);
      counts.batchFallbacks += 1;
      const error = failure instanceof HandlerFailed ? failure.error : failure;
      const failedTransiently = failure instanceof HandlerFailed && !(error instanceof PoisonMessage) ? failure.delivery : undefined;
      if (failedTransiently) counts.transientFailures += 1;
      if (failure instanceof HandlerFailed) failure.delivery.trace.span.recordException(error as Error);
      applicable.forEach((d) => d.trace.span.setAttribute('gantry.consumer.batch_fallback', true));
      const first = applicable[0]!.message;
      log('warn', 'a batch failed to apply; applying its messages one at a time', {
        consumer: name,
        topic: first.topic,
        partition: first.partition,
        offsets: `${first.offset}..${applicable[applicable.length - 1]!.message.offset}`,
        ...(failure instanceof HandlerFailed ? { offset: failure.delivery.message.offset, eventId: failure.delivery.event?.id } : {}),
        ...errorFields(error),
      });
      return { failedTransiently };
    }
  };

  const consume: BatchHandler = async (batch, markDone) => {
    const started = Date.now();
    const deliveries = batch.map((message) => deliveryOf(message, batch.length));
    try {
      // a single event gains nothing from a shared transaction: it takes the path of a message on its own at once
      const applicable = deliveries.filter((d): d is Applicable => d.verdict.kind === 'apply');
      const { failedTransiently } = applicable.length > 1 ? await applyTogether(applicable, started) : {};
      for (const delivery of deliveries) {
        if (!delivery.settled) {
          if (stopping.signal.aborted) throw new ConsumerStopping(name);
          await consumeAlone(delivery, started, delivery === failedTransiently ? 1 : 0);
        }
        // if a later message keeps failing until the consumer stops, this one and those before it are not delivered again
        markDone(delivery.message);
      }
    } finally {
      for (const { settled, trace } of deliveries) {
        if (settled) continue;
        // the consumer stopped before this message had an outcome: it will be delivered again
        trace.span.setStatus({ code: SpanStatusCode.ERROR, message: `consumer ${name} stopped before the message had an outcome` });
        trace.span.end();
      }
    }
  };

  await bus.ensureTopics([...topics, ...topics.map(deadLetterTopic)]);
  const subscription = await bus.subscribe({ group: name, topics, fromBeginning: options.fromBeginning ?? true, maxBatch: options.maxBatch }, consume);
  return {
    counts,
    stop: async () => {
      stopping.abort();
      await subscription.close();
    },
  };
}
