import { context, propagation, SpanKind, trace, type Context, type Span, type TextMapGetter } from '@opentelemetry/api';
import type { IncomingMessage } from './bus';
import type { CloudEvent } from './cloud-event';

const tracer = trace.getTracer('gantry-messaging');

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
  const span = tracer.startSpan(`process ${message.topic}`, { kind: SpanKind.CONSUMER, attributes }, parent);
  return { span, context: trace.setSpan(parent, span) };
}
