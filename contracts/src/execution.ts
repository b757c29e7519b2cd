import { arrayOf, enumOf, identifier, label, objectOf, text, timestamp, Type, type PayloadsOf, type Static } from './json-schema';
import { digestSchema, verifiedComponentSchema } from './itam';
import { canaryAnalysisSchema } from './model-review';
import { DeploymentPlanned, serviceContactSchema } from './planning';
import {
  acceptanceCriteriaSchema,
  blueGreenSideSchema,
  COMPONENT_KINDS,
  componentVersionProperties,
  LATE_CHANGES,
  LIMITS,
  targetSchema,
  targetsSchema,
  environmentNameSchema,
  waveIndexSchema,
  windowSchema,
  checklistItemSchema,
} from './vocabulary';

const deploymentId = identifier;
const wave = waveIndexSchema;
const target = targetSchema;
const gate = label(200);
const person = label(256);
const role = label(64);
const code = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z][A-Za-z0-9]*$' });
const snapshotRef = label(512);
const stepId = label(400);

/** A component version as deployed to a target; `digest`: the bytes the executor reported it installed. */
const deployedComponentSchema = objectOf({ ...componentVersionProperties, digest: Type.Optional(digestSchema) });
export type DeployedComponent = Static<typeof deployedComponentSchema>;
const deployedComponents = arrayOf(deployedComponentSchema, LIMITS.components, 1);

/**
 * Execution took the plan of a deployment; the run waits until it is ready. `liveSide` (blue-green): the side serving
 * the plan's service in its environment when the run was prepared, which the run deploys beside; absent: blue, as
 * before sides were kept.
 */
export const RunPrepared = objectOf({ deploymentId, plan: DeploymentPlanned, liveSide: Type.Optional(blueGreenSideSchema) });
export type RunPrepared = Static<typeof RunPrepared>;

/**
 * What must be confirmed before a run may start: the components and the target environment were verified; for a
 * physical deployment (`physical`), its sites are ready and its delivery is complete.
 */
const readinessSchema = enumOf(['components', 'environment', 'physical']);
export type Readiness = Static<typeof readinessSchema>;

/** `components`: with `components` readiness, the versions as verified (digest, signature): what the executors must install. */
export const ReadinessConfirmed = objectOf({ deploymentId, readiness: readinessSchema, components: Type.Optional(arrayOf(verifiedComponentSchema, LIMITS.components, 1)) });
export type ReadinessConfirmed = Static<typeof ReadinessConfirmed>;

/** The run will never start (a verification failed, the deployment was cancelled). */
export const RunAbandoned = objectOf({ deploymentId, reason: text() });
export type RunAbandoned = Static<typeof RunAbandoned>;


/**
 * A change after planning the run did not allow for: a freeze added over its window (not the one an emergency change
 * overrides), its environment decommissioned, a component's verification revoked (a version withdrawn, a key revoked).
 * A run that has not started is abandoned for it (RunAbandoned, with the same reason); a run in flight pauses at its
 * next wave boundary (RunPaused, with the same reason) until a deployment manager decides to continue or roll back.
 * `detail`: what changed, e.g. the freeze's id and reason.
 */
export const LateChangeDetected = objectOf({ deploymentId, reason: enumOf(LATE_CHANGES), detail: text(), detectedAt: timestamp });
export type LateChangeDetected = Static<typeof LateChangeDetected>;

export const DeploymentStarted = objectOf({ deploymentId, startedAt: timestamp });
export type DeploymentStarted = Static<typeof DeploymentStarted>;

export const WaveStarted = objectOf({ deploymentId, wave, targets: targetsSchema });
export type WaveStarted = Static<typeof WaveStarted>;

export const TargetDeployed = objectOf({ deploymentId, wave, target, components: deployedComponents });
export type TargetDeployed = Static<typeof TargetDeployed>;

export const WaveCompleted = objectOf({ deploymentId, wave });
export type WaveCompleted = Static<typeof WaveCompleted>;

