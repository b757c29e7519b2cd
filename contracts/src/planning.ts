import {
  automationLevelSchema,
  canaryAnalysisSchema,
  ENVIRONMENT_KINDS,
  manualStepsSchema,
  MODEL_STRATEGY_TYPES,
  qualityThresholdsSchema,
  type AutomationLevel,
  type CanaryAnalysis,
  type EnvironmentKind,
  type ManualStepTemplate,
  type ModelStrategyType,
  type QualityThresholds,
} from './model-review';
import { requestDeploymentProperties, requestDeploymentRequired, type RequestDeployment } from './request-deployment';
import { arrayOf, identifier, label, objectOf, text, timestamp, type JsonSchema } from './json-schema';
import {
  acceptanceCriteriaSchema,
  componentsSchema,
  deploymentKindSchema,
  LIMITS,
  modelRefSchema,
  targetSchema,
  targetsSchema,
  windowSchema,
  type AcceptanceCriterion,
  type Component,
  type DeploymentKind,
  type ModelRef,
  type Window,
} from './vocabulary';

/** A change enablement system asked for a deployment of an authorised change. */
export interface DeploymentRequested extends RequestDeployment {
  deploymentId: string;
  /** subject of the requester's identity */
  requestedBy: string;
  requestedAt: string;
}

/** One wave of a strategy: the targets deployed together. */
export interface Wave {
  index: number;
  targets: string[];
}

/** the model's strategy type; `big-bang` when planned ad hoc */
export type Strategy = ModelStrategyType;
export type RollbackMode = 'automatic' | 'manual';

/** The plan: model, strategy and waves, backup and rollback, the acceptance criteria (model template + request). */
export interface DeploymentPlanned {
  deploymentId: string;
  changeId: string;
  service: string;
  kind: DeploymentKind;
  components: Component[];
  environment: string;
  window: Window;
  /** `null`: planned ad hoc, without a model */
  model: ModelRef | null;
  strategy: Strategy;
  waves: Wave[];
  acceptanceCriteria: AcceptanceCriterion[];
  backupRequired: boolean;
  rollback: RollbackMode;
  /** planned without an agreed model, because the request asked for it explicitly */
  adHoc?: boolean;
  /** the human approvals and automatic checks to pass: the model's gates plus the environment's approval policy */
  gates?: Gate[];
  /** a freeze the deployment may run in: an emergency change, overridden by a deployment manager with a reason */
  freezeOverride?: FreezeOverride;
  /** the environment facts the plan relied on, as they stood when it was made */
  environmentSnapshot?: EnvironmentSnapshot;
  plannedAt?: string;
  /** who asked for the deployment (the subject of the requester's identity): never an approver of it */
  requestedBy?: string;
  /** the model's thresholds for the component versions' quality evidence; absent when planned ad hoc */
  qualityThresholds?: QualityThresholds;
  /** whether the component set must include documentation (the model's rule; false ad hoc) */
  documentationRequired?: boolean;
  /** for a canary: what each canary step is analysed against */
  canaryAnalysis?: CanaryAnalysis;
  /** how much is automated, and the manual steps (hardware, physical work) the run must have completed */
  automationLevel?: AutomationLevel;
  manualSteps?: ManualStepTemplate[];
}

/** A gate: a human approval by one of `roles` (at least `minimumApprovers` of them), or an automatic check. */
export interface Gate {
  name: string;
  kind: 'approval' | 'check';
  roles: string[];
  minimumApprovers: number;
  /** where the gate comes from */
  source: 'model' | 'environment';
}

export interface FreezeOverride {
  freezeId: string;
  reason: string;
  by: string;
}

export interface EnvironmentSnapshot {
  name: string;
  kind: EnvironmentKind;
  /** the stream version of the environment the plan was made against */
  version: number;
  attributes: EnvironmentAttributes;
  targets: EnvironmentTarget[];
}

