import { arrayOf, identifier, label, objectOf, text, timestamp, type JsonSchema } from './json-schema';
import { DEPLOYMENT_OUTCOMES, type DeploymentOutcome } from './records';
import { FEEDBACK_TOPICS, type FeedbackTopic } from './topics';
import {
  acceptanceCriteriaSchema,
  COMPONENT_KINDS,
  DEPLOYMENT_KINDS,
  deploymentKindSchema,
  modelRefSchema,
  type AcceptanceCriterion,
  type ComponentKind,
  type DeploymentKind,
  type ModelRef,
} from './vocabulary';

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

/** The purposes an environment can have (domain.md vocabulary); `production` is live. */
export const ENVIRONMENT_KINDS = ['development', 'integration', 'test', 'staging', 'production'] as const;
export type EnvironmentKind = (typeof ENVIRONMENT_KINDS)[number];

/** How much of a deployment runs without people: `mixed` has manual steps between automatic ones. */
export const AUTOMATION_LEVELS = ['automatic', 'mixed', 'manual'] as const;
export type AutomationLevel = (typeof AUTOMATION_LEVELS)[number];

/** `automatic`: a failed wave or analysis rolls back at once; `on-decision`: a person decides. */
export const ROLLBACK_POLICIES = ['automatic', 'on-decision'] as const;
export type RollbackPolicy = (typeof ROLLBACK_POLICIES)[number];

export const MODEL_STRATEGY_TYPES = ['big-bang', 'progressive', 'canary', 'blue-green'] as const;
export type ModelStrategyType = (typeof MODEL_STRATEGY_TYPES)[number];

/** Which deployments a model is meant for: a deployment matches when each list contains its value (`serviceTags`: when empty, or when the service has one of them). */
export interface ModelApplicability {
  /** kinds of deployment the model is for; `removal` alone makes a retirement model; at least one */
  deploymentKinds: DeploymentKind[];
  /** kinds of service component the model deploys; at least one */
  componentKinds: ComponentKind[];
  /** where the components come from; at least one */
  componentSources: ComponentSource[];
  /** kinds of environment the model deploys into; at least one */
  environmentKinds: EnvironmentKind[];
  /** tags of the services the model is for (e.g. `customer-facing`); empty: any service */
  serviceTags: string[];
}

/** Thresholds a canary wave is analysed against before the next step. */
export interface CanaryAnalysis {
  /** largest share of failed requests (0..1) that still passes */
  maxErrorRate: number;
  /** largest 95th-percentile latency, in milliseconds, that still passes */
  maxP95LatencyMs: number;
}

/** How the targets of an environment are moved to the new version. */
export type ModelStrategy =
  /** every target at once */
  | { type: 'big-bang' }
  /** waves of targets or sites; `waves[i]` is the share (0..1] of the targets in wave i, the shares add up to 1 */
  | { type: 'progressive'; waves: number[] }
  /**
   * a small fraction first, metrics decide: `steps` are the cumulative shares (0..1] of targets (or traffic) after
   * each step, strictly increasing and ending at 1; each step is analysed against `analysis`
   */
  | { type: 'canary'; steps: number[]; analysis: CanaryAnalysis }
  /** two identical environments; traffic switches once the idle side is verified */
  | { type: 'blue-green' };

/** A human approval required before deploying into an environment of one kind. */
export interface ModelGate {
  /** the environment kind the gate guards; must be on the environment flow */
  environmentKind: EnvironmentKind;
  /** roles whose members may approve; at least one */
  roles: string[];
  /** minimum number of distinct approvers (the requester never counts); at least 1 */
  minApprovers: number;
}

/** Template of a manual step (hardware and physical work), assigned to a role and completed with evidence. */
export interface ManualStepTemplate {
  /** what the person does */
  instruction: string;
  /** the role that performs the step */
  role: string;
  /** whether completing the step needs evidence (photo, signed form, serial numbers) */
  evidenceRequired: boolean;
}

/** The quality a component version must show before it is deployed (checked by verification). */
export interface QualityThresholds {
  /** minimum share (0..1) of passed tests in the version's quality evidence */
  minTestPassRatio: number;
  /** maximum number of known critical vulnerabilities */
  maxCriticalVulnerabilities: number;
  /** maximum number of known high vulnerabilities */
  maxHighVulnerabilities: number;
}

