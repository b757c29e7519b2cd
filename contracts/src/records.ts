import { arrayOf, identifier, label, objectOf, text, timestamp, type JsonSchema } from './json-schema';
import { FEEDBACK_TOPICS, type FeedbackTopic } from './topics';
import { componentsSchema, modelRefSchema, windowSchema, type Component, type ModelRef, type Window } from './vocabulary';

export const DEPLOYMENT_OUTCOMES = ['succeeded', 'failed', 'rolled-back', 'cancelled', 'rejected'] as const;
export type DeploymentOutcome = (typeof DEPLOYMENT_OUTCOMES)[number];

/** The deployment record is closed with an outcome; lead time = requested → closed. */
export interface DeploymentRecordClosed {
  deploymentId: string;
  changeId: string;
  service: string;
  environment: string;
  model: ModelRef | null;
  outcome: DeploymentOutcome;
  /** why it did not succeed */
  cause?: string;
  requestedAt: string;
  closedAt: string;
  leadTimeMs: number;
}

/** How change enablement closes the change request: ITSM close codes. */
export const CLOSE_CODES = ['successful', 'successful-with-issues', 'unsuccessful'] as const;
export type CloseCode = (typeof CLOSE_CODES)[number];

/**
 * To change enablement (gantry.feedback.change-enablement.v1): how the change's implementation went, enough for an
 * ITSM suite to close the change request.
 */
export interface ChangeImplementationReported {
  deploymentId: string;
  changeId: string;
  outcome: DeploymentOutcome;
  closeCode: CloseCode;
  cause?: string;
  /** the window the deployment was planned for; absent when it was never planned */
  plannedWindow?: Window;
  /** when execution started and ended; absent when it never started */
  actualStart?: string;
  actualEnd?: string;
  /** the incidents linked to the deployment or its change by the close (then a success is successful-with-issues) */
  incidents?: string[];
  closedAt: string;
  /** the deployment's full history, for the change record: `GET <records>/audit/deployments/<id>` */
  auditHistory: string;
}

/** To release management (gantry.feedback.release-management.v1): a release's components reached an environment, or not. */
export interface ReleaseDeploymentReported {
  deploymentId: string;
  releaseId: string;
  environment: string;
  components: Component[];
  outcome: DeploymentOutcome;
  closedAt: string;
}

/**
 * To change enablement: a report sent earlier no longer holds, because an incident was linked to the deployment (or
 * its change) after its record closed. Carries the close code the change should have now (a success with linked
 * incidents is `successful-with-issues`) and every incident linked so far.
 */
export interface ChangeImplementationCorrected {
  deploymentId: string;
  changeId: string;
  outcome: DeploymentOutcome;
  closeCode: CloseCode;
  previousCloseCode: CloseCode;
  incidents: string[];
  correctedAt: string;
  auditHistory: string;
}

export const FINDING_SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];

/** Compliance staff recorded a finding against a deployment (AuditFinding). */
export interface AuditFindingRecorded {
  findingId: string;
  deploymentId: string;
  severity: FindingSeverity;
  description: string;
  recordedBy: string;
  recordedAt: string;
}

/** What a satisfaction response is about (domain.md, stakeholder satisfaction). */
export const SATISFACTION_TOPICS = ['rate-of-change', 'lead-time', 'quality', 'partner-alignment'] as const;
export type SatisfactionTopic = (typeof SATISFACTION_TOPICS)[number];

/** A stakeholder's answer (SatisfactionResponse): a score from 1 to 5 about one topic, for a deployment or a period. */
export interface SatisfactionResponseRecorded {
  responseId: string;
  score: number;
  topic: SatisfactionTopic;
  deploymentId?: string;
  period?: { from: string; to: string };
  comment?: string;
  respondent: string;
  respondedAt: string;
}

/**
 * An admin issued an API key for a system (an ITSM suite, a pipeline). Only the sha256 of the key travels and is
 * kept; the key itself is shown once, to the admin who issued it. Every service learns the key from this event.
 */
export interface ApiKeyIssued {
  keyId: string;
  /** the system's name: the subject of every event it causes */
  name: string;
  roles: string[];
  sha256: string;
  issuedBy: string;
  issuedAt: string;
}

/** An admin revoked an API key: from this event on, no service accepts it. */
export interface ApiKeyRevoked {
  keyId: string;
  name: string;
  reason: string;
  revokedBy: string;
  revokedAt: string;
}

export interface RecordsEventPayloads {
  DeploymentRecordClosed: DeploymentRecordClosed;
  ChangeImplementationReported: ChangeImplementationReported;
  ReleaseDeploymentReported: ReleaseDeploymentReported;
  ChangeImplementationCorrected: ChangeImplementationCorrected;
  AuditFindingRecorded: AuditFindingRecorded;
  SatisfactionResponseRecorded: SatisfactionResponseRecorded;
  ApiKeyIssued: ApiKeyIssued;
  ApiKeyRevoked: ApiKeyRevoked;
}