/** Why planning refused a request; `details` names what it refused on (the freeze, the conflicting deployment, …). */
export const REJECTION_REASONS = [
  'ChangeNotAuthorized',
  'UnknownEnvironment',
  'EnvironmentDecommissioned',
  'UnknownTarget',
  'NoApplicableModel',
  'AmbiguousModel',
  'ModelRetired',
  'OutsideDeploymentWindow',
  'FreezePeriod',
  'ConflictingDeployment',
  'PromotionRuleNotMet',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** Planning refused a request: recorded, with the reason the change manager can act on. */
export interface DeploymentRejected {
  deploymentId: string;
  changeId: string;
  service: string;
  environment: string;
  reason: RejectionReason;
  details: Record<string, unknown>;
  rejectedAt: string;
}

/** A deployment that had not started was cancelled (by a person, or because its change was cancelled). */
export interface DeploymentCancelled {
  deploymentId: string;
  changeId: string;
  environment: string;
  reason: string;
  cancelledBy: string;
  cancelledAt: string;
}

/** A planned deployment that had not started moved to another window (re-checked against windows, freezes, conflicts). */
export interface DeploymentRescheduled {
  deploymentId: string;
  environment: string;
  previousWindow: Window;
  window: Window;
  rescheduledBy: string;
  rescheduledAt: string;
}

/** A deployment gave its window on the environment's schedule back: it was cancelled, or its record closed (stream `Deployment-<id>`). */
export interface DeploymentWindowReleased {
  environment: string;
  deploymentId: string;
}

/** A deployment holds its window on the environment's forward schedule (stream `Deployment-<id>`, after its plan or its reschedule). */
export interface DeploymentWindowReserved {
  environment: string;
  deploymentId: string;
  service: string;
  targets: string[];
  window: Window;
}

// ---- environments ----

export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Facts about the environment that verification checks components against. */
export interface EnvironmentAttributes {
  operatingSystem?: string;
  /** e.g. `{ "node": "24.1.0", "java": "21" }` */
  runtimeVersions?: Record<string, string>;
  capacityUnits?: number;
  allowedPorts?: number[];
}

/** A host, site, cluster, tenant or location inside the environment; waves are drawn from the targets. */
export interface EnvironmentTarget {
  name: string;
  kind: 'host' | 'site' | 'cluster' | 'tenant' | 'location';
  labels?: Record<string, string>;
}

/**
 * A recurring weekly window in the environment's time zone: from `start` (local `HH:MM`) on each of `days` to `end`;
 * an `end` at or before `start` falls on the next day. Wall-clock times, so the window keeps its local hours across
 * daylight-saving changes (and its length in real time changes with them).
 */
export interface WeeklyWindow {
  days: Weekday[];
  start: string;
  end: string;
}

/** No deployments (to the listed services, or to any when `services` is absent): one-off (`start`/`end`) or weekly. */
export interface FreezePeriod {
  id: string;
  reason: string;
  services?: string[];
  start?: string;
  end?: string;
  weekly?: WeeklyWindow;
}

/** Approvals the environment adds to the model's gates. */
export interface ApprovalPolicy {
  roles: string[];
  minimumApprovers: number;
}

export interface EnvironmentDefinition {
  name: string;
  kind: EnvironmentKind;
  /** position in the flow of environments, 1 = first (development) */
  position: number;
  attributes: EnvironmentAttributes;
  targets: EnvironmentTarget[];
  /** IANA time zone of the deployment windows and weekly freezes, e.g. `Europe/Berlin` */
  timeZone: string;
  /** empty: deployments at any time */
  deploymentWindows: WeeklyWindow[];
  freezes: FreezePeriod[];
  approvalPolicy: ApprovalPolicy;
}

export interface EnvironmentRegistered extends EnvironmentDefinition {
  registeredAt: string;
}

export interface EnvironmentUpdated extends EnvironmentDefinition {
  updatedAt: string;
}

export interface EnvironmentDecommissioned {
  name: string;
  reason: string;
  decommissionedAt: string;
}

export interface PlanningEventPayloads {
  DeploymentRequested: DeploymentRequested;
  DeploymentPlanned: DeploymentPlanned;
  DeploymentRejected: DeploymentRejected;
  DeploymentWindowReserved: DeploymentWindowReserved;
  DeploymentCancelled: DeploymentCancelled;
  DeploymentRescheduled: DeploymentRescheduled;
  DeploymentWindowReleased: DeploymentWindowReleased;
  EnvironmentRegistered: EnvironmentRegistered;
  EnvironmentUpdated: EnvironmentUpdated;
  EnvironmentDecommissioned: EnvironmentDecommissioned;
}

export const waveSchema = objectOf(
  {
    index: { type: 'integer', minimum: 0, maximum: LIMITS.waves },
    targets: targetsSchema,
  },
  ['index', 'targets'],
);

const localTime = { type: 'string', pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' } as const satisfies JsonSchema;
const stringMap: JsonSchema = { type: 'object', maxProperties: 50, additionalProperties: label(200), propertyNames: { maxLength: 100 } };

export const weeklyWindowSchema = objectOf(
  { days: { type: 'array', minItems: 1, maxItems: 7, uniqueItems: true, items: { type: 'string', enum: [...WEEKDAYS] } }, start: localTime, end: localTime },
  ['days', 'start', 'end'],
);

const freezeSchema = objectOf(
  { id: label(100), reason: text(), services: arrayOf(label(), 200, 1), start: timestamp, end: timestamp, weekly: weeklyWindowSchema },
  ['id', 'reason'],
);

const attributesSchema = objectOf(
  {
    operatingSystem: label(),
    runtimeVersions: stringMap,
    capacityUnits: { type: 'integer', minimum: 0 },
    allowedPorts: arrayOf({ type: 'integer', minimum: 1, maximum: 65535 }, 1000),
  },
  [],
);

const environmentTargetSchema = objectOf(
  { name: targetSchema, kind: { type: 'string', enum: ['host', 'site', 'cluster', 'tenant', 'location'] }, labels: stringMap },
  ['name', 'kind'],
);

const environmentKindSchema = { type: 'string', enum: [...ENVIRONMENT_KINDS] } as const satisfies JsonSchema;

const environmentDefinitionProperties: Record<keyof EnvironmentDefinition, JsonSchema> = {
  name: label(100),
  kind: environmentKindSchema,
  position: { type: 'integer', minimum: 1, maximum: 100 },
  attributes: attributesSchema,
  targets: arrayOf(environmentTargetSchema, LIMITS.targetsPerWave, 1),
  timeZone: label(64),
  deploymentWindows: arrayOf(weeklyWindowSchema, 50),
  freezes: arrayOf(freezeSchema, 200),
  approvalPolicy: objectOf({ roles: arrayOf(label(64), 20), minimumApprovers: { type: 'integer', minimum: 0, maximum: 20 } }, ['roles', 'minimumApprovers']),
};
const environmentDefinitionRequired = Object.keys(environmentDefinitionProperties);

const gateSchema = objectOf(
  {
    name: label(),
    kind: { type: 'string', enum: ['approval', 'check'] },
    roles: arrayOf(label(64), 20),
    minimumApprovers: { type: 'integer', minimum: 0, maximum: 20 },
    source: { type: 'string', enum: ['model', 'environment'] },
  },
  ['name', 'kind', 'roles', 'minimumApprovers', 'source'],
);

export const planningEventSchemas: Record<keyof PlanningEventPayloads, JsonSchema> = {
  DeploymentRequested: objectOf(
    { deploymentId: identifier, ...requestDeploymentProperties, requestedBy: label(256), requestedAt: timestamp },
    ['deploymentId', ...requestDeploymentRequired, 'requestedBy', 'requestedAt'],
  ),
  DeploymentPlanned: objectOf(
    {
      deploymentId: identifier,
      changeId: identifier,
      service: label(),
      kind: deploymentKindSchema,
      components: componentsSchema,
      environment: label(),
      window: windowSchema,
      model: modelRefSchema,
      strategy: { type: 'string', enum: [...MODEL_STRATEGY_TYPES] },
      waves: arrayOf(waveSchema, LIMITS.waves, 1),
      acceptanceCriteria: acceptanceCriteriaSchema,
      backupRequired: { type: 'boolean' },
      rollback: { type: 'string', enum: ['automatic', 'manual'] },
      adHoc: { type: 'boolean' },
      gates: arrayOf(gateSchema, 50),
      freezeOverride: objectOf({ freezeId: label(100), reason: text(), by: label(256) }, ['freezeId', 'reason', 'by']),
      environmentSnapshot: objectOf(
        {
          name: label(100),
          kind: environmentKindSchema,
          version: { type: 'integer', minimum: 1 },
          attributes: attributesSchema,
          targets: arrayOf(environmentTargetSchema, LIMITS.targetsPerWave, 1),
        },
        ['name', 'kind', 'version', 'attributes', 'targets'],
      ),
      plannedAt: timestamp,
      requestedBy: label(256),
      qualityThresholds: qualityThresholdsSchema,
      documentationRequired: { type: 'boolean' },
      canaryAnalysis: canaryAnalysisSchema,
      automationLevel: automationLevelSchema,
      manualSteps: manualStepsSchema,
    },
    [
      'deploymentId',
      'changeId',
      'service',
      'kind',
      'components',
      'environment',
      'window',
      'model',
      'strategy',
      'waves',
      'acceptanceCriteria',
      'backupRequired',
      'rollback',
    ],
  ),
  DeploymentRejected: objectOf(
    {
      deploymentId: identifier,
      changeId: identifier,
      service: label(),
      environment: label(),
      reason: { type: 'string', enum: [...REJECTION_REASONS] },
      details: { type: 'object', maxProperties: 20 },
      rejectedAt: timestamp,
    },
    ['deploymentId', 'changeId', 'service', 'environment', 'reason', 'details', 'rejectedAt'],
  ),
  DeploymentWindowReserved: objectOf(
    { environment: label(100), deploymentId: identifier, service: label(), targets: targetsSchema, window: windowSchema },
    ['environment', 'deploymentId', 'service', 'targets', 'window'],
  ),
  DeploymentCancelled: objectOf(
    { deploymentId: identifier, changeId: identifier, environment: label(100), reason: text(), cancelledBy: label(256), cancelledAt: timestamp },
    ['deploymentId', 'changeId', 'environment', 'reason', 'cancelledBy', 'cancelledAt'],
  ),
  DeploymentRescheduled: objectOf(
    { deploymentId: identifier, environment: label(100), previousWindow: windowSchema, window: windowSchema, rescheduledBy: label(256), rescheduledAt: timestamp },
    ['deploymentId', 'environment', 'previousWindow', 'window', 'rescheduledBy', 'rescheduledAt'],
  ),
  DeploymentWindowReleased: objectOf({ environment: label(100), deploymentId: identifier }, ['environment', 'deploymentId']),
  EnvironmentRegistered: objectOf({ ...environmentDefinitionProperties, registeredAt: timestamp }, [...environmentDefinitionRequired, 'registeredAt']),
  EnvironmentUpdated: objectOf({ ...environmentDefinitionProperties, updatedAt: timestamp }, [...environmentDefinitionRequired, 'updatedAt']),
  EnvironmentDecommissioned: objectOf({ name: label(100), reason: text(), decommissionedAt: timestamp }, ['name', 'reason', 'decommissionedAt']),
};
