import { arrayOf, enumOf, identifier, label, objectOf, orNull, taggedUnion, text, timestamp, Type, type PayloadsOf, type Static } from './json-schema';
import { FEEDBACK_TOPICS, type FeedbackTopic } from './topics';
import { acceptanceCriteriaSchema, COMPONENT_KINDS, DEPLOYMENT_KINDS, DEPLOYMENT_OUTCOMES, deploymentKindSchema, ENVIRONMENT_KINDS, gatePositionSchema, modelNameSchema, modelRefSchema, monitoringPeriodSchema, checklistItemSchema } from './vocabulary';

/*
 * Deployment models (domain.md, steps 2 and 9): an agreed, versioned way to deploy a class of components.
 * A model is named once (its `name` is its id, the `name` of every `ModelRef`); its versions are numbered from 1.
 * A version is drafted, published (immutable from then on, the model's one active version), superseded by the
 * next published version, and finally the model is retired. Every lifecycle event carries the full content of
 * the version it is about, so a consumer (planning) keeps its read model of active models from the topic alone:
 * on `DeploymentModelPublished` the published version replaces any earlier one as the model's active version;
 * on `DeploymentModelRetired` the model has no active version any more.
 */

/** Where a component comes from: built in-house, bought from a vendor, or delivered to external consumers. */
export const COMPONENT_SOURCES = ['in-house', 'vendor', 'external-consumers'] as const;
export type ComponentSource = (typeof COMPONENT_SOURCES)[number];

/** How much of a deployment runs without people: `mixed` has manual steps between automatic ones. */
export const AUTOMATION_LEVELS = ['automatic', 'mixed', 'manual'] as const;
export type AutomationLevel = (typeof AUTOMATION_LEVELS)[number];

/** `automatic`: a failed wave or analysis rolls back at once; `on-decision`: a person decides. */
export const ROLLBACK_POLICIES = ['automatic', 'on-decision'] as const;
export type RollbackPolicy = (typeof ROLLBACK_POLICIES)[number];

export const MODEL_STRATEGY_TYPES = ['big-bang', 'progressive', 'canary', 'blue-green'] as const;
export type ModelStrategyType = (typeof MODEL_STRATEGY_TYPES)[number];

export const LIMITS_OF_MODELS = {
  listItems: 50,
  waves: 100,
  steps: 20,
  gates: 20,
  manualSteps: 100,
  roles: 20,
} as const;

const role = label(64);
const roles = (min = 0) => arrayOf(role, LIMITS_OF_MODELS.roles, min, { uniqueItems: true });
const environmentKind = enumOf(ENVIRONMENT_KINDS);
const share = Type.Number({ exclusiveMinimum: 0, maximum: 1 });
const count = Type.Integer({ minimum: 0, maximum: 1_000_000 });
const person = label(256);
const version = Type.Integer({ minimum: 1 });
const laterVersion = orNull(version);
const unique = { uniqueItems: true };
const pilotDeployments = Type.Integer({ minimum: 0, maximum: 100 });

export { modelNameSchema };

/** Which deployments a model is meant for: a deployment matches when each list contains its value (`serviceTags`: when empty, or when the service has one of them). */
export const modelApplicabilitySchema = objectOf({
  /** kinds of deployment the model is for; `removal` alone makes a retirement model; at least one */
  deploymentKinds: arrayOf(deploymentKindSchema, DEPLOYMENT_KINDS.length, 1, unique),
  /** kinds of service component the model deploys; at least one */
  componentKinds: arrayOf(enumOf(COMPONENT_KINDS), COMPONENT_KINDS.length, 1, unique),
  /** where the components come from; at least one */
  componentSources: arrayOf(enumOf(COMPONENT_SOURCES), COMPONENT_SOURCES.length, 1, unique),
  /** kinds of environment the model deploys into; at least one */
  environmentKinds: arrayOf(environmentKind, ENVIRONMENT_KINDS.length, 1, unique),
  /** tags of the services the model is for (e.g. `customer-facing`); empty: any service */
  serviceTags: arrayOf(label(100), LIMITS_OF_MODELS.listItems, 0, unique),
});
export type ModelApplicability = Static<typeof modelApplicabilitySchema>;

