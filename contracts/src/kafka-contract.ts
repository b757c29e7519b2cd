import { CLOUD_EVENT_CONTENT_TYPE } from './cloud-event';
import { changeDeploymentId } from './deployment-id';
import { DEAD_LETTER_HEADERS, TRACE_HEADERS } from './kafka-headers';
import { CLOSE_CODES, closeCodeOf } from './records';
import { INBOUND_TOPICS, TOPICS, type Topic } from './topics';
import { DEPLOYMENT_OUTCOMES } from './vocabulary';

/**
 * The prose of the Kafka contract: what the schemas cannot say. One source for the AsyncAPI document's descriptions
 * and the section of contracts/README.md between the `kafka-contract` markers (both written by
 * contracts/scripts/generate-asyncapi.ts, both checked by asyncapi.unit.spec.ts).
 */

/** The record key of each topic: what it is, and so which order Kafka keeps (one key, one partition, in order). */
export const RECORD_KEYS: Readonly<Record<Topic, string>> = {
  'gantry.planning.v1':
    "the CloudEvent's `subject`, the aggregate id: the deployment id for a deployment's events, the environment's name for `Environment…`, the service's name for `Service…`, the id of what it is about otherwise; one aggregate's events in the order they were recorded",
  'gantry.verification.v1':
    "the CloudEvent's `subject`: the deployment id for a deployment's verification, canary analysis and monitoring period; `<name>@<version>` (the name URI-encoded) for a component version; the id of what it is about otherwise; one aggregate's events in order",
  'gantry.execution.v1': "the CloudEvent's `subject`: the deployment id for a run's events (in order), the supplier's name for `Supplier…`",
  'gantry.records.v1': "the CloudEvent's `subject`: the deployment id for `DeploymentRecordClosed`, the id of what it is about otherwise (audit finding, API key, satisfaction response)",
  'gantry.model-review.v1': "the CloudEvent's `subject`: the model's name for model and review events (a model's versions and reviews in order), the deployment id for `ModelOutcomeRecorded`",
  'itsm.changes.v1': 'set by change enablement; Gantry does not read it. Use the change id, so that a change\'s `ChangeAuthorized` and `ChangeCancelled` stay in order',
  'itsm.incidents.v1': "set by the service desk; Gantry does not read it. Use the incident id, so that an incident's link and resolution stay in order",
  'itam.components.v1': "set by IT asset management; Gantry does not read it. Use the component's name, so that a version's registration and withdrawal stay in order",
  'gantry.feedback.change-enablement.v1': "the CloudEvent's `subject`: the deployment id (its reports in order: reported, then held or corrected); the model's name for `ModelChangeRequested`",
  'gantry.feedback.release-management.v1': "the CloudEvent's `subject`: the deployment id",
  'gantry.feedback.configuration-management.v1': "the CloudEvent's `subject`: the deployment id",
  'gantry.feedback.service-validation.v1': "the CloudEvent's `subject`: the deployment id",
  'gantry.ledger.checkpoints.v1': "the CloudEvent's `subject`: the log's origin (one partition: the checkpoints in the order they were signed)",
  'gantry.communications.v1': "the CloudEvent's `subject`: the deployment id (a deployment's notices and knowledge articles in order)",
};

export const SERVERS_NOTE =
  'Both ways of running use the same topics, records and headers. Distributed: the five services and an installation\'s broker (`KAFKA_BROKERS`); `npm run infra:up` starts one on `127.0.0.1:9092`, `docker compose up` publishes its broker on `localhost:59092` (`GANTRY_KAFKA_PORT`). Embedded default (`npm start`): an in-process bus, nothing on the network, unless `KAFKA_BROKERS` is set; then the same topics on that broker. `GANTRY_TOPIC_PREFIX` puts a prefix before every topic on the cluster (`acme.` → `acme.itsm.changes.v1`), the names in this document stay as they are.';

