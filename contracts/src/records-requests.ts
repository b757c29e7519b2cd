import { enumOf, objectOf, stringOf, text, Type, type BodyRule, type Static } from './json-schema';
import { FINDING_SEVERITIES, SATISFACTION_TOPICS, subscriptionFilterSchema } from './records';

/** Bodies of records' HTTP doors, each validated by its schema and the named rules beside it (SchemaBody). */

/** A deployment's id as planning assigns it. */
export const deploymentUuid = stringOf({ format: 'uuid', description: 'a deployment id (uuid)' });

/** An instant as a query or body gives it. */
export const isoTime = stringOf({ format: 'date-time', maxLength: 64, description: 'an ISO 8601 time' });

export const recordAuditFindingBody = objectOf({ deploymentId: deploymentUuid, severity: enumOf(FINDING_SEVERITIES), description: text() });
export type RecordAuditFindingBody = Static<typeof recordAuditFindingBody>;

export const satisfactionResponseBody = objectOf({
  score: Type.Integer({ minimum: 1, maximum: 5, description: 'an integer from 1 to 5' }),
  topic: enumOf(SATISFACTION_TOPICS),
  deploymentId: Type.Optional(deploymentUuid),
  period: Type.Optional(objectOf({ from: isoTime, to: isoTime })),
  comment: Type.Optional(text()),
});
export type SatisfactionResponseBody = Static<typeof satisfactionResponseBody>;

export const periodFromBeforeTo: BodyRule<SatisfactionResponseBody> = ({ period }) =>
  !period || Date.parse(period.from) < Date.parse(period.to) ? null : 'period.from must be before period.to';

export const revokeApiKeyBody = objectOf({ reason: text() });

/**
 * The checkpoints an auditor holds (signed notes collected from the checkpoint topic, a directory or a witness), to
 * verify the ledger against from genesis; `digest` as GET /audit/digest gave it, to also prove the ledger up to it.
 */
export const verifyLedgerBody = objectOf({
  checkpoints: Type.Array(stringOf({ minLength: 1, maxLength: 65_536 }), { minItems: 1, maxItems: 10_000, description: 'signed checkpoint notes, as the log published them' }),
  digest: Type.Optional(stringOf({ pattern: '^[0-9]{1,18}:[0-9a-f]{64}$', description: '`<position>:<hash>` from GET /audit/digest, kept earlier' })),
});
export type VerifyLedgerBody = Static<typeof verifyLedgerBody>;

/** `POST /subscriptions`: where to, which events (names, CloudEvent types or groups), narrowed by the deployment's facts. */
export const createSubscriptionBody = objectOf({
  url: stringOf({ minLength: 1, maxLength: 2048, description: 'an https URL whose host is on GANTRY_WEBHOOK_ALLOWED_HOSTS' }),
  events: Type.Array(stringOf({ minLength: 1, maxLength: 200 }), { minItems: 1, maxItems: 50, uniqueItems: true, description: 'event names, CloudEvent types or groups (deployment-outcome, deployment-lifecycle)' }),
  filter: Type.Optional(subscriptionFilterSchema),
  description: Type.Optional(text(500)),
});
export type CreateSubscriptionBody = Static<typeof createSubscriptionBody>;

/** `GET /subscriptions/:id/deliveries`: how many, newest first. */
export const deliveriesQuery = objectOf({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, description: '1 to 200 (50)' })) });
