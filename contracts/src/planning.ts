import { arrayOf, enumOf, identifier, label, mapOf, objectOf, text, timestamp, Type, type PayloadsOf, type Static } from './json-schema';
import {
  automationLevelSchema,
  canaryAnalysisSchema,
  manualStepsSchema,
  MODEL_STRATEGY_TYPES,
  qualityThresholdsSchema,
  type ModelStrategyType,
} from './model-review';
import { SIGNING_ALGORITHMS, signingKeyIdSchema } from './itam';
import { WEEKDAYS } from './weekdays';
import { requestDeploymentProperties } from './request-deployment';
import {
  acceptanceCriteriaSchema,
  componentsSchema,
  componentVersionSchema,
  deploymentKindSchema,
  ENVIRONMENT_KINDS,
  gatePositionSchema,
  contactSchema,
  environmentNameSchema,
  LIMITS,
  modelRefSchema,
  monitoringPeriodSchema,
  checklistItemSchema,
  targetSchema,
  targetsSchema,
  windowSchema,
} from './vocabulary';

/**
 * A stage of a chained promotion (a request's `promote`): the chain's id (its first stage's deployment id), which
 * stage of how many, the environment of each stage in order, and the roles its requester held when it was asked
 * for, with which each later stage is requested.
 */
export const chainStageSchema = objectOf({
  chainId: identifier,
  stage: Type.Integer({ minimum: 1, maximum: ENVIRONMENT_KINDS.length }),
  of: Type.Integer({ minimum: 1, maximum: ENVIRONMENT_KINDS.length }),
  stages: Type.Optional(arrayOf(objectOf({ environment: environmentNameSchema, kind: enumOf(ENVIRONMENT_KINDS) }), ENVIRONMENT_KINDS.length, 1)),
  requesterRoles: Type.Optional(arrayOf(label(64), 20)),
});
export type ChainStage = Static<typeof chainStageSchema>;

/** A change enablement system asked for a deployment of an authorised change. */
export const DeploymentRequested = objectOf({
  deploymentId: identifier,
  ...requestDeploymentProperties,
  /** subject of the requester's identity */
  requestedBy: label(256),
  requestedAt: timestamp,
  /** the stage of a chained promotion this deployment is */
  chain: Type.Optional(chainStageSchema),
});
export type DeploymentRequested = Static<typeof DeploymentRequested>;

/** One wave of a strategy: the targets deployed together. */
export const waveSchema = objectOf({ index: Type.Integer({ minimum: 0, maximum: LIMITS.waves }), targets: targetsSchema });
export type Wave = Static<typeof waveSchema>;

/** the model's strategy type; `big-bang` when planned ad hoc */
export type Strategy = ModelStrategyType;
const rollbackModeSchema = enumOf(['automatic', 'manual']);
export type RollbackMode = Static<typeof rollbackModeSchema>;

// ---- environments ----


const environmentKindSchema = enumOf(ENVIRONMENT_KINDS);
const localTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'a local time HH:MM' });
const stringMap = mapOf(label(200), 50);

/** Facts about the environment that verification checks components against. */
const environmentAttributesSchema = objectOf({
  operatingSystem: Type.Optional(label()),
  /** e.g. `{ "node": "24.1.0", "java": "21" }` */
  runtimeVersions: Type.Optional(stringMap),
  capacityUnits: Type.Optional(Type.Integer({ minimum: 0 })),
  allowedPorts: Type.Optional(arrayOf(Type.Integer({ minimum: 1, maximum: 65535 }), 1000)),
});
export type EnvironmentAttributes = Static<typeof environmentAttributesSchema>;