/** Every wave completed; `targets` counts the targets deployed. */
export const DeploymentExecuted = objectOf({
  deploymentId,
  executedAt: timestamp,
  targets: Type.Integer({ minimum: 0, maximum: LIMITS.waves * LIMITS.targetsPerWave }),
});
export type DeploymentExecuted = Static<typeof DeploymentExecuted>;

/**
 * A gate waits for approvals: at least `minimumApprovers` distinct people holding one of `roles`, never the requester
 * nor the change's authoriser. `wave`: a gate between progressive waves, open before this wave starts (absent: before
 * the run starts).
 */
export const ApprovalRequested = objectOf({
  deploymentId,
  gate,
  roles: arrayOf(role, 20, 1),
  minimumApprovers: Type.Integer({ minimum: 1, maximum: 20 }),
  wave: Type.Optional(wave),
  requestedAt: timestamp,
});
export type ApprovalRequested = Static<typeof ApprovalRequested>;

/**
 * One person approved a gate (counted once, however often they approve); `wave`: at the boundary before this wave;
 * `comment`: what the approver said with it, if anything (a condition, what they checked).
 */
export const ApprovalGranted = objectOf({
  deploymentId,
  gate,
  /** the approver's subject and the role they approved in */
  by: person,
  role,
  wave: Type.Optional(wave),
  comment: Type.Optional(text()),
  grantedAt: timestamp,
});
export type ApprovalGranted = Static<typeof ApprovalGranted>;

/** A person denied a gate: before the start the deployment ends without running (outcome `rejected`); between waves the run rolls back (`ApprovalDenied`). */
export const ApprovalDenied = objectOf({ deploymentId, gate, by: person, role, reason: text(), wave: Type.Optional(wave), deniedAt: timestamp });
export type ApprovalDenied = Static<typeof ApprovalDenied>;

/** Canary: the first step is deployed; verification is asked for a verdict on its targets by `deadline`. */
export const CanaryAnalysisRequested = objectOf({
  deploymentId,
  wave,
  targets: targetsSchema,
  thresholds: canaryAnalysisSchema,
  /** fewer observations than this by the deadline: inconclusive */
  minimumObservations: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
  deadline: timestamp,
  requestedAt: timestamp,
});
export type CanaryAnalysisRequested = Static<typeof CanaryAnalysisRequested>;

/** Blue-green: the idle side is deployed; verification is asked to check it against the acceptance criteria. */
export const IdleSideVerificationRequested = objectOf({
  deploymentId,
  side: blueGreenSideSchema,
  targets: targetsSchema,
  acceptanceCriteria: acceptanceCriteriaSchema,
  requestedAt: timestamp,
});
export type IdleSideVerificationRequested = Static<typeof IdleSideVerificationRequested>;

/** The run ended after rollback: the targets undone (in reverse order) and the backup restored where one was taken. */
export const RolledBack = objectOf({
  deploymentId,
  rolledBackAt: timestamp,
  /** what triggered the rollback, a code, e.g. `TargetDeploymentFailed`, `CanaryAnalysisFailed`, `DeploymentVerificationFailed`, `Aborted` */
  reason: code,
});
export type RolledBack = Static<typeof RolledBack>;

/** The run ended failed without a rollback (a failed backup before anything changed, or a decision not to roll back). */
export const DeploymentFailed = objectOf({
  deploymentId,
  failedAt: timestamp,
  /** a code, e.g. `BackupFailed`, `RollbackDeclined` */
  reason: code,
  detail: Type.Optional(text()),
});
export type DeploymentFailed = Static<typeof DeploymentFailed>;

/** Planning moved the deployment to another window before the run started. */
export const RunRescheduled = objectOf({ deploymentId, window: windowSchema });
export type RunRescheduled = Static<typeof RunRescheduled>;

/**
 * Schedule adherence missed: the window closed before the run could start, or before it finished. Recorded once per
 * window; a run that started late or ran past the end is not an adherent one (records' KPI).
 */
export const ScheduleMissed = objectOf({
  deploymentId,
  window: windowSchema,
  /** `before-start`: never started inside the window; `during-run`: still running when the window closed */
  phase: enumOf(['before-start', 'during-run']),
  detectedAt: timestamp,
});
export type ScheduleMissed = Static<typeof ScheduleMissed>;

