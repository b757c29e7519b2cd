import { identifier, label, objectOf, text, timestamp, type JsonSchema } from './json-schema';
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

export interface RecordsEventPayloads {
  DeploymentRecordClosed: DeploymentRecordClosed;
  ChangeImplementationReported: ChangeImplementationReported;
  ReleaseDeploymentReported: ReleaseDeploymentReported;
}

/** Records' reports are meant for the practices around deployment: they go on the feedback topics. */
export const RECORDS_ROUTES: Partial<Record<keyof RecordsEventPayloads, FeedbackTopic>> = {
  ChangeImplementationReported: FEEDBACK_TOPICS.changeEnablement,
  ReleaseDeploymentReported: FEEDBACK_TOPICS.releaseManagement,
};

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
};