/** Thresholds a canary wave is analysed against before the next step. */
export const canaryAnalysisSchema = objectOf({
  /** largest share of failed requests (0..1) that still passes */
  maxErrorRate: Type.Number({ minimum: 0, maximum: 1 }),
  /** largest 95th-percentile latency, in milliseconds, that still passes */
  maxP95LatencyMs: Type.Integer({ minimum: 1, maximum: 600_000 }),
});
export type CanaryAnalysis = Static<typeof canaryAnalysisSchema>;

/** How the targets of an environment are moved to the new version; each strategy admits exactly its own parameters. */
export const modelStrategySchema = taggedUnion(
  MODEL_STRATEGY_TYPES,
  {},
  {
    /** every target at once */
    'big-bang': {},
    /** waves of targets or sites; `waves[i]` is the share (0..1] of the targets in wave i, the shares add up to 1 */
    progressive: { waves: arrayOf(share, LIMITS_OF_MODELS.waves) },
    /**
     * a small fraction first, metrics decide: `steps` are the cumulative shares (0..1] of targets (or traffic) after
     * each step, strictly increasing and ending at 1; each step is analysed against `analysis`
     */
    canary: { steps: arrayOf(share, LIMITS_OF_MODELS.steps), analysis: canaryAnalysisSchema },
    /** two identical environments; traffic switches once the idle side is verified */
    'blue-green': {},
  },
);
export type ModelStrategy = Static<typeof modelStrategySchema>;

/** A human approval required before deploying into an environment of one kind. */
export const modelGateSchema = objectOf({
  /** the environment kind the gate guards; must be on the environment flow */
  environmentKind,
  /** roles whose members may approve; at least one */
  roles: roles(),
  /** minimum number of distinct approvers (the requester never counts); at least 1 */
  minApprovers: Type.Integer({ minimum: 0, maximum: 20 }),
  /** where the gate stands: before the run starts (the default) or between progressive waves */
  at: Type.Optional(gatePositionSchema),
});
export type ModelGate = Static<typeof modelGateSchema>;

/** Template of a manual step (hardware and physical work), assigned to a role and completed with evidence. */
export const manualStepTemplateSchema = objectOf({
  /** what the person does */
  instruction: text(),
  /** the role that performs the step */
  role,
  /** whether completing the step needs evidence (photo, signed form, serial numbers) */
  evidenceRequired: Type.Boolean(),
});
export type ManualStepTemplate = Static<typeof manualStepTemplateSchema>;
export const manualStepsSchema = arrayOf(manualStepTemplateSchema, LIMITS_OF_MODELS.manualSteps);

/** The quality a component version must show before it is deployed (checked by verification). */
export const qualityThresholdsSchema = objectOf({
  /** minimum share (0..1) of passed tests in the version's quality evidence */
  minTestPassRatio: Type.Number({ minimum: 0, maximum: 1 }),
  /** maximum number of known critical vulnerabilities */
  maxCriticalVulnerabilities: count,
  /** maximum number of known high vulnerabilities */
  maxHighVulnerabilities: count,
});
export type QualityThresholds = Static<typeof qualityThresholdsSchema>;

export const automationLevelSchema = enumOf(AUTOMATION_LEVELS);

/** Which roles plan, execute and verify deployments made with the model. */
export const modelResponsibilitiesSchema = objectOf({ plan: roles(1), execute: roles(1), verify: roles(1) });
export type ModelResponsibilities = Static<typeof modelResponsibilitiesSchema>;

/**
 * The content of one version of a deployment model. The schema checks shapes and ranges; rules across fields (a
 * canary needs steps, a gate needs approvers, the flow must not be empty …) are the decider's, refused with a precise
 * reason.
 */
