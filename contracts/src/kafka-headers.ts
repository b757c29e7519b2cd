import { CLOUD_EVENT_CONTENT_TYPE } from './cloud-event';
import type { JsonSchema } from './json-schema';

/** Kafka headers on every published record. */
export const TRACE_HEADERS = { traceparent: 'traceparent', tracestate: 'tracestate' } as const;

/** Kafka headers a consumer adds when it puts a record on `<topic>.dlq` (the original headers are kept too). */
export const DEAD_LETTER_HEADERS = {
  reason: 'dlq-reason',
  consumer: 'dlq-consumer',
  originalTopic: 'dlq-original-topic',
  originalPartition: 'dlq-original-partition',
  originalOffset: 'dlq-original-offset',
} as const;

export const kafkaHeadersSchema: JsonSchema = {
  type: 'object',
  properties: {
    traceparent: { type: 'string', pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$' },
    tracestate: { type: 'string', maxLength: 512 },
    'content-type': { type: 'string', maxLength: 256, description: `${CLOUD_EVENT_CONTENT_TYPE} on every record Gantry publishes` },
  },
};

export const deadLetterHeadersSchema: JsonSchema = {
  type: 'object',
  required: Object.values(DEAD_LETTER_HEADERS),
  properties: {
    [DEAD_LETTER_HEADERS.reason]: { type: 'string', maxLength: 2000, description: 'why the consumer refused the record' },
    [DEAD_LETTER_HEADERS.consumer]: { type: 'string', description: 'the consumer that refused it' },
    [DEAD_LETTER_HEADERS.originalTopic]: { type: 'string', description: 'the topic it was consumed from' },
    [DEAD_LETTER_HEADERS.originalPartition]: { type: 'string', pattern: '^[0-9]+$' },
    [DEAD_LETTER_HEADERS.originalOffset]: { type: 'string', pattern: '^[0-9]+$' },
  },
};
