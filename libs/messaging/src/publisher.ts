import type { Checkpoint, EventStore, RecordedEvent } from '@gantry/event-store';
import { backoffDelay, delay, type Backoff } from './backoff';
import type { MessageBus, OutgoingMessage } from './bus';
import { CLOUD_EVENT_CONTENT_TYPE } from '@gantry/contracts';
import { toCloudEvent } from './cloud-event';
import { errorFields, jsonStderrLog, type MessagingLog } from './log';
import { producedInSpans, type Sending } from './trace';

export interface PublisherOptions {
  bus: MessageBus;
  store: EventStore;
  /** `planning`: names the event types and the CloudEvents source */
  service: string;
  /** where the events go (a service's, from contracts' SERVICE_TOPICS) */
  topic: string;
  /**
   * Routes some events to another topic (e.g. records' feedback to change enablement); default: every event to
   * `topic`. Events keep their commit order within each topic; one checkpoint covers them all.
   */
  topicOf?: (event: RecordedEvent) => string;
  /** events per produce; default 100 */
  batchSize?: number;
  /**
   * How often to look for events while this process committed within the last `restingMs`: an event is read only once
   * every transaction older than its own has ended, and one that was held back behind another process's transaction
   * is found by this poll; default 250 ms. Commits of this process wake the publisher at once.
   */
  idlePollMs?: number;
  /**
   * How often to look once this process has committed nothing for that long: for events another replica of the
   * service committed and did not publish (it died; its own publisher wakes at its commits); default 5 s.
   */
  restingMs?: number;
  /** backoff after a failed read or produce; default 100 ms doubling to 2 s (a broker that is back is used within 2 s) */
  retry?: Backoff;
  /** the CloudEvent subject and Kafka key; default: the stream id without its type prefix */
  aggregateIdOf?: (event: RecordedEvent) => string;
  log?: MessagingLog;
}

export interface RunningPublisher {
  /** Resolves once every event committed before the call has been published (for tests and shutdown). */
  caughtUp(): Promise<void>;
  /** events produced so far by this publisher (a repeat after a failure counts again) */
  readonly published: number;
  /** Stops after the batch in flight. */
  stop(): Promise<void>;
}

/**
 * The one way a service publishes. The events table is the outbox: read new events in commit-safe order from the
 * checkpoint `publisher:<topic>`, produce them as CloudEvents keyed by aggregate id, and only then advance the
 * checkpoint. At least once: after a failure or a restart the same events are sent again and consumers drop
 * the repeats through their inbox. While the bus is down, events wait in Postgres.
 */
