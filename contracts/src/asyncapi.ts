import { CLOUD_EVENT_CONTENT_TYPE, cloudEventEnvelopeSchema } from './cloud-event';
import { EVENT_NAMES, EVENTS, type EventName } from './events';
import type { JsonSchema } from './json-schema';
import { deadLetterHeadersSchema, kafkaHeadersSchema } from './kafka-headers';
import { COMMUNICATIONS_TOPICS, FEEDBACK_TOPICS, INBOUND_TOPICS, SERVICE_TOPICS, SERVICES, TOPICS, TRANSPARENCY_TOPICS, type Service, type Topic } from './topics';

/** Version of the event contract; bump the minor for additions, the major (and the topic's `v`) for breaks. */
export const CONTRACT_VERSION = '1.0.0';

/** JSON Schema draft 2020-12, as an AsyncAPI 3 Multi Format Schema Object says it. */
export const SCHEMA_FORMAT = 'application/schema+json;version=draft-2020-12';

/** AsyncAPI ids allow letters, digits, `_` and `-`: `gantry.planning.v1` → `gantry-planning-v1`. */
export const channelId = (topic: string): string => topic.replace(/\./g, '-');

/** Which service reads which topic. A topic's own service is the only sender. */
export const SUBSCRIPTIONS: Readonly<Record<Service, readonly Topic[]>> = {
  planning: [INBOUND_TOPICS.itsmChanges, SERVICE_TOPICS['model-review'], SERVICE_TOPICS.records],
  verification: [SERVICE_TOPICS.planning, SERVICE_TOPICS.execution, INBOUND_TOPICS.itamComponents],
  execution: [SERVICE_TOPICS.planning, SERVICE_TOPICS.verification],
  records: [
    SERVICE_TOPICS.planning,
    SERVICE_TOPICS.verification,
    SERVICE_TOPICS.execution,
    SERVICE_TOPICS['model-review'],
    INBOUND_TOPICS.itsmIncidents,
  ],
  'model-review': [SERVICE_TOPICS.records, SERVICE_TOPICS.planning],
};

const PUBLICATIONS: Readonly<Record<Service, readonly Topic[]>> = {
  planning: [SERVICE_TOPICS.planning],
  verification: [SERVICE_TOPICS.verification],
  execution: [SERVICE_TOPICS.execution],
  records: [
    SERVICE_TOPICS.records,
    FEEDBACK_TOPICS.changeEnablement,
    FEEDBACK_TOPICS.releaseManagement,
    FEEDBACK_TOPICS.configurationManagement,
    FEEDBACK_TOPICS.serviceValidation,
    TRANSPARENCY_TOPICS.ledgerCheckpoints,
    COMMUNICATIONS_TOPICS.communications,
  ],
  'model-review': [SERVICE_TOPICS['model-review'], FEEDBACK_TOPICS.changeEnablement],
};

const CHANNEL_DESCRIPTIONS: Record<Topic, string> = {
  'gantry.planning.v1': 'Events of planning: deployments requested, planned, rescheduled, cancelled, rejected; environments.',
  'gantry.verification.v1': 'Events of verification: service components, target environments, deployments verified.',
  'gantry.execution.v1': 'Events of execution: deployment runs, waves, targets, gates, rollbacks.',
  'gantry.records.v1': 'Events of records: deployment records closed, incidents linked, audit findings.',
  'gantry.model-review.v1': 'Events of model review: deployment model versions, reviews, improvement initiatives.',
  'itsm.changes.v1': 'Inbound from change enablement: change authorised, change cancelled.',
  'itsm.incidents.v1': 'Inbound from the service desk: incident linked to a deployment or change, incident resolved.',
  'itam.components.v1': 'Inbound from IT asset management: component version registered, withdrawn.',
  'gantry.feedback.change-enablement.v1': 'Outcome of each deployment for change enablement: enough to close the change; change requests for deployment models raised by their reviews.',
  'gantry.feedback.release-management.v1': 'Outcome of each deployment for release management.',
  'gantry.feedback.configuration-management.v1':
    'For configuration management: the configuration items a deployment changed (service, environment, targets, component versions and digests, hardware), as they stand once its record closes, and what stood before.',
  'gantry.feedback.service-validation.v1': 'For service validation and testing: the results of the acceptance criteria of each deployment, once verification gives its verdict.',
  'gantry.ledger.checkpoints.v1':
    "Every signed checkpoint of records' ledger (c2sp.org/tlog-checkpoint), keyed by the log's origin, at least once: keep one per tree size and verify each with the log's key (docs/ledger.md). Not itself ledgered.",
  'gantry.communications.v1':
    'Deployment notices for the service desk and stakeholders (scheduled, started, completed, failed, rolled back, cancelled, monitoring ended, regression found), one per deployment and kind, keyed by the deployment, with the recipients from the service catalogue; knowledge articles proposed after a failure. Also POSTed, signed, to each service\'s webhook channels.',
};

