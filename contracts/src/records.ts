import { deliveredUnitsSchema, evidenceSchema } from './execution';
import { digestSchema } from './itam';
import { arrayOf, enumOf, identifier, label, objectOf, orNull, stringOf, text, timestamp, Type, type PayloadsOf, type Static } from './json-schema';
import { TARGET_KINDS } from './planning';
import { COMMUNICATIONS_TOPICS, FEEDBACK_TOPICS, TRANSPARENCY_TOPICS, type CommunicationsTopic, type FeedbackTopic, type TransparencyTopic } from './topics';
import { criteriaSchema } from './verification';
import {
  COMPONENT_KINDS,
  componentsSchema,
  DEPLOYMENT_OUTCOMES,
  type DeploymentOutcome,
  componentVersionProperties,
  contactSchema,
  deploymentKindSchema,
  ENVIRONMENT_KINDS,
  environmentNameSchema,
  LATE_CHANGES,
  LIMITS,
  modelRefSchema,
  targetSchema,
  windowSchema,
} from './vocabulary';


/** How change enablement closes the change request: ITSM close codes. */
export const CLOSE_CODES = ['successful', 'successful-with-issues', 'unsuccessful'] as const;
export type CloseCode = (typeof CLOSE_CODES)[number];

/**
 * ITSM close code of the change: a success is `successful`, or `successful-with-issues` once an incident is linked
 * to the deployment or its change or a regression was detected in its monitoring period; anything else is `unsuccessful`.
 */
export const closeCodeOf = (outcome: DeploymentOutcome, incidents: readonly string[] = [], regressions: readonly unknown[] = []): CloseCode =>
  outcome !== 'succeeded' ? 'unsuccessful' : incidents.length > 0 || regressions.length > 0 ? 'successful-with-issues' : 'successful';

export const FINDING_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];

/** What a satisfaction response is about (domain.md, stakeholder satisfaction). */
export const SATISFACTION_TOPICS = ['rate-of-change', 'lead-time', 'quality', 'partner-alignment'] as const;
export type SatisfactionTopic = (typeof SATISFACTION_TOPICS)[number];

const outcome = enumOf(DEPLOYMENT_OUTCOMES);
const closeCode = enumOf(CLOSE_CODES);
const auditHistory = Type.String({ minLength: 1, maxLength: 300 });
const incidents = arrayOf(identifier, 1000, 1);
/** A signed note (c2sp.org/signed-note): the checkpoint's text, a blank line, then one line per signature. */
const signedNote = Type.String({ minLength: 1, maxLength: 16384, description: 'a signed checkpoint note (c2sp.org/tlog-checkpoint), as GET /audit/checkpoint serves it' });

/** The deployment record is closed with an outcome; lead time = requested → closed. */
export const DeploymentRecordClosed = objectOf({
  deploymentId: identifier,
  changeId: identifier,
  service: label(),
  environment: label(),
  /** the kind of the environment (production, staging, …) as planned: what DORA's figures and review triggers go by, not its name */
  environmentKind: Type.Optional(enumOf(ENVIRONMENT_KINDS)),
  model: modelRefSchema,
  outcome,
  /** why it did not succeed */
  cause: Type.Optional(text()),
  requestedAt: timestamp,
  closedAt: timestamp,
  leadTimeMs: Type.Integer({ minimum: 0 }),
});
export type DeploymentRecordClosed = Static<typeof DeploymentRecordClosed>;

/**
 * To change enablement (gantry.feedback.change-enablement.v1): how the change's implementation went, enough for an
 * ITSM suite to close the change request.
 */
