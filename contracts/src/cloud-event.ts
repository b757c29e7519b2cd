import { identifier, label, timestamp, type JsonSchema } from './json-schema';

/**
 * A CloudEvents 1.0 document in structured JSON mode (Kafka record value, content type
 * `application/cloudevents+json`): what travels on every topic. The record key is the stream (aggregate) id.
 * `specversion`, `id`, `source` and `type` are required by CloudEvents; Gantry's publisher fills every attribute
 * (see `cloudEventEnvelopeSchema`), other systems' inbound topics may omit the optional ones. Extension values
 * must be scalars (CloudEvents type system), hence the actor in three attributes.
 */
export interface CloudEventEnvelope<Type extends string = string, Data = unknown> {
  specversion: '1.0';
  /** the event id (uuid), unique across the system: consumers deduplicate on it */
  id: string;
  /** `/gantry/<service>` */
  source: string;
  /** `gantry.<service>.<EventName>.v<version>` */
  type: Type;
  /** the aggregate id, also the Kafka key */
  subject?: string;
  /** RFC 3339 */
  time?: string;
  datacontenttype?: 'application/json';
  data?: Data;
  correlationid?: string;
  causationid?: string;
  /** the actor's subject */
  actor?: string;
  /** the actor's roles, comma-separated */
  actorroles?: string;
  /** rest | grpc | kafka | system */
  actorchannel?: string;
  /** the stream version this event gave its stream (1-based) */
  streamversion?: number;
  /**
   * the event's hash in its service's event store (lowercase hex SHA-256 of its hash chain): records' ledger keeps it,
   * so an event edited in that store after the fact no longer matches what the ledger holds
   */
  eventhash?: string;
  /** W3C trace context of the operation that recorded the event (also sent as a Kafka header) */
  traceparent?: string;
}

export const CLOUD_EVENT_CONTENT_TYPE = 'application/cloudevents+json';

const TRACEPARENT_PATTERN = '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$';

/** The envelope as Gantry publishes it. Extension attribute names are lowercase letters and digits (CloudEvents). */
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
    'actor',
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
    actor: label(256),
    actorroles: { type: 'string', maxLength: 1024, pattern: '^[a-z-]*(,[a-z-]+)*$' },
    actorchannel: { type: 'string', enum: ['rest', 'grpc', 'kafka', 'system'] },
    streamversion: { type: 'integer', minimum: 1 },
    eventhash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    traceparent: { type: 'string', pattern: TRACEPARENT_PATTERN },
  },
  propertyNames: { pattern: '^[a-z0-9]{1,20}$' },
};

const envelopeProperties = (cloudEventEnvelopeSchema as { properties: Record<string, JsonSchema> }).properties;

/**
 * The envelope of an event another practice sends on an inbound topic (`itsm.*`, `itam.*`): the four attributes
 * CloudEvents requires and `data`; `time`, `subject`, `datacontenttype`, `actor` and `traceparent` are read where
 * given. `source` is any non-empty URI reference naming the sending system; other extensions are kept and ignored.
 */
export const inboundCloudEventSchema: JsonSchema = {
  type: 'object',
  required: ['specversion', 'id', 'source', 'type', 'data'],
  properties: {
    specversion: envelopeProperties.specversion,
    id: label(256),
    source: label(256),
    type: { type: 'string', pattern: '^(itsm|itam)\\.[a-z-]+\\.[A-Za-z]+\\.v[0-9]+$', maxLength: 128 },
    subject: label(256),
    time: envelopeProperties.time,
    datacontenttype: envelopeProperties.datacontenttype,
    data: { type: 'object' },
    actor: envelopeProperties.actor,
    traceparent: envelopeProperties.traceparent,
  },
  propertyNames: { pattern: '^[a-z0-9]{1,20}$' },
};
