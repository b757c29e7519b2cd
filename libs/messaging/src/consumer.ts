import { assertSchemaName, type Database, type SqlClient } from '@gantry/event-store';
import { backoffDelay, delay, type Backoff } from './backoff';
import type { IncomingMessage, MessageBus } from './bus';
import { parseCloudEvent, type CloudEvent } from './cloud-event';
import { deadLetterOf, PoisonMessage } from './dead-letter';
import { errorFields, jsonStderrLog, type MessagingLog } from './log';
import { deadLetterTopic } from './topics';
import { withConsumerSpan } from './trace';

export interface ConsumerOptions {
  bus: MessageBus;
  db: Database;
  /** the consuming service's schema, holding its `inbox` table */
  schema: string;
  /** the consumer group and the inbox's consumer name: one per (service, purpose), stable across releases */
  name: string;
  topics: string[];
  /** Applies the event inside the inbox's transaction. Throw `PoisonMessage` to dead-letter it; any other error is retried. */
  handle: (event: CloudEvent, tx: SqlClient, message: IncomingMessage) => Promise<void>;
  /** Event types this consumer cares about; the others are acknowledged without effect. Default: all. */
  accepts?: (type: string) => boolean;
  /** A reason to refuse the event (schema validation): it goes to the dead-letter topic. */
  validate?: (event: CloudEvent) => string | undefined | null | void;
  /** where a new group starts; default true: a new consumer applies the whole history of its topics */
  fromBeginning?: boolean;
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
}

export interface RunningConsumer {
  readonly counts: Readonly<ConsumerCounts>;
  /** Stops after the message in hand; one that is still being retried stays undelivered and comes again. */
  stop(): Promise<void>;
}

/** Raised into the bus when the consumer stops while a message is being retried, so its offset is not committed. */
class ConsumerStopping extends Error {
  constructor(consumer: string) {
    super(`consumer ${consumer} is stopping`);
    this.name = 'ConsumerStopping';
  }
}

/**
 * The one way a service consumes. Per message: parse the CloudEvent (unparseable → dead-letter topic),
 * skip types it does not accept, validate (invalid → dead-letter topic), then in one transaction record the
 * event id in the inbox and, if it is new, apply the effect. A duplicate delivery has no effect. Transient
 * failures are retried with backoff until they succeed: a message is never skipped.
 */
export async function startConsumer(options: ConsumerOptions): Promise<RunningConsumer> {
  const { bus, db, schema, name, topics, handle, accepts, validate } = options;
  assertSchemaName(schema);
  const retry = options.retry ?? { initialMs: 50, maxMs: 5_000 };
  const log = options.log ?? jsonStderrLog();
  const counts: ConsumerCounts = { handled: 0, duplicates: 0, ignored: 0, deadLettered: 0, transientFailures: 0 };
  const stopping = new AbortController();

  const deadLetter = async (message: IncomingMessage, reason: string): Promise<'dead-lettered'> => {
    await bus.produce(deadLetterTopic(message.topic), [deadLetterOf(message, name, reason)]);
    log('warn', 'message sent to the dead-letter topic', { consumer: name, topic: message.topic, partition: message.partition, offset: message.offset, reason });
    return 'dead-lettered';
  };

  const apply = async (event: CloudEvent, message: IncomingMessage): Promise<OutcomeKind> => {
    try {
      const applied = await db.transaction(async (tx) => {
        const inbox = await tx.query(`INSERT INTO "${schema}".inbox (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [name, event.id]);
        if (inbox.rowCount === 0) return false;
        await handle(event, tx, message);
        return true;
      });
      return applied ? 'handled' : 'duplicate';
    } catch (error) {
      if (error instanceof PoisonMessage) return deadLetter(message, error.reason);
      throw error;
    }
  };

  const record = (kind: OutcomeKind, message: IncomingMessage, event: CloudEvent | undefined, failedAttempts: number, started: number) => {
    const counter = ({ handled: 'handled', duplicate: 'duplicates', ignored: 'ignored', 'dead-lettered': 'deadLettered' } as const)[kind];
    counts[counter] += 1;
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

  const consume = async (message: IncomingMessage): Promise<void> => {
    const started = Date.now();
    const parsed = parseCloudEvent(message.value);
    const event = parsed.ok ? parsed.event : undefined;
    await withConsumerSpan(name, message, event, async (span) => {
      for (let attempt = 0; ; attempt++) {
        try {
          let kind: OutcomeKind;
          if (!parsed.ok) kind = await deadLetter(message, parsed.reason);
          else if (accepts && !accepts(parsed.event.type)) kind = 'ignored';
          else {
            const refusal = validate?.(parsed.event);
            kind = refusal ? await deadLetter(message, refusal) : await apply(parsed.event, message);
          }
          span.setAttribute('gantry.consumer.outcome', kind);
          record(kind, message, event, attempt, started);
          return;
        } catch (error) {
          if (stopping.signal.aborted) throw new ConsumerStopping(name);
          counts.transientFailures += 1;
          span.recordException(error as Error);
          const waitMs = backoffDelay(attempt, retry);
          log('error', 'consumer failed to handle a message; retrying', {
            consumer: name,
            topic: message.topic,
            partition: message.partition,
            offset: message.offset,
            eventId: event?.id,
            attempt: attempt + 1,
            retryInMs: waitMs,
            ...errorFields(error),
          });
          await delay(waitMs, stopping.signal);
          if (stopping.signal.aborted) throw new ConsumerStopping(name);
        }
      }
    });
  };

  await bus.ensureTopics([...topics, ...topics.map(deadLetterTopic)]);
  const subscription = await bus.subscribe({ group: name, topics, fromBeginning: options.fromBeginning ?? true }, consume);
  return {
    counts,
    stop: async () => {
      stopping.abort();
      await subscription.close();
    },
  };
}
