import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span, type TextMapGetter } from '@opentelemetry/api';
import type { IncomingMessage, OutgoingMessage } from './bus';
import type { CloudEvent } from './cloud-event';

// looked up at each use: a module-level tracer would keep the provider of a tracing since shut down (tests restart it)
const tracer = () => trace.getTracer('gantry-messaging');

const headerGetter: TextMapGetter<Record<string, string>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key] ?? Object.entries(carrier).find(([name]) => name.toLowerCase() === key)?.[1],
};

export interface ConsumerSpan {
  span: Span;
  /** the span's context: the message's handler runs in it, so what it traces belongs to the message */
  context: Context;
}

/**
 * Starts the consumer span of one message of a batch. It continues the trace of the operation that recorded the event:
 * the `traceparent` header, or else the CloudEvent's `traceparent` extension. The caller ends it once the message's
 * outcome is known (for a message applied with its batch: after the batch's transaction).
 */
export function startConsumerSpan(consumer: string, message: IncomingMessage, event: CloudEvent | undefined, batchSize: number): ConsumerSpan {
  const carrier = { ...message.headers };
  if (!headerGetter.get(carrier, 'traceparent') && event?.traceparent) carrier.traceparent = event.traceparent;
  const parent = propagation.extract(context.active(), carrier, headerGetter);
  const attributes = {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'messaging.destination.name': message.topic,
    'messaging.destination.partition.id': String(message.partition),
    'messaging.kafka.offset': Number(message.offset),
    'messaging.consumer.group.name': consumer,
    'messaging.batch.message_count': batchSize,
    ...(event ? { 'messaging.message.id': event.id, 'cloudevents.event_type': event.type } : {}),
  };
  const span = tracer().startSpan(`process ${message.topic}`, { kind: SpanKind.CONSUMER, attributes }, parent);
  return { span, context: trace.setSpan(parent, span) };
}

/** What a producer span needs of a message: the event it carries and the trace that recorded it. */
export interface Sending {
  message: OutgoingMessage;
  event: { id: string; type: string };
  /** the `traceparent` recorded with the event (the operation that recorded it); none: the send starts a trace */
  traceparent?: string;
}

/**
 * Produces `messages` to `topic`, each in a producer span (messaging semantic conventions) that continues the trace
 * recorded with its event. The message's `traceparent` header is its producer span, so a consumer's span is a child
 * of the send; the CloudEvent's own `traceparent` attribute stays the recording operation's.
 */
export async function producedInSpans(topic: string, sendings: readonly Sending[], produce: (messages: OutgoingMessage[]) => Promise<void>): Promise<void> {
  const spans = sendings.map(({ message, event, traceparent }) => {
    const parent = traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
    const span = tracer().startSpan(
      `send ${topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.operation.type': 'send',
          'messaging.operation.name': 'send',
          'messaging.destination.name': topic,
          'messaging.message.id': event.id,
          'cloudevents.event_id': event.id,
          'cloudevents.event_type': event.type,
          'messaging.batch.message_count': sendings.length,
          ...(message.key === null ? {} : { 'messaging.kafka.message.key': message.key }),
        },
      },
      parent,
    );
    // without tracing started nothing is injected: the recorded trace travels as it is
    const headers: Record<string, string> = traceparent ? { traceparent } : {};
    propagation.inject(trace.setSpan(parent, span), headers);
    return { span, message: { ...message, headers: { ...message.headers, ...headers } } };
  });
  try {
    await produce(spans.map((s) => s.message));
  } catch (error) {
    for (const { span } of spans) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    }
    throw error;
  } finally {
    spans.forEach(({ span }) => span.end());
  }
}
