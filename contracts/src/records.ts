import { identifier, label, objectOf, text, timestamp, type JsonSchema } from './json-schema';
import { modelRefSchema, type ModelRef } from './vocabulary';

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

export interface RecordsEventPayloads {
  DeploymentRecordClosed: DeploymentRecordClosed;
}

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
};
