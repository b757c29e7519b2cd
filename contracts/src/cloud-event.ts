import { identifier, label, timestamp, type JsonSchema } from './json-schema';

/**
 * A published event: a CloudEvents 1.0 document in structured JSON mode (Kafka record value, content type
 * `application/cloudevents+json`). The record key is `subject`, the stream id; the W3C `traceparent` travels as a
 * Kafka header. CloudEvents extension values must be scalars, so the actor is flattened into three attributes.
 */
export interface CloudEventEnvelope<Type extends string = string, Data = unknown> {
  specversion: '1.0';
  /** the event id (uuid), unique across the system: consumers deduplicate on it */
  id: string;
  /** `/gantry/<service>` */
  source: string;
  /** `gantry.<service>.<EventName>.v<version>` */
  type: Type;
  /** the stream (aggregate) id, also the Kafka key */
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: Data;
  correlationid: string;
  causationid?: string;
  actorsubject: string;
  /** the actor's roles, space-separated */
  actorroles: string;
  /** rest | grpc | kafka | system */
  actorchannel: string;
  /** the stream version this event gave its stream (1-based) */
  streamversion: number;
}

export const CLOUD_EVENT_CONTENT_TYPE = 'application/cloudevents+json';

/** Extension attributes are lowercase letters and digits only (CloudEvents naming rule). */
export const cloudEventEnvelopeSchema: JsonSchema = {
  type: 'object',
  required: [
    'specversion',
    'id',
    'source',
    'type',
    'subject',
    'time',
    'datacontenttype',
    'data',
    'correlationid',
    'actorsubject',
    'actorroles',
    'actorchannel',
    'streamversion',
  ],
  properties: {
    specversion: { type: 'string', const: '1.0' },
    id: identifier,
    source: { type: 'string', pattern: '^/gantry/[a-z-]+$', maxLength: 64 },
    type: { type: 'string', pattern: '^gantry\\.[a-z-]+\\.[A-Za-z]+\\.v[0-9]+$', maxLength: 128 },
    subject: identifier,
    time: timestamp,
    datacontenttype: { type: 'string', const: 'application/json' },
    data: { type: 'object' },
    correlationid: identifier,
    causationid: identifier,
    actorsubject: label(256),
    actorroles: { type: 'string', maxLength: 1024 },
    actorchannel: { type: 'string', enum: ['rest', 'grpc', 'kafka', 'system'] },
    streamversion: { type: 'integer', minimum: 1 },
  },
  propertyNames: { pattern: '^[a-z0-9]{1,20}$' },
};