const attributes: readonly (readonly [attribute: string, gantry: string, inbound: string])[] = [
  ['`specversion`', '`1.0`', 'required, `1.0`'],
  ['`id`', 'the event id (uuid), unique: consumers deduplicate on it', 'required (1–256 characters), unique across every event sent to Gantry: an id seen before is taken for a re-delivery and dropped, so a re-sent event does nothing (use a UUID, or your system\'s name and its event number)'],
  ['`source`', '`/gantry/<service>`', 'required: a stable URI reference naming the sending system (e.g. `/servicenow/prod`), 1–256 characters. Not checked against a list (whoever may write the topic is trusted: restrict that with Kafka ACLs), but recorded as the change\'s authorisation `source`, and part of the deployment id of a `ChangeAuthorized`: keep it stable'],
  ['`type`', '`gantry.<service>.<EventName>.v<n>`', 'required: `itsm.changes.<Name>.v1`, `itsm.incidents.<Name>.v1`, `itam.components.<Name>.v1`; another type on an inbound topic is ledgered by records and otherwise ignored'],
  ['`subject`', 'the aggregate id, also the record key', 'optional, not read'],
  ['`time`', 'when the event was recorded (RFC 3339)', 'optional (RFC 3339): the request\'s `requestedAt` for a `ChangeAuthorized`; absent, when planning reads it'],
  ['`datacontenttype`', '`application/json`', 'optional; if given, `application/json`'],
  ['`dataschema`', 'not used: `type` names the schema (this document)', 'not read'],
  ['`data`', 'the payload, as the message\'s schema says', 'required: the payload, as the message\'s schema says (schema-invalid → dead letter)'],
  ['`correlationid`', 'the id of the request that started the chain of events', 'not read'],
  ['`causationid`', 'the id of the event (or request) that caused this one', 'not read'],
  ['`actor`, `actorroles`, `actorchannel`', 'who did it: subject, comma-separated roles, `rest`/`grpc`/`kafka`/`system`', '`actor` optional: the requester of a `ChangeAuthorized` (absent: `change-enablement<source>`); the others not read'],
  ['`streamversion`', "the event's version in its stream (1-based)", 'not read'],
  ['`eventhash`', "the event's hash in its service's event store (hex SHA-256), which records' ledger keeps", 'not read'],
  ['`traceparent`', 'W3C trace context of the operation that recorded it (also a header)', 'optional: continues the sender\'s trace when the header is absent'],
];

const headers: readonly (readonly [header: string, meaning: string])[] = [
  [`\`${TRACE_HEADERS.traceparent}\``, 'W3C trace context (`00-<trace id>-<span id>-<flags>`): on every record Gantry publishes, the context of its send (a child of the operation that recorded the event, which the CloudEvent `traceparent` keeps); on an inbound record, optional, continued by the consumer'],
  [`\`${TRACE_HEADERS.tracestate}\``, 'W3C trace state: read with `traceparent` where a sender gives it; Gantry does not write it'],
  ['`content-type`', `\`${CLOUD_EVENT_CONTENT_TYPE}\` on every record Gantry publishes (structured mode); optional inbound, where the value is read as structured-mode JSON whatever it says`],
  ['`ce_*`', 'none: binary-mode CloudEvents are not used; every attribute is in the record value'],
  ...Object.values(DEAD_LETTER_HEADERS).map((name) => [`\`${name}\``, 'on `<topic>.dlq` only, see Dead letters'] as const),
];

const example = { source: '/servicenow/prod', changeId: 'CHG0031337', environment: 'staging', service: 'payments' };