export const ChangeImplementationReported = objectOf({
  deploymentId: identifier,
  changeId: identifier,
  outcome,
  closeCode,
  cause: Type.Optional(text()),
  /** the window the deployment was planned for; absent when it was never planned */
  plannedWindow: Type.Optional(windowSchema),
  /** when execution started and ended; absent when it never started */
  actualStart: Type.Optional(timestamp),
  actualEnd: Type.Optional(timestamp),
  /** the incidents linked to the deployment or its change by the close (then a success is successful-with-issues) */
  incidents: Type.Optional(incidents),
  closedAt: timestamp,
  /** the deployment's full history, for the change record: `GET <records>/audit/deployments/<id>` */
  auditHistory,
  /**
   * The ledger's signed checkpoint made when the record closed, covering every entry of the deployment up to the one
   * that decided its outcome: evidence the ITSM suite keeps outside Gantry, which any later export or proof must extend
   * (docs/ledger.md). Absent from reports of installations without a signed ledger.
   */
  ledgerCheckpoint: Type.Optional(signedNote),
  /**
   * The latest checkpoint the log's witnesses had cosigned when the record closed, with their cosignatures: evidence that
   * parties outside Gantry saw the log at that size (c2sp.org/tlog-witness). Absent until a witness has cosigned one.
   */
  witnessedCheckpoint: Type.Optional(signedNote),
});
export type ChangeImplementationReported = Static<typeof ChangeImplementationReported>;

/** To release management (gantry.feedback.release-management.v1): a release's components reached an environment, or not. */
export const ReleaseDeploymentReported = objectOf({
  deploymentId: identifier,
  releaseId: identifier,
  environment: label(),
  components: componentsSchema,
  outcome,
  closedAt: timestamp,
});
export type ReleaseDeploymentReported = Static<typeof ReleaseDeploymentReported>;

/**
 * To change enablement: a deployment in progress is held at its next wave boundary for a deployment manager's decision,
 * because something it was authorised under changed (a freeze added, the environment decommissioned, a version withdrawn
 * or its key revoked, the change's authorisation revoked). The decision ends in the report that closes the change.
 */
export const ChangeImplementationHeld = objectOf({
  deploymentId: identifier,
  changeId: identifier,
  reason: enumOf(LATE_CHANGES),
  /** what changed, as execution recorded it */
  detail: text(),
  heldAt: timestamp,
  auditHistory,
});
export type ChangeImplementationHeld = Static<typeof ChangeImplementationHeld>;

/**
 * To change enablement: a report sent earlier no longer holds, because after the record closed an incident was linked
 * to the deployment (or its change), a regression was detected in its monitoring period, or it was rolled back then.
 * Carries the outcome and close code the change should have now (a success with linked incidents or regressions is
 * `successful-with-issues`; a rollback `unsuccessful`), every incident linked and every regression detected so far.
 */
export const monitoringRegressionSchema = objectOf({ signal: label(100), look: Type.Integer({ minimum: 1, maximum: 100000 }), reason: text(), detectedAt: timestamp });
export type MonitoringRegression = Static<typeof monitoringRegressionSchema>;

export const ChangeImplementationCorrected = objectOf({
  deploymentId: identifier,
  changeId: identifier,
  outcome,
  closeCode,
  previousCloseCode: closeCode,
  /** every incident linked so far: none where the correction is about the monitoring period alone */
  incidents: arrayOf(identifier, 1000),
  /** the regressions of the monitoring period (early life support), as verification detected them */
  regressions: Type.Optional(arrayOf(monitoringRegressionSchema, 100, 1)),
  /** why the outcome changed: `RolledBack: RegressionDetected` */
  cause: Type.Optional(text()),
  correctedAt: timestamp,
  auditHistory,
});
export type ChangeImplementationCorrected = Static<typeof ChangeImplementationCorrected>;

/**
 * How a deployment that touched its targets left the configuration items: `applied`, it succeeded and they hold the
 * new versions (a removal: none); `restored`, it rolled back and they hold what stood before again; `partial`, it failed
 * without a rollback and the targets it reached hold the new versions while the environment's others hold the previous.
 */
export const CONFIGURATION_CHANGES = ['applied', 'restored', 'partial'] as const;
export type ConfigurationChange = (typeof CONFIGURATION_CHANGES)[number];

/** A component version as a configuration item: the version and, where known, the digest of its bytes. */
const configurationItemVersion = objectOf({ version: componentVersionProperties.version, digest: Type.Optional(digestSchema) });