/** What a target is: waves are drawn from the targets of an environment. */
export const TARGET_KINDS = ['host', 'site', 'cluster', 'tenant', 'location'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** A host, site, cluster, tenant or location inside the environment; waves are drawn from the targets. */
const environmentTargetSchema = objectOf({
  name: targetSchema,
  kind: enumOf(TARGET_KINDS),
  labels: Type.Optional(stringMap),
});
export type EnvironmentTarget = Static<typeof environmentTargetSchema>;
const environmentTargetsSchema = arrayOf(environmentTargetSchema, LIMITS.targetsPerWave, 1);

/**
 * A recurring weekly window in the environment's time zone: from `start` (local `HH:MM`) on each of `days` to `end`;
 * an `end` at or before `start` falls on the next day. Wall-clock times, so the window keeps its local hours across
 * daylight-saving changes (and its length in real time changes with them).
 */
export const weeklyWindowSchema = objectOf({ days: arrayOf(enumOf(WEEKDAYS), 7, 1, { uniqueItems: true }), start: localTime, end: localTime });
export type WeeklyWindow = Static<typeof weeklyWindowSchema>;

/** No deployments (to the listed services, or to any when `services` is absent): one-off (`start`/`end`) or weekly. */
const freezePeriodSchema = objectOf({
  id: label(100),
  reason: text(),
  services: Type.Optional(arrayOf(label(), 200, 1)),
  start: Type.Optional(timestamp),
  end: Type.Optional(timestamp),
  weekly: Type.Optional(weeklyWindowSchema),
});
export type FreezePeriod = Static<typeof freezePeriodSchema>;

/** Approvals the environment adds to the model's gates. */
const approvalPolicySchema = objectOf({
  roles: arrayOf(label(64), 20),
  minimumApprovers: Type.Integer({ minimum: 0, maximum: 20 }),
  /** where the approval stands: before the run starts (the default) or between progressive waves */
  at: Type.Optional(gatePositionSchema),
});
export type ApprovalPolicy = Static<typeof approvalPolicySchema>;

/** An environment as registered: its name, kind, place in the flow, facts, targets, windows, freezes and approvals. */
export const environmentDefinitionSchema = objectOf({
  name: environmentNameSchema,
  kind: environmentKindSchema,
  /** position in the flow of environments, 1 = first (development) */
  position: Type.Integer({ minimum: 1, maximum: 100 }),
  attributes: environmentAttributesSchema,
  targets: environmentTargetsSchema,
  /** IANA time zone of the deployment windows and weekly freezes, e.g. `Europe/Berlin` */
  timeZone: label(64),
  /** empty: deployments at any time */
  deploymentWindows: arrayOf(weeklyWindowSchema, 50),
  freezes: arrayOf(freezePeriodSchema, 200),
  approvalPolicy: approvalPolicySchema,
  /** the environment's monitoring system: a Prometheus-compatible HTTP API the monitoring period queries (PromQL) */
  monitoring: Type.Optional(objectOf({ prometheusUrl: Type.String({ format: 'uri', maxLength: 2048, pattern: '^https?://' }) })),
});
export type EnvironmentDefinition = Static<typeof environmentDefinitionSchema>;

// ---- deployments ----

/** A gate: a human approval by one of `roles` (at least `minimumApprovers` of them), or an automatic check. */
const gateSchema = objectOf({
  name: label(),
  kind: enumOf(['approval', 'check']),
  roles: arrayOf(label(64), 20),
  minimumApprovers: Type.Integer({ minimum: 0, maximum: 20 }),
  /** where the gate comes from */
  source: enumOf(['model', 'environment']),
  /** where the gate stands: before the run starts (absent: `start`) or before every wave after the first */
  at: Type.Optional(gatePositionSchema),
});
export type Gate = Static<typeof gateSchema>;

const freezeOverrideSchema = objectOf({ freezeId: label(100), reason: text(), by: label(256) });
export type FreezeOverride = Static<typeof freezeOverrideSchema>;

/** A stage of the flow an emergency change skipped: the component versions not proven there, why, and the deployment manager who decided. */
const promotionOverrideSchema = objectOf({
  skippedEnvironmentKind: environmentKindSchema,
  components: arrayOf(componentVersionSchema, LIMITS.components, 1),
  reason: text(),
  by: label(256),
});
export type PromotionOverride = Static<typeof promotionOverrideSchema>;

const environmentSnapshotSchema = objectOf({
  name: environmentNameSchema,
  kind: environmentKindSchema,
  /** the stream version of the environment the plan was made against */
  version: Type.Integer({ minimum: 1 }),
  attributes: environmentAttributesSchema,
  targets: environmentTargetsSchema,
});
export type EnvironmentSnapshot = Static<typeof environmentSnapshotSchema>;

/** How a change was proved authorised (GANTRY_AUTHORISATION_<KIND> says which ways an environment's kind accepts). */
export const AUTHORISATION_WAYS = ['itsm', 'signed', 'permission'] as const;
export type AuthorisationWay = (typeof AUTHORISATION_WAYS)[number];

/**
 * Who authorised the change, and how it was proved: `itsm`, change enablement's `ChangeAuthorized` (its source, the
 * event's id, its `authorisedBy`); `signed`, a signed authorisation (the key that signed it and the JWS's `sub`, else
 * the key's owner); `permission`, the requester, who holds `changes:authorise`.
 */
export const authorisedBySchema = objectOf({
  way: enumOf(AUTHORISATION_WAYS),
  by: label(256),
  keyId: Type.Optional(signingKeyIdSchema),
  source: Type.Optional(label(256)),
  eventId: Type.Optional(label(256)),
});
export type AuthorisedBy = Static<typeof authorisedBySchema>;

/**
 * A dependent or depended-on service (the catalogue's `dependencies`, either way) holds a window overlapping the plan's in
 * the same environment: `relation` says which way the dependency goes, seen from the planned service.
 */
export const planWarningSchema = objectOf({
  code: enumOf(['DependentServiceDeploying']),
  service: label(),
  relation: enumOf(['depends-on', 'depended-on-by']),
  deploymentId: identifier,
  window: windowSchema,
});
export type PlanWarning = Static<typeof planWarningSchema>;

/** The plan: model, strategy and waves, backup and rollback, the acceptance criteria (model template + request). */
export const DeploymentPlanned = objectOf({
  deploymentId: identifier,
  changeId: identifier,
  service: label(),
  kind: deploymentKindSchema,
  components: componentsSchema,
  environment: environmentNameSchema,
  window: windowSchema,
  /** `null`: planned ad hoc, without a model */
  model: modelRefSchema,
  strategy: enumOf(MODEL_STRATEGY_TYPES),
  waves: arrayOf(waveSchema, LIMITS.waves, 1),
  acceptanceCriteria: acceptanceCriteriaSchema,
  backupRequired: Type.Boolean(),
  rollback: rollbackModeSchema,
  /** planned without an agreed model, because the request asked for it explicitly */
  adHoc: Type.Optional(Type.Boolean()),
  /** the human approvals and automatic checks to pass: the model's gates plus the environment's approval policy */
  gates: Type.Optional(arrayOf(gateSchema, 50)),
  /** a freeze the deployment may run in: an emergency change, overridden by a deployment manager with a reason */
  freezeOverride: Type.Optional(freezeOverrideSchema),
  /** a stage of the flow skipped: an emergency change, overridden by a deployment manager with a reason */
  promotionOverride: Type.Optional(promotionOverrideSchema),
  /** what proved the change authorised: its ITSM event, a signed authorisation, or a requester allowed to authorise */
  authorisedBy: Type.Optional(authorisedBySchema),
  /** the environment facts the plan relied on, as they stood when it was made */
  environmentSnapshot: Type.Optional(environmentSnapshotSchema),
  plannedAt: Type.Optional(timestamp),
  /** who asked for the deployment (the subject of the requester's identity): never an approver of it */
  requestedBy: Type.Optional(label(256)),
  /** the model's thresholds for the component versions' quality evidence; absent when planned ad hoc */
  qualityThresholds: Type.Optional(qualityThresholdsSchema),
  /** whether the component set must include documentation (the model's rule; false ad hoc) */
  documentationRequired: Type.Optional(Type.Boolean()),
  /** for a canary: what each canary step is analysed against */
  canaryAnalysis: Type.Optional(canaryAnalysisSchema),
  /** the monitoring period after the deployment is verified: the model's, as long as the request asked if longer */
  monitoring: Type.Optional(monitoringPeriodSchema),
  /** the model's items every site of a physical deployment answers beside the default checklist */
  siteChecklist: Type.Optional(arrayOf(checklistItemSchema, 20, 1, { uniqueItems: true })),
  /** how much is automated, and the manual steps (hardware, physical work) the run must have completed */
  automationLevel: Type.Optional(automationLevelSchema),
  manualSteps: Type.Optional(manualStepsSchema),
  /** what planning saw and did not refuse: a service this one depends on, or that depends on it, deploying in an overlapping window */
  warnings: Type.Optional(arrayOf(planWarningSchema, 50)),
  /** the stage of a chained promotion this plan is */
  chain: Type.Optional(chainStageSchema),
});
export type DeploymentPlanned = Static<typeof DeploymentPlanned>;

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
  /** planned without an agreed model by an identity without `deployments:request-ad-hoc` */
  'AdHocNotPermitted',
  /** the change says it is authorised, but nothing the environment's kind accepts proves it */
  'AuthorisationNotProven',
  /** where the environment's kind keeps the duties apart, the change's authoriser asked for its deployment */
  'RequesterMayNotAuthorise',
  /** the request asks for a monitoring period its model does not give, or a shorter one than the model's */
  'MonitoringOutsideModel',
  /** a chained promotion's environment or `through` kind is not in the agreed model's flow (or there is no agreed model), or `through` comes before it */
  'PromotionChainOutsideFlow',
  /** a kind of a chained promotion has no active environment, or several and the request names none of them (or one that is not of the kind) */
  'PromotionChainStageUnresolved',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/** Planning refused a request: recorded, with the reason the change manager can act on. */
export const DeploymentRejected = objectOf({
  deploymentId: identifier,
  changeId: identifier,
  service: label(),
  environment: environmentNameSchema,
  reason: enumOf(REJECTION_REASONS),
  details: Type.Unsafe<Record<string, unknown>>({ type: 'object', maxProperties: 20 }),
  rejectedAt: timestamp,
});
export type DeploymentRejected = Static<typeof DeploymentRejected>;

/** A deployment holds its window on the environment's forward schedule (stream `Deployment-<id>`, after its plan or its reschedule). */
export const DeploymentWindowReserved = objectOf({ environment: environmentNameSchema, deploymentId: identifier, service: label(), targets: targetsSchema, window: windowSchema });
export type DeploymentWindowReserved = Static<typeof DeploymentWindowReserved>;

/** A deployment that had not started was cancelled (by a person, or because its change was cancelled). */
export const DeploymentCancelled = objectOf({
  deploymentId: identifier,
  changeId: identifier,
  environment: environmentNameSchema,
  reason: text(),
  cancelledBy: label(256),
  cancelledAt: timestamp,
});
export type DeploymentCancelled = Static<typeof DeploymentCancelled>;

/** A planned deployment that had not started moved to another window (re-checked against windows, freezes, conflicts). */
export const DeploymentRescheduled = objectOf({
  deploymentId: identifier,
  environment: environmentNameSchema,
  previousWindow: windowSchema,
  window: windowSchema,
  rescheduledBy: label(256),
  rescheduledAt: timestamp,
});
export type DeploymentRescheduled = Static<typeof DeploymentRescheduled>;

/**
 * The key that signed a planned deployment's authorisation was revoked before its run was over: the change is no
 * longer proved authorised. Execution stops a run that has not started and holds one in flight at its next wave.
 */
export const DeploymentAuthorisationRevoked = objectOf({
  deploymentId: identifier,
  changeId: identifier,
  environment: label(100),
  keyId: signingKeyIdSchema,
  reason: text(),
  effectiveAt: timestamp,
  revokedAt: timestamp,
});
export type DeploymentAuthorisationRevoked = Static<typeof DeploymentAuthorisationRevoked>;

/** A deployment gave its window on the environment's schedule back: it was cancelled, or its record closed (stream `Deployment-<id>`). */
export const DeploymentWindowReleased = objectOf({ environment: environmentNameSchema, deploymentId: identifier });
export type DeploymentWindowReleased = Static<typeof DeploymentWindowReleased>;

export const EnvironmentRegistered = objectOf({ ...environmentDefinitionSchema.properties, registeredAt: timestamp });
export type EnvironmentRegistered = Static<typeof EnvironmentRegistered>;

export const EnvironmentUpdated = objectOf({ ...environmentDefinitionSchema.properties, updatedAt: timestamp });
export type EnvironmentUpdated = Static<typeof EnvironmentUpdated>;

export const EnvironmentDecommissioned = objectOf({ name: environmentNameSchema, reason: text(), decommissionedAt: timestamp });
export type EnvironmentDecommissioned = Static<typeof EnvironmentDecommissioned>;

/** A public key of change enablement trusted to sign authorisations of changes, until revoked (stream `AuthorisationKey-<keyId>`). */
export const AuthorisationKeyRegistered = objectOf({
  keyId: signingKeyIdSchema,
  algorithm: enumOf(SIGNING_ALGORITHMS),
  publicKey: text(4000),
  /** who holds the private key: the change enablement system */
  owner: label(256),
  registeredAt: timestamp,
});
export type AuthorisationKeyRegistered = Static<typeof AuthorisationKeyRegistered>;

/** An authorisation key no longer trusted from `effectiveAt` on (which may lie before `revokedAt`). */
export const AuthorisationKeyRevoked = objectOf({ keyId: signingKeyIdSchema, reason: text(), effectiveAt: timestamp, revokedAt: timestamp });
export type AuthorisationKeyRevoked = Static<typeof AuthorisationKeyRevoked>;

// ---- service catalogue ----


/** A person who answers for the service, or must hear of its deployments. */
export const serviceContactSchema = objectOf({ name: label(256), contact: contactSchema });
export const stakeholderSchema = objectOf({ name: label(256), role: label(100), contact: contactSchema });
export type Stakeholder = Static<typeof stakeholderSchema>;

/**
 * A webhook a service's deployment notices are POSTed to (a chat tool's incoming webhook, the service desk's). The
 * signing secret is not here: `secretRef` names the setting that holds it (GANTRY_NOTICE_SECRET_<secretRef>).
 */
export const noticeChannelSchema = objectOf({
  name: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'a channel name: lowercase letters, digits and "-" (at most 63)' }),
  url: Type.String({ maxLength: 2000, pattern: '^https?://[^\\s]+$', description: 'an http or https URL' }),
  secretRef: Type.String({ pattern: '^[A-Z0-9_]{1,64}$', description: 'the name of a secret setting: uppercase letters, digits and "_" (at most 64)' }),
});
export type NoticeChannel = Static<typeof noticeChannelSchema>;