/** The deployment id planning gives the deployment a `ChangeAuthorized` asks for (`changeDeploymentId`). */
export const DEPLOYMENT_ID_NOTE = [
  'A `ChangeAuthorized` names no deployment id: planning derives it from the event, so that the same authorisation sent again (a duplicate delivery or a re-sent event) names the same deployment and plans it once, and change enablement can compute it before the deployment exists:',
  '',
  '1. `h` = lowercase hex SHA-256 of the UTF-8 bytes of `itsm:<source>` NUL `<changeId>` NUL `<environment>` NUL `<service>` (NUL the byte 0; `source` the CloudEvent\'s `source`; the rest from `data`).',
  '2. The id is `h[0..8]-h[8..12]-5h[13..16]-Vh[17..20]-h[20..32]` (half-open character ranges), where `V` is the hex digit `(parseInt(h[16], 16) & 3) | 8`: a UUID shaped like version 5, variant RFC 4122.',
  '',
  `Example: source \`${example.source}\`, change \`${example.changeId}\`, environment \`${example.environment}\`, service \`${example.service}\` → \`${changeDeploymentId(example.source, example)}\`. \`GetDeployment\` (gRPC) or \`GET /deployments/<id>\` (REST) finds the deployment under that id; it is the \`deploymentId\` of every event about it and of the feedback reports, and what an \`IncidentLinked\` names to link an incident to it.`,
].join('\n');

const row = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
const table = (head: readonly string[], rows: readonly (readonly string[])[]) => [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');

/** Outcome → close code, from `closeCodeOf`, the function records closes the change's report with. */
export const CLOSE_CODE_NOTE = [
  `Records reports each deployment's outcome to change enablement (\`ChangeImplementationReported\` on \`gantry.feedback.change-enablement.v1\`) with the ITSM close code for the change (${CLOSE_CODES.map((c) => `\`${c}\``).join(', ')}):`,
  '',
  table(
    ['outcome', 'close code', 'with an incident linked or a regression detected'],
    DEPLOYMENT_OUTCOMES.map((outcome) => [`\`${outcome}\``, `\`${closeCodeOf(outcome)}\``, `\`${closeCodeOf(outcome, ['INC'])}\``]),
  ),
  '',
  'An incident counts when `IncidentLinked` names the deployment, or its change (then every deployment of the change). Linked after the report, or a regression or rollback in the monitoring period, records sends `ChangeImplementationCorrected` with the new outcome and close code and the previous one. A run held for a late change is `ChangeImplementationHeld` (not closing).',
].join('\n');

export const DEAD_LETTER_NOTE = `A consumer that cannot accept a record (not JSON, not a CloudEvent, a payload invalid against its schema, a request that can never be recorded) puts it unchanged on \`<topic>.dlq\` with its original headers and ${Object.values(DEAD_LETTER_HEADERS)
  .map((h) => `\`${h}\``)
  .join(', ')}, then moves on. An ITSM suite should watch \`${INBOUND_TOPICS.itsmChanges}.dlq\`, \`${INBOUND_TOPICS.itsmIncidents}.dlq\` and \`${INBOUND_TOPICS.itamComponents}.dlq\` for its own events.`;

/** The sections, in order: title and markdown. */
export const KAFKA_CONTRACT_SECTIONS: readonly { title: string; text: string }[] = [
  { title: 'Servers', text: SERVERS_NOTE },
  { title: 'Record keys', text: table(['topic', 'key'], TOPICS.map((topic) => [`\`${topic}\``, RECORD_KEYS[topic]])) },
  { title: 'Headers', text: table(['header', 'meaning'], headers) },
  { title: 'CloudEvent attributes', text: `Every record value is a CloudEvents 1.0 document in structured JSON mode.\n\n${table(['attribute', "on Gantry's events", 'on inbound events (what a sender sets, what Gantry checks)'], attributes)}` },
  { title: 'The deployment id of a ChangeAuthorized', text: DEPLOYMENT_ID_NOTE },
  { title: 'Outcome and close code', text: CLOSE_CODE_NOTE },
  { title: 'Dead letters', text: DEAD_LETTER_NOTE },
];

/** The sections as markdown, each headed at `level`. */
export const kafkaContractMarkdown = (level = 3): string => KAFKA_CONTRACT_SECTIONS.map(({ title, text }) => `${'#'.repeat(level)} ${title}\n\n${text}\n`).join('\n');
