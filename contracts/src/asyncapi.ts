import { CLOUD_EVENT_CONTENT_TYPE, cloudEventEnvelopeSchema, inboundCloudEventSchema } from './cloud-event';
import { EVENT_NAMES, EVENTS, type EventName } from './events';
import { INBOUND_EVENT_NAMES, INBOUND_EVENTS, type InboundEventName, type InboundParty } from './inbound-events';
import type { JsonSchema } from './json-schema';
import { kafkaContractMarkdown, RECORD_KEYS, SERVERS_NOTE } from './kafka-contract';
import { deadLetterHeadersSchema, kafkaHeadersSchema } from './kafka-headers';
import { SAMPLE_INBOUND_PAYLOADS, SAMPLE_PAYLOADS } from './samples.fixture';
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
  verification: [SERVICE_TOPICS.planning, SERVICE_TOPICS.execution, INBOUND_TOPICS.itamComponents, INBOUND_TOPICS.itsmIncidents],
  execution: [SERVICE_TOPICS.planning, SERVICE_TOPICS.verification],
  records: [
    SERVICE_TOPICS.planning,
    SERVICE_TOPICS.verification,
    SERVICE_TOPICS.execution,
    SERVICE_TOPICS['model-review'],
    // the ledger: every topic but the ledger's own checkpoints and the communications
    ...Object.values(INBOUND_TOPICS),
    ...Object.values(FEEDBACK_TOPICS),
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

/** The parties outside Gantry: what each sends and receives. */
type ExternalParty = InboundParty | 'release-management' | 'configuration-management' | 'service-validation' | 'auditor';
const EXTERNAL_PARTIES: Readonly<Record<ExternalParty, { send: readonly Topic[]; receive: readonly Topic[] }>> = {
  'change-enablement': { send: [INBOUND_TOPICS.itsmChanges], receive: [FEEDBACK_TOPICS.changeEnablement] },
  'service-desk': { send: [INBOUND_TOPICS.itsmIncidents], receive: [COMMUNICATIONS_TOPICS.communications] },
  'it-asset-management': { send: [INBOUND_TOPICS.itamComponents], receive: [] },
  'release-management': { send: [], receive: [FEEDBACK_TOPICS.releaseManagement] },
  'configuration-management': { send: [], receive: [FEEDBACK_TOPICS.configurationManagement] },
  'service-validation': { send: [], receive: [FEEDBACK_TOPICS.serviceValidation] },
  auditor: { send: [], receive: [TRANSPARENCY_TOPICS.ledgerCheckpoints] },
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
const inboundOn = (topic: Topic): InboundEventName[] => INBOUND_EVENT_NAMES.filter((name) => INBOUND_EVENTS[name].topic === topic);
/** A channel's messages by their name there (an event's name); the components' keys are unique across both kinds. */
const messagesOn = (topic: Topic): [name: string, component: string][] => [
  ...eventsOn(topic).map((name): [string, string] => [name, name]),
  ...inboundOn(topic).map((name): [string, string] => [name, inboundMessageId(name)]),
];

/** An inbound message's key among the components: its CloudEvents type (`itsm.changes.ChangeAuthorized.v1`). */
export const inboundMessageId = (name: InboundEventName): string => INBOUND_EVENTS[name].type;

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

const inboundPayload = (name: InboundEventName) =>
  multiFormat({
    allOf: [
      ref('#/components/schemas/InboundCloudEvent/schema'),
      { type: 'object', properties: { type: { const: INBOUND_EVENTS[name].type }, data: ref(`#/components/schemas/${inboundMessageId(name)}/schema`) } },
    ],
  });

/** The record key, as the Kafka binding of a message says it. */
const keyBinding = (topic: Topic) => ({ kafka: { key: { type: 'string', description: RECORD_KEYS[topic] }, bindingVersion: '0.5.0' } });

const EXAMPLE_TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const EXAMPLE_TIME = '2026-12-01T22:00:00.000Z';

/** The aggregate id of a sample payload: what its `subject` and record key would be. */
const sampleSubject = (data: Record<string, unknown>): string => String(data.deploymentId ?? data.name ?? data.keyId ?? data.origin ?? data.findingId ?? data.environment ?? 'payments');

/** One example per message: its sample payload in the envelope Gantry's publisher puts it in. */
const eventExample = (name: EventName) => {
  const data = SAMPLE_PAYLOADS[name] as Record<string, unknown>;
  return {
    name: 'sample',
    headers: { traceparent: EXAMPLE_TRACEPARENT, 'content-type': CLOUD_EVENT_CONTENT_TYPE },
    payload: {
      specversion: '1.0',
      id: '0b6e3c1a-7d2f-4e58-9c41-5a8f2d6b9e10',
      source: `/gantry/${EVENTS[name].service}`,
      type: EVENTS[name].type,
      subject: sampleSubject(data),
      time: EXAMPLE_TIME,
      datacontenttype: 'application/json',
      data,
      correlationid: '7f3a9c2e-1b4d-4e6f-8a0b-2c5d7e9f1a3b',
      causationid: '3c8e1f5a-9b2d-4c7e-a6f0-1d3b5e7a9c2f',
      actor: 'dana.manager',
      actorroles: 'deployment-manager',
      actorchannel: 'rest',
      streamversion: 1,
      eventhash: 'a'.repeat(64),
      traceparent: EXAMPLE_TRACEPARENT,
    },
  };
};

/** What a sender outside Gantry puts on an inbound topic: its sample payload in a structured-mode CloudEvent. */
const inboundExample = (name: InboundEventName) => ({
  name: 'sample',
  headers: { traceparent: EXAMPLE_TRACEPARENT, 'content-type': CLOUD_EVENT_CONTENT_TYPE },
  payload: {
    specversion: '1.0',
    id: `evt-${name}-0001`,
    source: SAMPLE_SOURCES[INBOUND_EVENTS[name].party],
    type: INBOUND_EVENTS[name].type,
    time: EXAMPLE_TIME,
    datacontenttype: 'application/json',
    data: SAMPLE_INBOUND_PAYLOADS[name],
  },
});

const SAMPLE_SOURCES: Readonly<Record<InboundParty, string>> = {
  'change-enablement': '/servicenow/prod',
  'service-desk': '/servicenow/prod',
  'it-asset-management': '/itam/dml',
};

const channel = (topic: Topic) => ({
  address: topic,
  description: `${CHANNEL_DESCRIPTIONS[topic]} Record key: ${RECORD_KEYS[topic]}.`,
  messages: Object.fromEntries(messagesOn(topic).map(([name, component]) => [name, ref(`#/components/messages/${component}`)])),
});

const operation = (who: string, action: 'send' | 'receive', topic: Topic) => ({
  action,
  channel: ref(`#/channels/${channelId(topic)}`),
  summary: `${who} ${action === 'send' ? 'publishes to' : 'consumes'} ${topic}`,
  messages: messagesOn(topic).map(([name]) => ref(`#/channels/${channelId(topic)}/messages/${name}`)),
});

const operationId = (who: string, action: 'send' | 'receive', topic: Topic) => `${who}-${action}-${channelId(topic)}`;

const operations = (who: string, send: readonly Topic[], receive: readonly Topic[]) => [
  ...send.map((topic) => [operationId(who, 'send', topic), operation(who, 'send', topic)] as const),
  ...receive.map((topic) => [operationId(who, 'receive', topic), operation(who, 'receive', topic)] as const),
];

/** The AsyncAPI 3.0.0 document of the Kafka surface, generated from the TypeScript contract. */
export function asyncApiDocument(): Record<string, unknown> {
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Gantry events',
      version: CONTRACT_VERSION,
      description:
        'Kafka surface of Gantry, the ITIL 4 deployment management practice: every event Gantry emits, and every event it ' +
        'accepts from change enablement, the service desk and IT asset management. Every message is a CloudEvents 1.0 ' +
        'document in structured JSON mode; the W3C `traceparent` travels as a Kafka header. ' +
        'Generated by contracts/scripts/generate-asyncapi.ts: do not edit by hand.\n\n' +
        kafkaContractMarkdown(2),
      license: { name: 'Apache-2.0' },
    },
    defaultContentType: CLOUD_EVENT_CONTENT_TYPE,
    servers: {
      distributed: { host: '127.0.0.1:9092', protocol: 'kafka', title: 'Distributed (npm run infra:up)', description: SERVERS_NOTE },
      'docker-compose': { host: 'localhost:59092', protocol: 'kafka', title: 'Distributed (docker compose up)', description: 'The broker docker-compose.yml publishes (`GANTRY_KAFKA_PORT`, default 59092).' },
      embedded: {
        host: '{brokers}',
        protocol: 'kafka',
        title: 'Embedded default (npm start)',
        description: 'In-process bus, nothing on the network, unless `KAFKA_BROKERS` is set: then the same topics on that broker.',
        variables: { brokers: { description: 'the first of `KAFKA_BROKERS` (host:port)' } },
      },
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
    operations: Object.fromEntries([
      ...SERVICES.flatMap((service) => operations(service, PUBLICATIONS[service], SUBSCRIPTIONS[service])),
      ...Object.entries(EXTERNAL_PARTIES).flatMap(([party, { send, receive }]) => operations(party, send, receive)),
    ]),
    components: {
      schemas: {
        CloudEventEnvelope: multiFormat(cloudEventEnvelopeSchema),
        InboundCloudEvent: multiFormat(inboundCloudEventSchema),
        KafkaHeaders: multiFormat(kafkaHeadersSchema),
        DeadLetterHeaders: multiFormat(deadLetterHeadersSchema),
        ...Object.fromEntries(EVENT_NAMES.map((name) => [name, multiFormat(EVENTS[name].schema)])),
        ...Object.fromEntries(INBOUND_EVENT_NAMES.map((name) => [inboundMessageId(name), multiFormat(INBOUND_EVENTS[name].schema)])),
      },
      messages: {
        ...Object.fromEntries(
          EVENT_NAMES.map((name) => [
            name,
            {
              name: EVENTS[name].type,
              title: name,
              summary: `${name}, from ${EVENTS[name].service}`,
              contentType: CLOUD_EVENT_CONTENT_TYPE,
              headers: ref('#/components/schemas/KafkaHeaders/schema'),
              payload: messagePayload(name),
              bindings: keyBinding(EVENTS[name].topic),
              examples: [eventExample(name)],
            },
          ]),
        ),
        ...Object.fromEntries(
          INBOUND_EVENT_NAMES.map((name) => [
            inboundMessageId(name),
            {
              name: INBOUND_EVENTS[name].type,
              title: name,
              summary: `${name}, from ${INBOUND_EVENTS[name].party}; read by ${INBOUND_EVENTS[name].readBy.join(' and ')} (and ledgered by records)`,
              contentType: CLOUD_EVENT_CONTENT_TYPE,
              headers: ref('#/components/schemas/KafkaHeaders/schema'),
              payload: inboundPayload(name),
              bindings: keyBinding(INBOUND_EVENTS[name].topic),
              examples: [inboundExample(name)],
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