/** The executor took a backup of the current state before the first wave; `snapshotRef` names the snapshot. */
export const BackupTaken = objectOf({ deploymentId, snapshotRef, takenAt: timestamp });
export type BackupTaken = Static<typeof BackupTaken>;

/** A target's step failed (the wave fails with it): rollback follows, or a decision, per the plan. */
export const TargetDeploymentFailed = objectOf({
  deploymentId,
  wave,
  target,
  /** a code, e.g. `ExecutorRefused`, `ExecutorTimeout`, `ExecutorUnavailable`, `TargetUnreachable` */
  reason: code,
  detail: Type.Optional(text()),
  failedAt: timestamp,
});
export type TargetDeploymentFailed = Static<typeof TargetDeploymentFailed>;

/** A removal deployment took these component versions out of a target: what was retired. */
export const ComponentsRemoved = objectOf({ deploymentId, wave, target, components: deployedComponents });
export type ComponentsRemoved = Static<typeof ComponentsRemoved>;

/** Blue-green: live traffic moved from one side to the other (forward after the idle side was verified, or back in a rollback). */
export const TrafficSwitched = objectOf({ deploymentId, from: blueGreenSideSchema, to: blueGreenSideSchema, switchedAt: timestamp });
export type TrafficSwitched = Static<typeof TrafficSwitched>;

/** Blue-green: the old side was retired once the new live side was verified. */
export const SideRetired = objectOf({ deploymentId, side: blueGreenSideSchema, retiredAt: timestamp });
export type SideRetired = Static<typeof SideRetired>;

/**
 * The run stopped at a step boundary and starts no further step until resumed or decided. `reason`: `Requested` (a
 * person), `WindowClosed`, `RetireFailed` (resume retries), `CanaryAnalysisInconclusive` (resume continues, or a
 * rollback decision), or the code of a failure (`TargetDeploymentFailed`, `CanaryAnalysisFailed`,
 * `IdleSideVerificationFailed`, `TrafficSwitchFailed`, `DeploymentVerificationFailed`) when the plan's rollback is
 * `manual`, or of a late change (`FreezePeriod`, `EnvironmentDecommissioned`, `ComponentVerificationRevoked`, at a wave
 * boundary): only DecideRollback moves it on (a deployment manager's, for a late change).
 */
export const RunPaused = objectOf({ deploymentId, reason: code, by: person, pausedAt: timestamp });
export type RunPaused = Static<typeof RunPaused>;

export const RunResumed = objectOf({ deploymentId, by: person, resumedAt: timestamp });
export type RunResumed = Static<typeof RunResumed>;

/**
 * What execution took from a verification verdict: the canary step, the blue-green idle side, the deployment, or the
 * monitoring period after it (`monitoring`: pass when it ended clean, fail when regressed, inconclusive).
 */
export const VerificationOutcomeReceived = objectOf({
  deploymentId,
  check: enumOf(['canary', 'idle-side', 'deployment', 'monitoring']),
  verdict: enumOf(['pass', 'fail', 'inconclusive']),
  /** the canary step's wave */
  wave: Type.Optional(wave),
  receivedAt: timestamp,
});
export type VerificationOutcomeReceived = Static<typeof VerificationOutcomeReceived>;

/** A person decided whether a paused run rolls back (`rollback: false` after a failure ends it failed; after an inconclusive canary it continues). */
export const RollbackDecided = objectOf({ deploymentId, rollback: Type.Boolean(), by: person, decidedAt: timestamp });
export type RollbackDecided = Static<typeof RollbackDecided>;

/** The run undoes what it did: traffic back, targets undone in reverse order, backup restored where one was taken. */
export const RollbackStarted = objectOf({
  deploymentId,
  /** what triggered it, a code, e.g. `TargetDeploymentFailed`, `CanaryAnalysisFailed`, `Aborted` */
  reason: code,
  startedAt: timestamp,
});
export type RollbackStarted = Static<typeof RollbackStarted>;