export const deploymentModelContentSchema = objectOf({
  /** the model's id, fixed for all its versions: `in-house-software-ci-cd` (identifier characters only) */
  name: modelNameSchema,
  /** what the model is for and when to choose it */
  description: text(),
  /** which deployments the model is meant for */
  applicability: modelApplicabilitySchema,
  /** how the targets of one environment are moved */
  strategy: modelStrategySchema,
  /** the ordered environment kinds a release passes through, e.g. test → staging → production; at least one */
  environmentFlow: arrayOf(environmentKind, ENVIRONMENT_KINDS.length),
  /** human approvals per environment kind; an environment kind without a gate needs no approval */
  gates: arrayOf(modelGateSchema, LIMITS_OF_MODELS.gates),
  /** how much of the deployment is automated; `automatic` admits no manual steps */
  automationLevel: automationLevelSchema,
  /** manual step templates, in order; required when the automation level is `manual` */
  manualSteps: manualStepsSchema,
  /** the quality a component version must show */
  qualityThresholds: qualityThresholdsSchema,
  /** whether the component set must include documentation */
  documentationRequired: Type.Boolean(),
  /** whether a backup of the current state is taken before execution */
  backupRequired: Type.Boolean(),
  /** what happens when a wave, an analysis or the deployment verification fails */
  rollbackPolicy: enumOf(ROLLBACK_POLICIES),
  /** acceptance criteria every deployment with this model gets, before those of the request */
  acceptanceCriteria: acceptanceCriteriaSchema,
  /** who plans, executes and verifies */
  responsibilities: modelResponsibilitiesSchema,
  /** early life support: the monitoring period after each deployment is verified, and what it watches */
  monitoring: Type.Optional(monitoringPeriodSchema),
  /** physical deployments: items every site answers beside the default checklist (e.g. `seismic-bracing`, `raised-floor-load`) */
  siteChecklist: Type.Optional(arrayOf(checklistItemSchema, 20, 1, { uniqueItems: true })),
});
export type DeploymentModelContent = Static<typeof deploymentModelContentSchema>;

/** A version of a model was drafted (the first version, or a change to the pending draft before it is published). */
export const DeploymentModelDrafted = objectOf({
  /** the model's name (= `content.name`) */
  name: modelNameSchema,
  /** the draft's version number */
  version,
  content: deploymentModelContentSchema,
  draftedBy: person,
  draftedAt: timestamp,
});
export type DeploymentModelDrafted = Static<typeof DeploymentModelDrafted>;

/**
 * A version was published: immutable from now on and the model's one active version. The version it `supersedes`
 * (the previously active one, if any) is no longer active.
 */
export const DeploymentModelPublished = objectOf({
  name: modelNameSchema,
  version,
  /** the full content of the published version */
  content: deploymentModelContentSchema,
  /** the version that was active until now; `null` for the first publication */
  supersedes: laterVersion,
  publishedBy: person,
  publishedAt: timestamp,
  /**
   * a pilot: how many successful production deployments the version must make under the supervision of the model's
   * owners before it is active for everyone; absent or 0: active for everyone at once
   */
  pilotDeployments: Type.Optional(pilotDeployments),
});
export type DeploymentModelPublished = Static<typeof DeploymentModelPublished>;

/** A new draft (version n+1) was started from the active version n, usually after a review. */
export const DeploymentModelRevised = objectOf({
  name: modelNameSchema,
  /** the new draft's version number */
  version,
  /** the version it was revised from */
  basedOn: version,
  content: deploymentModelContentSchema,
  /** the review that asked for the revision, if any */
  reviewId: orNull(identifier),
  revisedBy: person,
  revisedAt: timestamp,
});
export type DeploymentModelRevised = Static<typeof DeploymentModelRevised>;

/** The model was retired: it has no active version any more and cannot be published again. */
export const DeploymentModelRetired = objectOf({
  name: modelNameSchema,
  /** the version that was active until now; `null` when no version had been published */
  version: laterVersion,
  /** the content of that version (or of the unpublished draft) */
  content: deploymentModelContentSchema,
  reason: text(),
  retiredBy: person,
  retiredAt: timestamp,
});
export type DeploymentModelRetired = Static<typeof DeploymentModelRetired>;

/*
 * Reviews of a deployment model (domain.md, step 9). A model's reviews form one stream, so that a model never has
 * two open reviews; a review's id is `<model name>:<n>` (its n-th review).
 */

/** Why a review was opened. `production-regression`: a regression detected in a production deployment's monitoring period. */
export const REVIEW_TRIGGERS = ['schedule', 'failure-threshold', 'production-rollback', 'production-regression', 'manual'] as const;
export type ReviewTrigger = (typeof REVIEW_TRIGGERS)[number];

