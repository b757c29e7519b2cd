import { identifier, objectOf, timestamp, type JsonSchema } from './json-schema';
import { DEPLOYMENT_OUTCOMES, type DeploymentOutcome } from './records';
import { modelRefSchema, type ModelRef } from './vocabulary';

/** A closed deployment counted once towards its model's outcome statistics (the input of model reviews). */
export interface ModelOutcomeRecorded {
  deploymentId: string;
  /** `null`: the deployment was planned ad hoc */
  model: ModelRef | null;
  outcome: DeploymentOutcome;
  closedAt: string;
}

export interface ModelReviewEventPayloads {
  ModelOutcomeRecorded: ModelOutcomeRecorded;
}

export const modelReviewEventSchemas: Record<keyof ModelReviewEventPayloads, JsonSchema> = {
  ModelOutcomeRecorded: objectOf(
    {
      deploymentId: identifier,
      model: modelRefSchema,
      outcome: { type: 'string', enum: [...DEPLOYMENT_OUTCOMES] },
      closedAt: timestamp,
    },
    ['deploymentId', 'model', 'outcome', 'closedAt'],
  ),
};