/** Which roles plan, execute and verify deployments made with the model. */
export interface ModelResponsibilities {
  plan: string[];
  execute: string[];
  verify: string[];
}

/** The content of one version of a deployment model. */
export interface DeploymentModelContent {
  /** the model's id, fixed for all its versions: `in-house-software-ci-cd` (identifier characters only) */
  name: string;
  /** what the model is for and when to choose it */
  description: string;
  /** which deployments the model is meant for */
  applicability: ModelApplicability;
  /** how the targets of one environment are moved */
  strategy: ModelStrategy;
  /** the ordered environment kinds a release passes through, e.g. test → staging → production; at least one */
  environmentFlow: EnvironmentKind[];
  /** human approvals per environment kind; an environment kind without a gate needs no approval */
  gates: ModelGate[];
  /** how much of the deployment is automated; `automatic` admits no manual steps */
  automationLevel: AutomationLevel;
  /** manual step templates, in order; required when the automation level is `manual` */
  manualSteps: ManualStepTemplate[];
  /** the quality a component version must show */
  qualityThresholds: QualityThresholds;
  /** whether the component set must include documentation */
  documentationRequired: boolean;
  /** whether a backup of the current state is taken before execution */
  backupRequired: boolean;
  /** what happens when a wave, an analysis or the deployment verification fails */
  rollbackPolicy: RollbackPolicy;
  /** acceptance criteria every deployment with this model gets, before those of the request */
  acceptanceCriteria: AcceptanceCriterion[];
  /** who plans, executes and verifies */
  responsibilities: ModelResponsibilities;
}

/** A version of a model was drafted (the first version, or a change to the pending draft before it is published). */
export interface DeploymentModelDrafted {
  /** the model's name (= `content.name`) */
  name: string;
  /** the draft's version number */
  version: number;
  content: DeploymentModelContent;
  draftedBy: string;
  draftedAt: string;
}

/**
 * A version was published: immutable from now on and the model's one active version. The version it `supersedes`
 * (the previously active one, if any) is no longer active.
 */
export interface DeploymentModelPublished {
  name: string;
  version: number;
  /** the full content of the published version */
  content: DeploymentModelContent;
  /** the version that was active until now; `null` for the first publication */
  supersedes: number | null;
  publishedBy: string;
  publishedAt: string;
}

/** A new draft (version n+1) was started from the active version n, usually after a review. */
export interface DeploymentModelRevised {
  name: string;
  /** the new draft's version number */
  version: number;
  /** the version it was revised from */
  basedOn: number;
  content: DeploymentModelContent;
  /** the review that asked for the revision, if any */
  reviewId: string | null;
  revisedBy: string;
  revisedAt: string;
}

/** The model was retired: it has no active version any more and cannot be published again. */
export interface DeploymentModelRetired {
  name: string;
  /** the version that was active until now; `null` when no version had been published */
  version: number | null;
  /** the content of that version (or of the unpublished draft) */
  content: DeploymentModelContent;
  reason: string;
  retiredBy: string;
  retiredAt: string;
}

/*
 * Reviews of a deployment model (domain.md, step 9). A model's reviews form one stream, so that a model never has
 * two open reviews; a review's id is `<model name>:<n>` (its n-th review).
 */

/** Why a review was opened. */
export const REVIEW_TRIGGERS = ['schedule', 'failure-threshold', 'production-rollback', 'manual'] as const;
export type ReviewTrigger = (typeof REVIEW_TRIGGERS)[number];