/**
 * One component of the service in the environment, from what stood before the deployment to what stands now.
 * `previous`: the environment as of the close (`GET /audit/environments/:name/state?asOf`), null where the service had no
 * such component; `current`: null where the deployment removed it. Hardware carries `units`: how many units the targets
 * hold now: the serials installed (execution's `UnitsInstalled`) where they were recorded, else one unit per target.
 */
const changedComponent = objectOf({
  name: componentVersionProperties.name,
  kind: enumOf(COMPONENT_KINDS),
  previous: orNull(configurationItemVersion),
  current: orNull(configurationItemVersion),
  /** what the deployment put in place and a rollback took out again (`restored`) */
  attempted: Type.Optional(configurationItemVersion),
  units: Type.Optional(Type.Integer({ minimum: 0, maximum: LIMITS.components * 10000 })),
});

/** A target the deployment reached, and the service's component versions it holds now (the digests the executor reported installed). */
const changedTarget = objectOf({
  name: targetSchema,
  /** as the plan's environment snapshot names it; absent for a plan without a snapshot */
  kind: Type.Optional(enumOf(TARGET_KINDS)),
  components: arrayOf(objectOf({ ...componentVersionProperties, digest: Type.Optional(digestSchema) }), LIMITS.components),
  /** the evidence of the manual work done there (hardware installed: photos, signed forms) */
  evidence: Type.Optional(arrayOf(evidenceSchema, 200, 1)),
  /** the hardware units installed there, by serial (execution's `UnitsInstalled`) */
  units: Type.Optional(arrayOf(deliveredUnitsSchema, LIMITS.components, 1)),
});

/**
 * To configuration management (gantry.feedback.configuration-management.v1): the configuration items a deployment changed,
 * as they stand once its record closes (`asOf`). Sent once per deployment that reached at least one target; a deployment
 * that stopped before touching any changed nothing and sends none.
 */
export const ConfigurationItemsChanged = objectOf({
  deploymentId: identifier,
  changeId: identifier,
  releaseId: Type.Optional(identifier),
  service: label(),
  environment: objectOf({ name: environmentNameSchema, kind: Type.Optional(enumOf(ENVIRONMENT_KINDS)) }),
  deploymentKind: deploymentKindSchema,
  outcome: enumOf(['succeeded', 'rolled-back', 'failed']),
  change: enumOf(CONFIGURATION_CHANGES),
  components: arrayOf(changedComponent, LIMITS.components, 1),
  targets: arrayOf(changedTarget, LIMITS.waves * LIMITS.targetsPerWave, 1),
  asOf: timestamp,
  auditHistory,
});
export type ConfigurationItemsChanged = Static<typeof ConfigurationItemsChanged>;

/**
 * To service validation and testing (gantry.feedback.service-validation.v1): the acceptance criteria of a deployment and
 * their outcomes, once verification gave its verdict (DeploymentVerified: every one met; DeploymentVerificationFailed).
 */
export const AcceptanceResultsReported = objectOf({
  deploymentId: identifier,
  changeId: identifier,
  service: label(),
  environment: environmentNameSchema,
  verdict: enumOf(['met', 'failed']),
  criteria: criteriaSchema,
  evaluatedAt: timestamp,
  auditHistory,
});
export type AcceptanceResultsReported = Static<typeof AcceptanceResultsReported>;

/** Compliance staff recorded a finding against a deployment (AuditFinding). */
export const AuditFindingRecorded = objectOf({
  findingId: identifier,
  deploymentId: identifier,
  severity: enumOf(FINDING_SEVERITIES),
  description: text(),
  recordedBy: label(256),
  recordedAt: timestamp,
});
export type AuditFindingRecorded = Static<typeof AuditFindingRecorded>;

/** A stakeholder's answer (SatisfactionResponse): a score from 1 to 5 about one topic, for a deployment or a period. */
export const SatisfactionResponseRecorded = objectOf({
  responseId: identifier,
  score: Type.Integer({ minimum: 1, maximum: 5 }),
  topic: enumOf(SATISFACTION_TOPICS),
  deploymentId: Type.Optional(identifier),
  period: Type.Optional(objectOf({ from: timestamp, to: timestamp })),
  comment: Type.Optional(text()),
  respondent: label(256),
  respondedAt: timestamp,
});
export type SatisfactionResponseRecorded = Static<typeof SatisfactionResponseRecorded>;