/**
 * A service as the catalogue holds it (the practice guide's stakeholder needs and contact details, and service
 * architecture): who owns it, who must hear of its deployments, what it depends on, where its notices go.
 */
export const serviceDefinitionSchema = objectOf({
  name: label(),
  description: text(),
  owner: serviceContactSchema,
  stakeholders: arrayOf(stakeholderSchema, 100),
  /** the services this one needs to work */
  dependencies: arrayOf(label(), 100, 0, { uniqueItems: true }),
  channels: arrayOf(noticeChannelSchema, 10),
});
export type ServiceDefinition = Static<typeof serviceDefinitionSchema>;

/** A service entered the catalogue (stream `Service-<name>`). */
export const ServiceRegistered = objectOf({ ...serviceDefinitionSchema.properties, registeredAt: timestamp });
export type ServiceRegistered = Static<typeof ServiceRegistered>;

/** A service's catalogue entry changed: the whole entry as it stands now. */
export const ServiceUpdated = objectOf({ ...serviceDefinitionSchema.properties, updatedAt: timestamp });
export type ServiceUpdated = Static<typeof ServiceUpdated>;

export const planningEventSchemas = {
  DeploymentRequested,
  DeploymentPlanned,
  DeploymentRejected,
  DeploymentWindowReserved,
  DeploymentCancelled,
  DeploymentRescheduled,
  DeploymentAuthorisationRevoked,
  DeploymentWindowReleased,
  EnvironmentRegistered,
  EnvironmentUpdated,
  EnvironmentDecommissioned,
  AuthorisationKeyRegistered,
  AuthorisationKeyRevoked,
  ServiceRegistered,
  ServiceUpdated,
};
export type PlanningEventPayloads = PayloadsOf<typeof planningEventSchemas>;