/** Records' reports are meant for the practices around deployment: they go on the feedback topics. */
export const RECORDS_ROUTES: Partial<Record<keyof RecordsEventPayloads, FeedbackTopic>> = {
  ChangeImplementationReported: FEEDBACK_TOPICS.changeEnablement,
  ChangeImplementationCorrected: FEEDBACK_TOPICS.changeEnablement,
  ReleaseDeploymentReported: FEEDBACK_TOPICS.releaseManagement,
};

/** A system's name, as GANTRY_API_KEYS names them too. */
const apiKeyName = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$' } as const satisfies JsonSchema;

export const recordsEventSchemas: Record<keyof RecordsEventPayloads, JsonSchema> = {
  DeploymentRecordClosed: objectOf(
    {
      deploymentId: identifier,
      changeId: identifier,
      service: label(),
      environment: label(),
      model: modelRefSchema,
      outcome: { type: 'string', enum: [...DEPLOYMENT_OUTCOMES] },
      cause: text(),
      requestedAt: timestamp,
      closedAt: timestamp,
      leadTimeMs: { type: 'integer', minimum: 0 },
    },
    ['deploymentId', 'changeId', 'service', 'environment', 'model', 'outcome', 'requestedAt', 'closedAt', 'leadTimeMs'],
  ),
  ChangeImplementationReported: objectOf(
    {
      deploymentId: identifier,
      changeId: identifier,
      outcome: { type: 'string', enum: [...DEPLOYMENT_OUTCOMES] },
      closeCode: { type: 'string', enum: [...CLOSE_CODES] },
      cause: text(),
      plannedWindow: windowSchema,
      actualStart: timestamp,
      actualEnd: timestamp,
      incidents: arrayOf(identifier, 1000, 1),
      closedAt: timestamp,
      auditHistory: { type: 'string', minLength: 1, maxLength: 300 },
    },
    ['deploymentId', 'changeId', 'outcome', 'closeCode', 'closedAt', 'auditHistory'],
  ),
  ReleaseDeploymentReported: objectOf(
    {
      deploymentId: identifier,
      releaseId: identifier,
      environment: label(),
      components: componentsSchema,
      outcome: { type: 'string', enum: [...DEPLOYMENT_OUTCOMES] },
      closedAt: timestamp,
    },
    ['deploymentId', 'releaseId', 'environment', 'components', 'outcome', 'closedAt'],
  ),
  ChangeImplementationCorrected: objectOf(
    {
      deploymentId: identifier,
      changeId: identifier,
      outcome: { type: 'string', enum: [...DEPLOYMENT_OUTCOMES] },
      closeCode: { type: 'string', enum: [...CLOSE_CODES] },
      previousCloseCode: { type: 'string', enum: [...CLOSE_CODES] },
      incidents: arrayOf(identifier, 1000, 1),
      correctedAt: timestamp,
      auditHistory: { type: 'string', minLength: 1, maxLength: 300 },
    },
    ['deploymentId', 'changeId', 'outcome', 'closeCode', 'previousCloseCode', 'incidents', 'correctedAt', 'auditHistory'],
  ),
  AuditFindingRecorded: objectOf(
    {
      findingId: identifier,
      deploymentId: identifier,
      severity: { type: 'string', enum: [...FINDING_SEVERITIES] },
      description: text(),
      recordedBy: label(256),
      recordedAt: timestamp,
    },
    ['findingId', 'deploymentId', 'severity', 'description', 'recordedBy', 'recordedAt'],
  ),
  SatisfactionResponseRecorded: objectOf(
    {
      responseId: identifier,
      score: { type: 'integer', minimum: 1, maximum: 5 },
      topic: { type: 'string', enum: [...SATISFACTION_TOPICS] },
      deploymentId: identifier,
      period: objectOf({ from: timestamp, to: timestamp }, ['from', 'to']),
      comment: text(),
      respondent: label(256),
      respondedAt: timestamp,
    },
    ['responseId', 'score', 'topic', 'respondent', 'respondedAt'],
  ),
  ApiKeyIssued: objectOf(
    {
      keyId: identifier,
      name: apiKeyName,
      roles: { ...arrayOf(label(64), 20), uniqueItems: true },
      sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      issuedBy: label(256),
      issuedAt: timestamp,
    },
    ['keyId', 'name', 'roles', 'sha256', 'issuedBy', 'issuedAt'],
  ),
  ApiKeyRevoked: objectOf(
    { keyId: identifier, name: apiKeyName, reason: text(), revokedBy: label(256), revokedAt: timestamp },
    ['keyId', 'name', 'reason', 'revokedBy', 'revokedAt'],
  ),
};