/** How a review ends: the model is kept as it is, revised (a new version follows), or retired. */
export const REVIEW_DECISIONS = ['keep', 'revise', 'retire'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** A failure cause and how many of the reviewed deployments it ended. */
export interface RankedCause {
  cause: string;
  count: number;
}

/** Figures computed from the records' `DeploymentRecordClosed` events of the model's deployments in the period. */
export interface ReviewFindings {
  /** the closed deployments looked at: `closedAt` in (from, to]; `from` null = since the first one */
  period: { from: string | null; to: string };
  deploymentsReviewed: number;
  succeeded: number;
  failed: number;
  rolledBack: number;
  /** `cancelled` and `rejected` deployments: reviewed, but not counted as failures */
  cancelledOrRejected: number;
  /** succeeded ÷ (reviewed − cancelled or rejected); null when there is nothing to divide */
  successRate: number | null;
  /** rolled back in an environment named `production` */
  productionRollbacks: number;
  /** causes of failed and rolled-back deployments, most frequent first (a missing cause counts as `unknown`) */
  failureCauses: RankedCause[];
  /** lead time (requested → closed) percentiles over the reviewed deployments, in ms; null without deployments */
  leadTimeP50Ms: number | null;
  leadTimeP90Ms: number | null;
  /** services and environments that used the model in the period: who must hear of a new version */
  services: string[];
  environments: string[];
  deploymentIds: string[];
}

/** A review of a model was opened. */
export interface ModelReviewOpened {
  reviewId: string;
  /** the model's name */
  name: string;
  /** the version active when the review opened */
  version: number;
  trigger: ReviewTrigger;
  /** why, in words: `3 of the last 10 deployments failed or were rolled back (threshold 30%)` */
  reason: string;
  openedBy: string;
  openedAt: string;
}

/** The review's findings, computed from the deployment records when it opened, and stored with it. */
export interface ReviewFindingsComputed {
  reviewId: string;
  name: string;
  findings: ReviewFindings;
}

/** A finding a reviewer recorded by hand (an observation the figures do not show). */
export interface ReviewFindingRecorded {
  reviewId: string;
  name: string;
  summary: string;
  detail: string | null;
  recordedBy: string;
  recordedAt: string;
}

export const INITIATIVE_STATUSES = ['open', 'in-progress', 'done', 'dropped'] as const;
export type InitiativeStatus = (typeof INITIATIVE_STATUSES)[number];

/** An improvement initiative registered against a review. */
export interface ImprovementInitiativeRegistered {
  reviewId: string;
  name: string;
  initiativeId: string;
  title: string;
  description: string;
  /** the role that owns the initiative */
  ownerRole: string;
  /** ISO date (yyyy-mm-dd) */
  dueDate: string;
  status: InitiativeStatus;
  registeredBy: string;
  registeredAt: string;
}

/** An improvement initiative moved on (started, done, dropped); allowed after its review closed too. */
export interface ImprovementInitiativeStatusChanged {
  reviewId: string;
  name: string;
  initiativeId: string;
  status: InitiativeStatus;
  changedBy: string;
  changedAt: string;
}

/**
 * A change to the model itself was requested from change enablement. Also published on
 * `gantry.feedback.change-enablement.v1`.
 */
export interface ModelChangeRequested {
  reviewId: string;
  name: string;
  /** the version the change starts from */
  version: number;
  summary: string;
  requestedBy: string;
  requestedAt: string;
}

/** The review ended with a decision. */
export interface ModelReviewClosed {
  reviewId: string;
  name: string;
  decision: ReviewDecision;
  rationale: string;
  closedBy: string;
  closedAt: string;
}

/** A version revised after a review was published; everyone who used the model in the reviewed period is told. */
export interface DeploymentModelUpdateCommunicated {
  reviewId: string;
  name: string;
  /** the newly published version */
  version: number;
  /** the version it supersedes */
  previousVersion: number | null;
  /** who must know: the services and environments that used the model in the reviewed period */
  audience: { services: string[]; environments: string[] };
  communicatedAt: string;
}

/** A closed deployment counted once towards its model's outcome statistics (the input of model reviews). */
export interface ModelOutcomeRecorded {
  deploymentId: string;
  /** `null`: the deployment was planned ad hoc */
  model: ModelRef | null;
  outcome: DeploymentOutcome;
  closedAt: string;
}

export interface ModelReviewEventPayloads {
  DeploymentModelDrafted: DeploymentModelDrafted;
  DeploymentModelPublished: DeploymentModelPublished;
  DeploymentModelRevised: DeploymentModelRevised;
  DeploymentModelRetired: DeploymentModelRetired;
  ModelReviewOpened: ModelReviewOpened;
  ReviewFindingsComputed: ReviewFindingsComputed;
  ReviewFindingRecorded: ReviewFindingRecorded;
  ImprovementInitiativeRegistered: ImprovementInitiativeRegistered;
  ImprovementInitiativeStatusChanged: ImprovementInitiativeStatusChanged;
  ModelChangeRequested: ModelChangeRequested;
  ModelReviewClosed: ModelReviewClosed;
  DeploymentModelUpdateCommunicated: DeploymentModelUpdateCommunicated;
  ModelOutcomeRecorded: ModelOutcomeRecorded;
}

export const LIMITS_OF_MODELS = {
  listItems: 50,
  waves: 100,
  steps: 20,
  gates: 20,
  manualSteps: 100,
  roles: 20,
} as const;

const role = label(64);
const roles = (min = 0) => ({ ...arrayOf(role, LIMITS_OF_MODELS.roles, min), uniqueItems: true });
const environmentKind = { type: 'string', enum: [...ENVIRONMENT_KINDS] } as const satisfies JsonSchema;
const share = { type: 'number', exclusiveMinimum: 0, maximum: 1 } as const satisfies JsonSchema;
const count = { type: 'integer', minimum: 0, maximum: 1_000_000 } as const satisfies JsonSchema;
const person = label(256);

/** The model's name: an identifier, as it appears in URLs and in every `ModelRef`. */
export const modelNameSchema = { ...identifier, maxLength: 100, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' } as const satisfies JsonSchema;

export const canaryAnalysisSchema = objectOf(
  { maxErrorRate: { type: 'number', minimum: 0, maximum: 1 }, maxP95LatencyMs: { type: 'integer', minimum: 1, maximum: 600_000 } },
  ['maxErrorRate', 'maxP95LatencyMs'],
);
export const manualStepsSchema = arrayOf(
  objectOf({ instruction: text(), role, evidenceRequired: { type: 'boolean' } }, ['instruction', 'role', 'evidenceRequired']),
  LIMITS_OF_MODELS.manualSteps,
);
export const qualityThresholdsSchema = objectOf(
  { minTestPassRatio: { type: 'number', minimum: 0, maximum: 1 }, maxCriticalVulnerabilities: count, maxHighVulnerabilities: count },
  ['minTestPassRatio', 'maxCriticalVulnerabilities', 'maxHighVulnerabilities'],
);
export const automationLevelSchema = { type: 'string', enum: [...AUTOMATION_LEVELS] } as const satisfies JsonSchema;

const strategyParameters: Record<ModelStrategyType, { properties: Record<string, JsonSchema>; required: string[] }> = {
  'big-bang': { properties: {}, required: [] },
  progressive: { properties: { waves: arrayOf(share, LIMITS_OF_MODELS.waves) }, required: ['waves'] },
  canary: {
    properties: {
      steps: arrayOf(share, LIMITS_OF_MODELS.steps),
      analysis: canaryAnalysisSchema,
    },
    required: ['steps', 'analysis'],
  },
  'blue-green': { properties: {}, required: [] },
};

/** Each strategy admits exactly its own parameters (the `then` branch closes the object), as acceptance criteria do. */
const modelStrategySchema: JsonSchema = {
  type: 'object',
  required: ['type'],
  properties: { type: { type: 'string', enum: [...MODEL_STRATEGY_TYPES] } },
  allOf: MODEL_STRATEGY_TYPES.map((type) => ({
    if: { type: 'object', required: ['type'], properties: { type: { const: type } } },
    then: {
      type: 'object',
      required: strategyParameters[type].required,
      properties: { type: true, ...strategyParameters[type].properties },
      additionalProperties: false,
    },
  })),
};

/**
 * The content of a model version. The schema checks shapes and ranges; rules across fields (a canary needs steps,
 * a gate needs approvers, the flow must not be empty …) are the decider's, refused with a precise reason.
 */
export const deploymentModelContentSchema: JsonSchema = objectOf(
  {
    name: modelNameSchema,
    description: text(),
    applicability: objectOf(
      {
        deploymentKinds: { ...arrayOf(deploymentKindSchema, DEPLOYMENT_KINDS.length, 1), uniqueItems: true },
        componentKinds: { ...arrayOf({ type: 'string', enum: [...COMPONENT_KINDS] }, COMPONENT_KINDS.length, 1), uniqueItems: true },
        componentSources: { ...arrayOf({ type: 'string', enum: [...COMPONENT_SOURCES] }, COMPONENT_SOURCES.length, 1), uniqueItems: true },
        environmentKinds: { ...arrayOf(environmentKind, ENVIRONMENT_KINDS.length, 1), uniqueItems: true },
        serviceTags: { ...arrayOf(label(100), LIMITS_OF_MODELS.listItems), uniqueItems: true },
      },
      ['deploymentKinds', 'componentKinds', 'componentSources', 'environmentKinds', 'serviceTags'],
    ),
    strategy: modelStrategySchema,
    environmentFlow: arrayOf(environmentKind, ENVIRONMENT_KINDS.length),
    gates: arrayOf(
      objectOf({ environmentKind, roles: roles(), minApprovers: { type: 'integer', minimum: 0, maximum: 20 } }, ['environmentKind', 'roles', 'minApprovers']),
      LIMITS_OF_MODELS.gates,
    ),
    automationLevel: automationLevelSchema,
    manualSteps: manualStepsSchema,
    qualityThresholds: qualityThresholdsSchema,
    documentationRequired: { type: 'boolean' },
    backupRequired: { type: 'boolean' },
    rollbackPolicy: { type: 'string', enum: [...ROLLBACK_POLICIES] },
    acceptanceCriteria: acceptanceCriteriaSchema,
    responsibilities: objectOf({ plan: roles(1), execute: roles(1), verify: roles(1) }, ['plan', 'execute', 'verify']),
  },
  [
    'name',
    'description',
    'applicability',
    'strategy',
    'environmentFlow',
    'gates',
    'automationLevel',
    'manualSteps',
    'qualityThresholds',
    'documentationRequired',
    'backupRequired',
    'rollbackPolicy',
    'acceptanceCriteria',
    'responsibilities',
  ],
);

const version = { type: 'integer', minimum: 1 } as const satisfies JsonSchema;

/** `<model name>:<n>` */
const reviewId = { type: 'string', minLength: 3, maxLength: 120, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*:[1-9][0-9]*$' } as const satisfies JsonSchema;
const namesList = { ...arrayOf(label(), 10_000), uniqueItems: true };
const nullableMs = { type: ['integer', 'null'], minimum: 0 } as const satisfies JsonSchema;

export const reviewFindingsSchema: JsonSchema = objectOf(
  {
    period: objectOf({ from: { type: ['string', 'null'], format: 'date-time', maxLength: 64 }, to: timestamp }, ['from', 'to']),
    deploymentsReviewed: count,
    succeeded: count,
    failed: count,
    rolledBack: count,
    cancelledOrRejected: count,
    successRate: { type: ['number', 'null'], minimum: 0, maximum: 1 },
    productionRollbacks: count,
    failureCauses: arrayOf(objectOf({ cause: text(), count: { type: 'integer', minimum: 1 } }, ['cause', 'count']), 10_000),
    leadTimeP50Ms: nullableMs,
    leadTimeP90Ms: nullableMs,
    services: namesList,
    environments: namesList,
    deploymentIds: { ...arrayOf(identifier, 100_000), uniqueItems: true },
  },
  [
    'period',
    'deploymentsReviewed',
    'succeeded',
    'failed',
    'rolledBack',
    'cancelledOrRejected',
    'successRate',
    'productionRollbacks',
    'failureCauses',
    'leadTimeP50Ms',
    'leadTimeP90Ms',
    'services',
    'environments',
    'deploymentIds',
  ],
);

export const modelReviewEventSchemas: Record<keyof ModelReviewEventPayloads, JsonSchema> = {
  DeploymentModelDrafted: objectOf(
    { name: modelNameSchema, version, content: deploymentModelContentSchema, draftedBy: person, draftedAt: timestamp },
    ['name', 'version', 'content', 'draftedBy', 'draftedAt'],
  ),
  DeploymentModelPublished: objectOf(
    {
      name: modelNameSchema,
      version,
      content: deploymentModelContentSchema,
      supersedes: { type: ['integer', 'null'], minimum: 1 },
      publishedBy: person,
      publishedAt: timestamp,
    },
    ['name', 'version', 'content', 'supersedes', 'publishedBy', 'publishedAt'],
  ),
  DeploymentModelRevised: objectOf(
    {
      name: modelNameSchema,
      version,
      basedOn: version,
      content: deploymentModelContentSchema,
      reviewId: { type: ['string', 'null'], minLength: 1, maxLength: 128, pattern: identifier.pattern },
      revisedBy: person,
      revisedAt: timestamp,
    },
    ['name', 'version', 'basedOn', 'content', 'reviewId', 'revisedBy', 'revisedAt'],
  ),
  DeploymentModelRetired: objectOf(
    {
      name: modelNameSchema,
      version: { type: ['integer', 'null'], minimum: 1 },
      content: deploymentModelContentSchema,
      reason: text(),
      retiredBy: person,
      retiredAt: timestamp,
    },
    ['name', 'version', 'content', 'reason', 'retiredBy', 'retiredAt'],
  ),
  ModelReviewOpened: objectOf(
    { reviewId, name: modelNameSchema, version, trigger: { type: 'string', enum: [...REVIEW_TRIGGERS] }, reason: text(), openedBy: person, openedAt: timestamp },
    ['reviewId', 'name', 'version', 'trigger', 'reason', 'openedBy', 'openedAt'],
  ),
  ReviewFindingsComputed: objectOf({ reviewId, name: modelNameSchema, findings: reviewFindingsSchema }, ['reviewId', 'name', 'findings']),
  ReviewFindingRecorded: objectOf(
    { reviewId, name: modelNameSchema, summary: text(500), detail: { type: ['string', 'null'], minLength: 1, maxLength: 5000 }, recordedBy: person, recordedAt: timestamp },
    ['reviewId', 'name', 'summary', 'detail', 'recordedBy', 'recordedAt'],
  ),
  ImprovementInitiativeRegistered: objectOf(
    {
      reviewId,
      name: modelNameSchema,
      initiativeId: identifier,
      title: label(),
      description: text(),
      ownerRole: role,
      dueDate: { type: 'string', format: 'date' },
      status: { type: 'string', enum: [...INITIATIVE_STATUSES] },
      registeredBy: person,
      registeredAt: timestamp,
    },
    ['reviewId', 'name', 'initiativeId', 'title', 'description', 'ownerRole', 'dueDate', 'status', 'registeredBy', 'registeredAt'],
  ),
  ImprovementInitiativeStatusChanged: objectOf(
    { reviewId, name: modelNameSchema, initiativeId: identifier, status: { type: 'string', enum: [...INITIATIVE_STATUSES] }, changedBy: person, changedAt: timestamp },
    ['reviewId', 'name', 'initiativeId', 'status', 'changedBy', 'changedAt'],
  ),
  ModelChangeRequested: objectOf(
    { reviewId, name: modelNameSchema, version, summary: text(), requestedBy: person, requestedAt: timestamp },
    ['reviewId', 'name', 'version', 'summary', 'requestedBy', 'requestedAt'],
  ),
  ModelReviewClosed: objectOf(
    { reviewId, name: modelNameSchema, decision: { type: 'string', enum: [...REVIEW_DECISIONS] }, rationale: text(), closedBy: person, closedAt: timestamp },
    ['reviewId', 'name', 'decision', 'rationale', 'closedBy', 'closedAt'],
  ),
  DeploymentModelUpdateCommunicated: objectOf(
    {
      reviewId,
      name: modelNameSchema,
      version,
      previousVersion: { type: ['integer', 'null'], minimum: 1 },
      audience: objectOf({ services: namesList, environments: namesList }, ['services', 'environments']),
      communicatedAt: timestamp,
    },
    ['reviewId', 'name', 'version', 'previousVersion', 'audience', 'communicatedAt'],
  ),
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

/**
 * Events model review publishes on a feedback topic instead of `gantry.model-review.v1`: a change request for a model
 * goes to change enablement, which authorises changes.
 */
export const MODEL_REVIEW_ROUTES: Partial<Record<keyof ModelReviewEventPayloads, FeedbackTopic>> = {
  ModelChangeRequested: FEEDBACK_TOPICS.changeEnablement,
};
