import type { JsonSchema } from './json-schema';

/** Kafka headers on every published record. */
export const TRACE_HEADERS = { traceparent: 'traceparent', tracestate: 'tracestate' } as const;

/** Kafka headers a consumer adds when it puts a record on `<topic>.dlq`. */
export const DEAD_LETTER_HEADERS = {
  reason: 'gantry-dlq-reason',
  topic: 'gantry-dlq-topic',
  partition: 'gantry-dlq-partition',
  offset: 'gantry-dlq-offset',
  consumer: 'gantry-dlq-consumer',
} as const;

export const kafkaHeadersSchema: JsonSchema = {
  type: 'object',
  properties: {
    traceparent: { type: 'string', pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$' },
    tracestate: { type: 'string', maxLength: 512 },
  },
};

export const deadLetterHeadersSchema: JsonSchema = {
  type: 'object',
  required: [DEAD_LETTER_HEADERS.reason, DEAD_LETTER_HEADERS.topic, DEAD_LETTER_HEADERS.consumer],
  properties: {
    [DEAD_LETTER_HEADERS.reason]: { type: 'string', description: 'why the consumer refused the record' },
    [DEAD_LETTER_HEADERS.topic]: { type: 'string', description: 'the topic it was consumed from' },
    [DEAD_LETTER_HEADERS.partition]: { type: 'string', pattern: '^[0-9]+$' },
    [DEAD_LETTER_HEADERS.offset]: { type: 'string', pattern: '^[0-9]+$' },
    [DEAD_LETTER_HEADERS.consumer]: { type: 'string', description: 'the consumer group that refused it' },
  },
};