const ref = (pointer: string) => ({ $ref: pointer });
const eventsOn = (topic: Topic): EventName[] => EVENT_NAMES.filter((name) => EVENTS[name].topic === topic);

const multiFormat = (schema: JsonSchema) => ({ schemaFormat: SCHEMA_FORMAT, schema });

/** The message payload: the envelope, narrowed to this event's `type` and `source`, with its data schema. */
const messagePayload = (name: EventName) =>
  multiFormat({
    allOf: [
      ref('#/components/schemas/CloudEventEnvelope/schema'),
      {
        type: 'object',
        properties: {
          type: { const: EVENTS[name].type },
          source: { const: `/gantry/${EVENTS[name].service}` },
          data: ref(`#/components/schemas/${name}/schema`),
        },
      },
    ],
  });

const channel = (topic: Topic) => ({
  address: topic,
  description: CHANNEL_DESCRIPTIONS[topic],
  messages: Object.fromEntries(eventsOn(topic).map((name) => [name, ref(`#/components/messages/${name}`)])),
});

const operation = (service: Service, action: 'send' | 'receive', topic: Topic) => ({
  action,
  channel: ref(`#/channels/${channelId(topic)}`),
  summary: `${service} ${action === 'send' ? 'publishes to' : 'consumes'} ${topic}`,
  messages: eventsOn(topic).map((name) => ref(`#/channels/${channelId(topic)}/messages/${name}`)),
});

const operationId = (service: Service, action: 'send' | 'receive', topic: Topic) =>
  `${service}-${action}-${channelId(topic)}`;

/** The AsyncAPI 3.0.0 document of the Kafka surface, generated from the TypeScript contract. */
export function asyncApiDocument(): Record<string, unknown> {
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Gantry events',
      version: CONTRACT_VERSION,
      description:
        'Kafka surface of Gantry, the ITIL 4 deployment management practice. Every message is a CloudEvents 1.0 ' +
        'document in structured JSON mode; the record key is the stream (aggregate) id; the W3C `traceparent` ' +
        'travels as a Kafka header. A consumer puts a message it cannot accept on `<topic>.dlq` with the reason. ' +
        'Generated by contracts/scripts/generate-asyncapi.ts: do not edit by hand.',
      license: { name: 'Apache-2.0' },
    },
    defaultContentType: CLOUD_EVENT_CONTENT_TYPE,
    servers: {
      kafka: { host: 'localhost:19092', protocol: 'kafka', description: 'local broker (infra/kafka)' },
    },
    channels: {
      ...Object.fromEntries(TOPICS.map((topic) => [channelId(topic), channel(topic)])),
      'dead-letter': {
        address: '{topic}.dlq',
        description: 'Messages a consumer of {topic} could not accept (unparseable or schema-invalid), with the reason.',
        parameters: { topic: { description: 'the topic the message was consumed from' } },
        messages: { DeadLetter: ref('#/components/messages/DeadLetter') },
      },
    },
    operations: Object.fromEntries(
      SERVICES.flatMap((service) => [
        ...PUBLICATIONS[service].map((topic) => [operationId(service, 'send', topic), operation(service, 'send', topic)]),
        ...SUBSCRIPTIONS[service].map((topic) => [
          operationId(service, 'receive', topic),
          operation(service, 'receive', topic),
        ]),
      ]),
    ),
    components: {
      schemas: {
        CloudEventEnvelope: multiFormat(cloudEventEnvelopeSchema),
        KafkaHeaders: multiFormat(kafkaHeadersSchema),
        DeadLetterHeaders: multiFormat(deadLetterHeadersSchema),
        ...Object.fromEntries(EVENT_NAMES.map((name) => [name, multiFormat(EVENTS[name].schema)])),
      },
      messages: {
        ...Object.fromEntries(
          EVENT_NAMES.map((name) => [
            name,
            {
              name: EVENTS[name].type,
              title: name,
              contentType: CLOUD_EVENT_CONTENT_TYPE,
              headers: ref('#/components/schemas/KafkaHeaders/schema'),
              payload: messagePayload(name),
            },
          ]),
        ),
        DeadLetter: {
          name: 'DeadLetter',
          title: 'Dead letter',
          description: 'The original record value, unchanged; why it was refused is in the headers.',
          contentType: 'application/octet-stream',
          headers: ref('#/components/schemas/DeadLetterHeaders/schema'),
          payload: multiFormat({}),
        },
      },
    },
  };
}