/** A system's name, as GANTRY_API_KEYS names them too. */
const apiKeyName = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$',
  description: 'a system name: letters, digits, ".", "_", "@" and "-" (at most 128), starting with a letter or digit',
});

/**
 * An admin issued an API key for a system (an ITSM suite, a pipeline). Only the sha256 of the key travels and is
 * kept; the key itself is shown once, to the admin who issued it. Every service learns the key from this event.
 */
export const ApiKeyIssued = objectOf({
  keyId: identifier,
  /** the system's name: the subject of every event it causes */
  name: apiKeyName,
  roles: arrayOf(label(64), 20, 0, { uniqueItems: true }),
  sha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  issuedBy: label(256),
  issuedAt: timestamp,
});
export type ApiKeyIssued = Static<typeof ApiKeyIssued>;

/** An admin revoked an API key: from this event on, no service accepts it. */
export const ApiKeyRevoked = objectOf({ keyId: identifier, name: apiKeyName, reason: text(), revokedBy: label(256), revokedAt: timestamp });
export type ApiKeyRevoked = Static<typeof ApiKeyRevoked>;

/**
 * The ledger signed a checkpoint of its tree (on gantry.ledger.checkpoints.v1, keyed by the origin): the note as the
 * log signed it, and what it says, so a consumer can pick checkpoints without parsing the note. Trust the note only once
 * it verifies with the log's key (GET /audit/log-key); a consumer may see one twice and keeps one per tree size.
 */
export const LedgerCheckpointSigned = objectOf({
  /** the log's name, the note's first line */
  origin: label(255),
  /** how many ledger entries the tree holds: the checkpoint covers positions 1 to treeSize */
  treeSize: Type.Integer({ minimum: 1 }),
  /** the tree's root, lowercase hex (the note carries it in base64) */
  rootHash: Type.String({ pattern: '^[0-9a-f]{64}$' }),
  madeAt: timestamp,
  note: signedNote,
});
export type LedgerCheckpointSigned = Static<typeof LedgerCheckpointSigned>;

/**
 * What a deployment notice tells the service desk and the service's stakeholders. `monitoring-ended` and
 * `regression-found` answer the monitoring period after a deployment (its events are not in the contract yet).
 */
