import { enumOf, identifier, objectOf, text, Type, type Static } from './json-schema';
import { ImprovementInitiativeRegistered, INITIATIVE_STATUSES, modelNameSchema, REVIEW_DECISIONS } from './model-review';

/** Bodies of model review's HTTP doors, each validated by its schema (SchemaBody), as its events hold the same fields. */

/** A model's name as a body or query gives it. */
export const modelNameField = { ...modelNameSchema, description: 'a model name' } as typeof modelNameSchema;

export const openReviewBody = objectOf({ model: modelNameField, reason: text() });
export type OpenReviewBody = Static<typeof openReviewBody>;

export const recordFindingBody = objectOf({ summary: text(500), detail: Type.Optional(text(5000)) });
export type RecordFindingBody = Static<typeof recordFindingBody>;

const { title, description, ownerRole, dueDate } = ImprovementInitiativeRegistered.properties;
export const registerInitiativeBody = objectOf({ title, description, ownerRole, dueDate });
export type RegisterInitiativeBody = Static<typeof registerInitiativeBody>;

export const changeInitiativeStatusBody = objectOf({ status: enumOf(INITIATIVE_STATUSES) });
export type ChangeInitiativeStatusBody = Static<typeof changeInitiativeStatusBody>;

export const requestChangeBody = objectOf({ summary: text() });
export type RequestChangeBody = Static<typeof requestChangeBody>;

export const closeReviewBody = objectOf({ decision: enumOf(REVIEW_DECISIONS), rationale: text() });
export type CloseReviewBody = Static<typeof closeReviewBody>;

/** A model version's content: an object here, checked against `DeploymentModelContent` by the command (its reasons name `content.…`). */
const content = Type.Unsafe<Record<string, unknown>>({ type: 'object', description: 'an object' });

export const modelContentBody = objectOf({ content });
export type ModelContentBody = Static<typeof modelContentBody>;

export const reviseModelBody = objectOf({
  content,
  /** the review that asked for the revision */
  reviewId: Type.Optional(identifier),
});
export type ReviseModelBody = Static<typeof reviseModelBody>;

export const publishModelBody = objectOf({
  /** the draft version to publish */
  version: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  /** successful production deployments the version makes as a pilot, supervised by the model's owners (absent: 3; 0: active for everyone at once) */
  pilotDeployments: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
});
export type PublishModelBody = Static<typeof publishModelBody>;

export const retireModelBody = objectOf({ reason: text() });
export type RetireModelBody = Static<typeof retireModelBody>;