/** How a review ends: the model is kept as it is, revised (a new version follows), or retired. */
export const REVIEW_DECISIONS = ['keep', 'revise', 'retire'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

export const INITIATIVE_STATUSES = ['open', 'in-progress', 'done', 'dropped'] as const;
export type InitiativeStatus = (typeof INITIATIVE_STATUSES)[number];

/** `<model name>:<n>` */
const reviewId = Type.String({ minLength: 3, maxLength: 120, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*:[1-9][0-9]*$' });
const namesList = arrayOf(label(), 10_000, 0, unique);
const nullableMs = orNull(Type.Integer({ minimum: 0 }));

/** A failure cause and how many of the reviewed deployments it ended. */
export const rankedCauseSchema = objectOf({ cause: text(), count: Type.Integer({ minimum: 1 }) });
export type RankedCause = Static<typeof rankedCauseSchema>;

/** Figures computed from the records' `DeploymentRecordClosed` events of the model's deployments in the period. */
export const reviewFindingsSchema = objectOf({
  /** the closed deployments looked at: `closedAt` in (from, to]; `from` null = since the first one */
  period: objectOf({ from: orNull(timestamp), to: timestamp }),
  deploymentsReviewed: count,
  succeeded: count,
  failed: count,
  rolledBack: count,
  /** `cancelled` and `rejected` deployments: reviewed, but not counted as failures */
  cancelledOrRejected: count,
  /** succeeded ÷ (reviewed − cancelled or rejected); null when there is nothing to divide */
  successRate: orNull(Type.Number({ minimum: 0, maximum: 1 })),
  /** rolled back in an environment named `production` */
  productionRollbacks: count,
  /** causes of failed and rolled-back deployments, most frequent first (a missing cause counts as `unknown`) */
  failureCauses: arrayOf(rankedCauseSchema, 10_000),
  /** lead time (requested → closed) percentiles over the reviewed deployments, in ms; null without deployments */
  leadTimeP50Ms: nullableMs,
  leadTimeP90Ms: nullableMs,
  /** services and environments that used the model in the period: who must hear of a new version */
  services: namesList,
  environments: namesList,
  deploymentIds: arrayOf(identifier, 100_000, 0, unique),
});
export type ReviewFindings = Static<typeof reviewFindingsSchema>;

/** A review of a model was opened. */
export const ModelReviewOpened = objectOf({
  reviewId,
  /** the model's name */
  name: modelNameSchema,
  /** the version active when the review opened */
  version,
  trigger: enumOf(REVIEW_TRIGGERS),
  /** why, in words: `3 of the last 10 deployments failed or were rolled back (threshold 30%)` */
  reason: text(),
  openedBy: person,
  openedAt: timestamp,
});
export type ModelReviewOpened = Static<typeof ModelReviewOpened>;

/** The review's findings, computed from the deployment records when it opened, and stored with it. */
export const ReviewFindingsComputed = objectOf({ reviewId, name: modelNameSchema, findings: reviewFindingsSchema });
export type ReviewFindingsComputed = Static<typeof ReviewFindingsComputed>;

/** A finding a reviewer recorded by hand (an observation the figures do not show). */
export const ReviewFindingRecorded = objectOf({
  reviewId,
  name: modelNameSchema,
  summary: text(500),
  detail: orNull(text(5000)),
  recordedBy: person,
  recordedAt: timestamp,
});
export type ReviewFindingRecorded = Static<typeof ReviewFindingRecorded>;

/** An improvement initiative registered against a review. */
export const ImprovementInitiativeRegistered = objectOf({
  reviewId,
  name: modelNameSchema,
  initiativeId: identifier,
  title: label(),
  description: text(),
  /** the role that owns the initiative */
  ownerRole: role,
  /** ISO date (yyyy-mm-dd) */
  dueDate: Type.String({ format: 'date', description: 'a date, yyyy-mm-dd' }),
  status: enumOf(INITIATIVE_STATUSES),
  registeredBy: person,
  registeredAt: timestamp,
});
export type ImprovementInitiativeRegistered = Static<typeof ImprovementInitiativeRegistered>;

/** An improvement initiative moved on (started, done, dropped); allowed after its review closed too. */
export const ImprovementInitiativeStatusChanged = objectOf({
  reviewId,
  name: modelNameSchema,
  initiativeId: identifier,
  status: enumOf(INITIATIVE_STATUSES),
  changedBy: person,
  changedAt: timestamp,
});
export type ImprovementInitiativeStatusChanged = Static<typeof ImprovementInitiativeStatusChanged>;

/**
 * A change to the model itself was requested from change enablement. Also published on
 * `gantry.feedback.change-enablement.v1`.
 */
export const ModelChangeRequested = objectOf({
  reviewId,
  name: modelNameSchema,
  /** the version the change starts from */
  version,
  summary: text(),
  requestedBy: person,
  requestedAt: timestamp,
});
export type ModelChangeRequested = Static<typeof ModelChangeRequested>;

/** The review ended with a decision. */
export const ModelReviewClosed = objectOf({
  reviewId,
  name: modelNameSchema,
  decision: enumOf(REVIEW_DECISIONS),
  rationale: text(),
  closedBy: person,
  closedAt: timestamp,
});
export type ModelReviewClosed = Static<typeof ModelReviewClosed>;

/** A version revised after a review was published; everyone who used the model in the reviewed period is told. */
export const DeploymentModelUpdateCommunicated = objectOf({
  reviewId,
  name: modelNameSchema,
  /** the newly published version */
  version,
  /** the version it supersedes */
  previousVersion: laterVersion,
  /** who must know: the services and environments that used the model in the reviewed period */
  audience: objectOf({ services: namesList, environments: namesList }),
  communicatedAt: timestamp,
});
export type DeploymentModelUpdateCommunicated = Static<typeof DeploymentModelUpdateCommunicated>;

/** A closed deployment counted once towards its model's outcome statistics (the input of model reviews). */
export const ModelOutcomeRecorded = objectOf({
  deploymentId: identifier,
  /** `null`: the deployment was planned ad hoc */
  model: modelRefSchema,
  outcome: enumOf(DEPLOYMENT_OUTCOMES),
  closedAt: timestamp,
});
export type ModelOutcomeRecorded = Static<typeof ModelOutcomeRecorded>;

/*
 * Pilots (ITIL 4 Deployment management, "piloting a deployment model"): a version published with
 * `pilotDeployments: N` applies, but each production deployment planned with it while the pilot lasts carries an
 * approval gate for the model's owners. N successful ones complete the pilot; a failed or rolled-back one ends it.
 */

/** A production deployment of a piloted version succeeded: one more of the N the pilot needs. */
export const ModelPilotDeploymentSucceeded = objectOf({
  name: modelNameSchema,
  version,
  deploymentId: identifier,
  /** successful pilot deployments so far, this one included */
  succeeded: Type.Integer({ minimum: 1, maximum: 100 }),
  /** the N of the pilot */
  of: pilotDeployments,
  closedAt: timestamp,
});
export type ModelPilotDeploymentSucceeded = Static<typeof ModelPilotDeploymentSucceeded>;

/** The pilot made its N successful production deployments: the version is active for everyone, without supervision. */
export const DeploymentModelPilotCompleted = objectOf({
  name: modelNameSchema,
  version,
  /** the successful pilot deployments */
  deploymentIds: arrayOf(identifier, 100, 1),
  completedAt: timestamp,
});
export type DeploymentModelPilotCompleted = Static<typeof DeploymentModelPilotCompleted>;

/**
 * A pilot deployment failed or was rolled back: the piloted version is no longer applied. Its content returns as the
 * draft `draftVersion` (published versions stay immutable), and the version it superseded, if any, is active again.
 */
export const ModelPilotFailed = objectOf({
  name: modelNameSchema,
  version,
  deploymentId: identifier,
  outcome: enumOf(['failed', 'rolled-back']),
  /** the finding: why the deployment did not succeed, as records closed it */
  reason: text(),
  /** the new draft holding the piloted content */
  draftVersion: version,
  /** the version active again, with its content, so a consumer restores it from the topic alone; `null`: none */
  reinstated: orNull(objectOf({ version, content: deploymentModelContentSchema })),
  failedAt: timestamp,
});
export type ModelPilotFailed = Static<typeof ModelPilotFailed>;

export const modelReviewEventSchemas = {
  DeploymentModelDrafted,
  DeploymentModelPublished,
  DeploymentModelRevised,
  DeploymentModelRetired,
  ModelReviewOpened,
  ReviewFindingsComputed,
  ReviewFindingRecorded,
  ImprovementInitiativeRegistered,
  ImprovementInitiativeStatusChanged,
  ModelChangeRequested,
  ModelReviewClosed,
  DeploymentModelUpdateCommunicated,
  ModelOutcomeRecorded,
  ModelPilotDeploymentSucceeded,
  DeploymentModelPilotCompleted,
  ModelPilotFailed,
};
export type ModelReviewEventPayloads = PayloadsOf<typeof modelReviewEventSchemas>;

/**
 * Events model review publishes on a feedback topic instead of `gantry.model-review.v1`: a change request for a model
 * goes to change enablement, which authorises changes.
 */
export const MODEL_REVIEW_ROUTES: Partial<Record<keyof ModelReviewEventPayloads, FeedbackTopic>> = {
  ModelChangeRequested: FEEDBACK_TOPICS.changeEnablement,
};