export const TargetRolledBack = objectOf({ deploymentId, wave, target, rolledBackAt: timestamp });
export type TargetRolledBack = Static<typeof TargetRolledBack>;

export const BackupRestored = objectOf({ deploymentId, snapshotRef, restoredAt: timestamp });
export type BackupRestored = Static<typeof BackupRestored>;

/**
 * Evidence of manual work: what it is, where it is kept (a photo, a signed form, serial numbers), and the sha256 of the
 * document kept there, so that the evidence cannot be swapped later (required of every new completion).
 */
export const evidenceSchema = objectOf({ description: text(500), reference: text(1000), digest: Type.Optional(digestSchema) });
export type Evidence = Static<typeof evidenceSchema>;

/** A step that a person performs (hardware installation, a physical check), assigned to a role. */
export const ManualStepRequired = objectOf({
  deploymentId,
  /** unique in the run: `<target>/<action>/<n>` */
  stepId,
  wave,
  target,
  /** the run's step this manual work performs: `deploy`, `remove`, `undo`, `backup`, ... */
  action: code,
  role,
  instruction: text(),
  evidenceRequired: Type.Boolean(),
  requestedAt: timestamp,
});
export type ManualStepRequired = Static<typeof ManualStepRequired>;

/**
 * A supplier organisation's id, as its staff's tokens name it (the `org` claim): lowercase letters, digits and "-".
 */
export const supplierNameSchema = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'a supplier name: lowercase letters, digits and "-" (at most 63)' });

/** `organisation`: the supplier whose engineer completed the step (the `org` claim of their token); absent for the organisation's own staff. */
export const ManualStepCompleted = objectOf({ deploymentId, stepId, by: person, evidence: arrayOf(evidenceSchema, 20), completedAt: timestamp, organisation: Type.Optional(supplierNameSchema) });
export type ManualStepCompleted = Static<typeof ManualStepCompleted>;

// ---- suppliers ----

/**
 * Where a supplier's staff may perform steps (the practice guide's partners and suppliers): the runs in one of
 * `environments`; on targets whose `site` label is one of `sites` (absent: any target); of deployments whose
 * components are all of `componentKinds` (absent: any kind).
 */
export const supplierScopeSchema = objectOf({
  environments: arrayOf(environmentNameSchema, 100, 1, { uniqueItems: true }),
  sites: Type.Optional(arrayOf(label(200), 100, 1, { uniqueItems: true })),
  componentKinds: Type.Optional(arrayOf(enumOf(COMPONENT_KINDS), COMPONENT_KINDS.length, 1, { uniqueItems: true })),
});
export type SupplierScope = Static<typeof supplierScopeSchema>;

/** A supplier organisation: its id, who answers for it, and its scope. */
export const supplierDefinitionSchema = objectOf({ name: supplierNameSchema, contact: serviceContactSchema, scope: supplierScopeSchema });
export type SupplierDefinition = Static<typeof supplierDefinitionSchema>;

/** A supplier organisation was registered (stream `Supplier-<name>`). */
export const SupplierRegistered = objectOf({ ...supplierDefinitionSchema.properties, registeredAt: timestamp });
export type SupplierRegistered = Static<typeof SupplierRegistered>;

/** A supplier's contact or scope changed: the whole definition as it stands now. */
export const SupplierUpdated = objectOf({ ...supplierDefinitionSchema.properties, updatedAt: timestamp });
export type SupplierUpdated = Static<typeof SupplierUpdated>;

// ---- physical deployments: site readiness and logistics (stream `PhysicalReadiness-<deploymentId>`) ----

export const siteSchema = label(200);
const serialSchema = label(128);
const componentName = componentVersionProperties.name;

/**
 * An inspector answered one item of a site's checklist, with the evidence (each document's `sha256:` digest). A
 * `failed` item blocks the run until it is answered again. `organisation`: the supplier the inspector acts for.
 */
