/** The five services. Each owns one outgoing topic and the `gantry.<service>.*` event types. */
export const SERVICES = ['planning', 'verification', 'execution', 'records', 'model-review'] as const;
export type Service = (typeof SERVICES)[number];

/** Outgoing topic of each service: every event the service records is published there, keyed by the stream id. */
export const SERVICE_TOPICS = {
  planning: 'gantry.planning.v1',
  verification: 'gantry.verification.v1',
  execution: 'gantry.execution.v1',
  records: 'gantry.records.v1',
  'model-review': 'gantry.model-review.v1',
} as const satisfies Record<Service, string>;

/** Topics written by the practices around us (change enablement, service desk, IT asset management). */
export const INBOUND_TOPICS = {
  itsmChanges: 'itsm.changes.v1',
  itsmIncidents: 'itsm.incidents.v1',
  itamComponents: 'itam.components.v1',
} as const;

/**
 * Records tells the practices around deployment how deployments went: change enablement, release management,
 * configuration management (the configuration items a deployment changed) and service validation and testing (the
 * results of the acceptance criteria).
 */
export const FEEDBACK_TOPICS = {
  changeEnablement: 'gantry.feedback.change-enablement.v1',
  releaseManagement: 'gantry.feedback.release-management.v1',
  configurationManagement: 'gantry.feedback.configuration-management.v1',
  serviceValidation: 'gantry.feedback.service-validation.v1',
} as const;

/**
 * Records publishes the ledger's signed checkpoints here, for auditors and witnesses to hold outside Gantry's database.
 * The ledger does not consume it: a ledgered checkpoint would grow the tree it signs, which calls for another, forever.
 */
export const TRANSPARENCY_TOPICS = {
  ledgerCheckpoints: 'gantry.ledger.checkpoints.v1',
} as const;

/** Records tells the service desk and each service's stakeholders how its deployments go: notices and knowledge articles. */
export const COMMUNICATIONS_TOPICS = {
  communications: 'gantry.communications.v1',
} as const;

export type ServiceTopic = (typeof SERVICE_TOPICS)[Service];
export type InboundTopic = (typeof INBOUND_TOPICS)[keyof typeof INBOUND_TOPICS];
export type FeedbackTopic = (typeof FEEDBACK_TOPICS)[keyof typeof FEEDBACK_TOPICS];
export type TransparencyTopic = (typeof TRANSPARENCY_TOPICS)[keyof typeof TRANSPARENCY_TOPICS];
export type CommunicationsTopic = (typeof COMMUNICATIONS_TOPICS)[keyof typeof COMMUNICATIONS_TOPICS];
export type Topic = ServiceTopic | InboundTopic | FeedbackTopic | TransparencyTopic | CommunicationsTopic;

export const TOPICS: readonly Topic[] = [
  ...Object.values(SERVICE_TOPICS),
  ...Object.values(INBOUND_TOPICS),
  ...Object.values(FEEDBACK_TOPICS),
  ...Object.values(TRANSPARENCY_TOPICS),
  ...Object.values(COMMUNICATIONS_TOPICS),
];

/** Dead-letter topic: where a consumer of `topic` puts a message it cannot accept, with the reason. */
export const deadLetterTopic = <T extends string>(topic: T): `${T}.dlq` => `${topic}.dlq`;

/** CloudEvents `source` of a service's events. */
export const eventSource = <S extends Service>(service: S): `/gantry/${S}` => `/gantry/${service}`;
