import { context, propagation, SpanKind, SpanStatusCode, trace, type Span, type TextMapGetter } from '@opentelemetry/api';
import type { IncomingMessage } from './bus';
import type { CloudEvent } from './cloud-event';

const tracer = trace.getTracer('gantry-messaging');

const headerGetter: TextMapGetter<Record<string, string>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key] ?? Object.entries(carrier).find(([name]) => name.toLowerCase() === key)?.[1],
};

/**
 * Runs `work` in a consumer span that continues the trace of the operation that recorded the event:
 * the `traceparent` header, or else the CloudEvent's `traceparent` extension.
 */
export function withConsumerSpan<T>(
  consumer: string,
  message: IncomingMessage,
  event: CloudEvent | undefined,
  work: (span: Span) => Promise<T>,
): Promise<T> {
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
    ...(event ? { 'messaging.message.id': event.id, 'cloudevents.event_type': event.type } : {}),
  };
  return tracer.startActiveSpan(`process ${message.topic}`, { kind: SpanKind.CONSUMER, attributes }, parent, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}