export const SiteCheckAnswered = objectOf({
  deploymentId,
  site: siteSchema,
  item: checklistItemSchema,
  result: enumOf(['passed', 'failed']),
  evidence: arrayOf(evidenceSchema, 20, 1),
  by: person,
  organisation: Type.Optional(supplierNameSchema),
  answeredAt: timestamp,
});
export type SiteCheckAnswered = Static<typeof SiteCheckAnswered>;

/** Hardware units of one component, by serial number. */
export const deliveredUnitsSchema = objectOf({ component: componentName, serials: arrayOf(serialSchema, 10000, 1, { uniqueItems: true }) });
export type DeliveredUnits = Static<typeof deliveredUnitsSchema>;

/** A delivery was received at the site: the units in it, as counted on receipt. */
export const DeliveryReceived = objectOf({ deploymentId, received: arrayOf(deliveredUnitsSchema, LIMITS.components, 1), by: person, receivedAt: timestamp });
export type DeliveryReceived = Static<typeof DeliveryReceived>;

/** A unit ordered but not delivered yet (`missing`), or delivered but not ordered (`unexpected`): the run waits until it is resolved. */
export const DeliveryDiscrepancyRecorded = objectOf({ deploymentId, component: componentName, serial: serialSchema, discrepancy: enumOf(['missing', 'unexpected']), recordedAt: timestamp });
export type DeliveryDiscrepancyRecorded = Static<typeof DeliveryDiscrepancyRecorded>;

/** `delivered`: a later delivery brought the missing unit; `accepted`: a deployment manager accepted the discrepancy, with a reason. */
export const DeliveryDiscrepancyResolved = objectOf({
  deploymentId,
  component: componentName,
  serial: serialSchema,
  resolution: enumOf(['delivered', 'accepted']),
  reason: Type.Optional(text()),
  by: Type.Optional(person),
  resolvedAt: timestamp,
});
export type DeliveryDiscrepancyResolved = Static<typeof DeliveryDiscrepancyResolved>;

/**
 * Hardware units put in place at a target, by serial, each one delivered before and installed nowhere else: what a
 * person installing them (a supplier's engineer or staff) recorded. `organisation`: the supplier they act for.
 */
export const UnitsInstalled = objectOf({
  deploymentId,
  target,
  units: arrayOf(deliveredUnitsSchema, LIMITS.components, 1),
  by: person,
  organisation: Type.Optional(supplierNameSchema),
  installedAt: timestamp,
});
export type UnitsInstalled = Static<typeof UnitsInstalled>;

/** Every site passed its checklist and every unit ordered is delivered (or its discrepancy resolved): the run may start. */
export const PhysicalReadinessConfirmed = objectOf({ deploymentId, sites: arrayOf(siteSchema, LIMITS.waves * LIMITS.targetsPerWave, 1), confirmedAt: timestamp });
export type PhysicalReadinessConfirmed = Static<typeof PhysicalReadinessConfirmed>;

export const executionEventSchemas = {
  RunPrepared,
  ReadinessConfirmed,
  RunAbandoned,
  LateChangeDetected,
  DeploymentStarted,
  WaveStarted,
  TargetDeployed,
  WaveCompleted,
  DeploymentExecuted,
  ApprovalRequested,
  ApprovalGranted,
  ApprovalDenied,
  CanaryAnalysisRequested,
  IdleSideVerificationRequested,
  RolledBack,
  DeploymentFailed,
  RunRescheduled,
  ScheduleMissed,
  BackupTaken,
  TargetDeploymentFailed,
  ComponentsRemoved,
  TrafficSwitched,
  SideRetired,
  RunPaused,
  RunResumed,
  VerificationOutcomeReceived,
  RollbackDecided,
  RollbackStarted,
  TargetRolledBack,
  BackupRestored,
  ManualStepRequired,
  ManualStepCompleted,
  SupplierRegistered,
  SupplierUpdated,
  SiteCheckAnswered,
  DeliveryReceived,
  DeliveryDiscrepancyRecorded,
  DeliveryDiscrepancyResolved,
  PhysicalReadinessConfirmed,
  UnitsInstalled,
};
export type ExecutionEventPayloads = PayloadsOf<typeof executionEventSchemas>;