export const NOTICE_KINDS = ['scheduled', 'started', 'completed', 'failed', 'rolled-back', 'cancelled', 'monitoring-ended', 'regression-found'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** Someone a notice is meant for, from the service catalogue: the owner (`role: owner`) or a stakeholder. */
export const noticeRecipientSchema = objectOf({ name: label(256), role: label(100), contact: contactSchema });
export type NoticeRecipient = Static<typeof noticeRecipientSchema>;

/**
 * To the service desk and stakeholders (gantry.communications.v1, keyed by the deployment): one notice per deployment
 * and kind, in the order of the deployment's story. `impact`: the services that may notice (the deployed one and those
 * that depend on it, as the catalogue says) in the environment.
 */
export const DeploymentNoticeIssued = objectOf({
  noticeId: identifier,
  deploymentId: identifier,
  changeId: Type.Optional(identifier),
  service: label(),
  environment: label(),
  kind: enumOf(NOTICE_KINDS),
  window: Type.Optional(windowSchema),
  summary: text(),
  impact: objectOf({ services: arrayOf(label(), 101, 1), environment: label() }),
  recipients: arrayOf(noticeRecipientSchema, 101),
  issuedAt: timestamp,
});
export type DeploymentNoticeIssued = Static<typeof DeploymentNoticeIssued>;

/**
 * To the service desk's knowledge management: a known error to record after a deployment failed, rolled back or
 * regressed, with what was seen (`symptoms`, the cause) and what to do meanwhile (`workaround`).
 */
export const KnowledgeArticleProposed = objectOf({
  articleId: identifier,
  deploymentId: identifier,
  service: label(),
  environment: label(),
  title: text(300),
  symptoms: text(),
  workaround: text(),
  proposedAt: timestamp,
});
export type KnowledgeArticleProposed = Static<typeof KnowledgeArticleProposed>;

/** What a webhook subscription may narrow its events to: a deployment's facts as the deployment record knows them. */
export const subscriptionFilterSchema = objectOf({
  service: Type.Optional(label()),
  environment: Type.Optional(label()),
  changeId: Type.Optional(identifier),
  deploymentId: Type.Optional(identifier),
});
export type SubscriptionFilter = Static<typeof subscriptionFilterSchema>;

/**
 * A caller (its identity's subject: a person's `sub`, a system's API key name) subscribed a URL to events of the
 * ledger (WebhookSubscription). `events`: event names or named groups (`deployment-outcome`, `deployment-lifecycle`).
 * Only the URL's origin travels: a URL's path and query may hold the receiver's own token, and the signing secret is
 * never in an event.
 */
export const WebhookSubscriptionCreated = objectOf({
  subscriptionId: identifier,
  owner: label(256),
  origin: stringOf({ minLength: 1, maxLength: 300, pattern: '^https?://' }),
  events: arrayOf(label(100), 50, 1, { uniqueItems: true }),
  filter: Type.Optional(subscriptionFilterSchema),
  description: Type.Optional(text(500)),
  createdAt: timestamp,
});
export type WebhookSubscriptionCreated = Static<typeof WebhookSubscriptionCreated>;

/** Its owner (or an admin) deleted the subscription: nothing more is delivered to it. */
export const WebhookSubscriptionDeleted = objectOf({ subscriptionId: identifier, owner: label(256), deletedBy: label(256), deletedAt: timestamp });
export type WebhookSubscriptionDeleted = Static<typeof WebhookSubscriptionDeleted>;

/** The receiver answered 410 Gone: it asks for no more deliveries. */
export const WebhookSubscriptionDisabled = objectOf({ subscriptionId: identifier, owner: label(256), reason: text(500), disabledAt: timestamp });
export type WebhookSubscriptionDisabled = Static<typeof WebhookSubscriptionDisabled>;

export const recordsEventSchemas = {
  DeploymentRecordClosed,
  ChangeImplementationReported,
  ReleaseDeploymentReported,
  ChangeImplementationCorrected,
  ChangeImplementationHeld,
  ConfigurationItemsChanged,
  AcceptanceResultsReported,
  AuditFindingRecorded,
  SatisfactionResponseRecorded,
  ApiKeyIssued,
  ApiKeyRevoked,
  LedgerCheckpointSigned,
  DeploymentNoticeIssued,
  KnowledgeArticleProposed,
  WebhookSubscriptionCreated,
  WebhookSubscriptionDeleted,
  WebhookSubscriptionDisabled,
};
export type RecordsEventPayloads = PayloadsOf<typeof recordsEventSchemas>;

/** Records' reports are meant for the practices around deployment: they go on the feedback topics; its checkpoints on theirs. */
export const RECORDS_ROUTES: Partial<Record<keyof RecordsEventPayloads, FeedbackTopic | TransparencyTopic | CommunicationsTopic>> = {
  ChangeImplementationReported: FEEDBACK_TOPICS.changeEnablement,
  ChangeImplementationCorrected: FEEDBACK_TOPICS.changeEnablement,
  ChangeImplementationHeld: FEEDBACK_TOPICS.changeEnablement,
  ReleaseDeploymentReported: FEEDBACK_TOPICS.releaseManagement,
  ConfigurationItemsChanged: FEEDBACK_TOPICS.configurationManagement,
  AcceptanceResultsReported: FEEDBACK_TOPICS.serviceValidation,
  LedgerCheckpointSigned: TRANSPARENCY_TOPICS.ledgerCheckpoints,
  DeploymentNoticeIssued: COMMUNICATIONS_TOPICS.communications,
  KnowledgeArticleProposed: COMMUNICATIONS_TOPICS.communications,
};