export function startPublisher(options: PublisherOptions): RunningPublisher {
  const { bus, store, service } = options;
  const { topic } = options;
  const checkpointName = `publisher:${topic}`;
  const batchSize = options.batchSize ?? 100;
  const idlePollMs = options.idlePollMs ?? 250;
  const restingMs = options.restingMs ?? 5_000;
  const retry = options.retry ?? { initialMs: 100, maxMs: 2_000 };
  const log = options.log ?? jsonStderrLog();
  const aggregateIdOf = options.aggregateIdOf;

  const stopping = new AbortController();
  const wakeUp = new WakeUp();
  let committedAt = Date.now();
  const unlisten = store.db.onCommitted(() => {
    committedAt = Date.now();
    wakeUp.wake();
  });
  let cycleEnd = new CycleEnd();
  /** how far the topic has the events: in memory right after a produce, saved just after */
  let checkpoint: Checkpoint | undefined;
  let published = 0;

  const toMessage = (event: RecordedEvent): OutgoingMessage => {
    const cloudEvent = toCloudEvent(service, event, aggregateIdOf ? { subject: aggregateIdOf(event) } : {});
    return {
      key: cloudEvent.subject ?? null,
      value: JSON.stringify(cloudEvent),
      headers: { 'content-type': CLOUD_EVENT_CONTENT_TYPE },
    };
  };
  const sending = (event: RecordedEvent): Sending => ({ message: toMessage(event), event, traceparent: event.metadata.traceparent });

  const readyTopics = new Set<string>();
  const byTopic = (events: readonly RecordedEvent[]): Map<string, RecordedEvent[]> => {
    const groups = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      const target = options.topicOf?.(event) ?? topic;
      groups.set(target, [...(groups.get(target) ?? []), event]);
    }
    return groups;
  };

  const run = async () => {
    let saved: Checkpoint | undefined;
    let failures = 0;
    while (!stopping.signal.aborted) {
      let idle = false;
      try {
        if (!readyTopics.has(topic)) {
          await bus.ensureTopics([topic]);
          readyTopics.add(topic);
        }
        if (!checkpoint) saved = checkpoint = await store.readCheckpoint(store.db, checkpointName);
        if (saved !== checkpoint) {
          await store.saveCheckpoint(store.db, checkpointName, checkpoint);
          saved = checkpoint;
        }
        const events = await store.readAll(checkpoint, batchSize);
        if (events.length > 0) {
          for (const [target, batch] of byTopic(events)) {
            if (!readyTopics.has(target)) {
              await bus.ensureTopics([target]);
              readyTopics.add(target);
            }
            await producedInSpans(target, batch.map(sending), (messages) => bus.produce(target, messages));
          }
          published += events.length;
          const last = events[events.length - 1];
          checkpoint = { transactionId: last.transactionId, position: last.position };
          await store.saveCheckpoint(store.db, checkpointName, checkpoint);
          saved = checkpoint;
        }
        failures = 0;
        idle = events.length < batchSize;
      } catch (error) {
        const waitMs = backoffDelay(failures++, retry);
        log('error', 'publisher failed; retrying from its checkpoint', { topic, attempt: failures, retryInMs: waitMs, ...errorFields(error) });
        await delay(waitMs, stopping.signal);
      }
      cycleEnd.resolve();
      cycleEnd = new CycleEnd();
      if (idle) await wakeUp.wait(Date.now() - committedAt < restingMs ? idlePollMs : restingMs, stopping.signal);
    }
    cycleEnd.resolve();
  };
  const loop = run();

  /**
   * Whether an event at or below `position` is still to be published. It reads the events table itself because
   * `readAll` cannot tell "nothing new" from "held back behind a transaction still running somewhere".
   */
  const unpublishedUpTo = async (position: string, after: Checkpoint): Promise<boolean> => {
    const { rows } = await store.db.query<{ pending: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM "${store.schema}".events WHERE position <= $1::bigint AND (transaction_id, position) > ($2::xid8, $3::bigint)) AS pending`,
      [position, after.transactionId, after.position],
    );
    return rows[0].pending;
  };

  return {
    caughtUp: async () => {
      const { rows } = await store.db.query<{ position: string | null }>(`SELECT max(position)::text AS position FROM "${store.schema}".events`);
      const target = rows[0].position;
      if (target === null) return;
      for (;;) {
        if (stopping.signal.aborted) throw new Error(`the publisher of ${topic} is stopped`);
        if (checkpoint && !(await unpublishedUpTo(target, checkpoint))) return;
        const next = cycleEnd.promise;
        wakeUp.wake();
        await next;
      }
    },
    get published() {
      return published;
    },
    stop: async () => {
      stopping.abort();
      wakeUp.wake();
      unlisten();
      await loop;
    },
  };
}

/** Resolved when one round of the loop (read, produce, save — or a failure and its backoff) is over. */
class CycleEnd {
  resolve!: () => void;
  readonly promise = new Promise<void>((resolve) => (this.resolve = resolve));
}

/** A wake-up that is not lost when it comes while nobody is waiting. */
class WakeUp {
  private pending = false;
  private resolve: (() => void) | undefined;

  wake(): void {
    this.pending = true;
    this.resolve?.();
  }

  async wait(ms: number, signal: AbortSignal): Promise<void> {
    if (!this.pending) {
      const woken = new Promise<void>((resolve) => (this.resolve = resolve));
      const timeout = new AbortController();
      const onAbort = () => timeout.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      await Promise.race([woken, delay(ms, timeout.signal)]);
      timeout.abort();
      signal.removeEventListener('abort', onAbort);
      this.resolve = undefined;
    }
    this.pending = false;
  }
}
