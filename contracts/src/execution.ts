import { arrayOf, identifier, label, objectOf, text, timestamp, type JsonSchema } from './json-schema';
import { canaryAnalysisSchema, type CanaryAnalysis } from './model-review';
import { planningEventSchemas, type DeploymentPlanned } from './planning';
import {
  acceptanceCriteriaSchema,
  blueGreenSideSchema,
  componentVersionSchema,
  LIMITS,
  targetSchema,
  targetsSchema,
  waveIndexSchema,
  windowSchema,
  type AcceptanceCriterion,
  type BlueGreenSide,
  type Window,
} from './vocabulary';

/** A component version as deployed to a target. */
export interface DeployedComponent {
  name: string;
  version: string;
}

/** Execution took the plan of a deployment; the run waits until it is ready. */
export interface RunPrepared {
  deploymentId: string;
  plan: DeploymentPlanned;
}

/** What must be confirmed before a run may start: the components and the target environment were verified. */
export type Readiness = 'components' | 'environment';

export interface ReadinessConfirmed {
  deploymentId: string;
  readiness: Readiness;
}

/** The run will never start (a verification failed, the deployment was cancelled). */
export interface RunAbandoned {
  deploymentId: string;
  reason: string;
}

export interface DeploymentStarted {
  deploymentId: string;
  startedAt: string;
}

export interface WaveStarted {
  deploymentId: string;
  wave: number;
  targets: string[];
}

export interface TargetDeployed {
  deploymentId: string;
  wave: number;
  target: string;
  components: DeployedComponent[];
}

export interface WaveCompleted {
  deploymentId: string;
  wave: number;
}

/** Every wave completed; `targets` counts the targets deployed. */
export interface DeploymentExecuted {
  deploymentId: string;
  executedAt: string;
  targets: number;
}

/** A gate waits for approvals: at least `minimumApprovers` distinct people holding one of `roles`, never the requester. */
export interface ApprovalRequested {
  deploymentId: string;
  gate: string;
  roles: string[];
  minimumApprovers: number;
  requestedAt: string;
}

/** One person approved a gate (counted once, however often they approve). */
export interface ApprovalGranted {
  deploymentId: string;
  gate: string;
  /** the approver's subject and the role they approved in */
  by: string;
  role: string;
  grantedAt: string;
}

/** A person denied a gate: the deployment ends without running (outcome `rejected`). */
export interface ApprovalDenied {
  deploymentId: string;
  gate: string;
  by: string;
  role: string;
  reason: string;
  deniedAt: string;
}

/** Canary: the first step is deployed; verification is asked for a verdict on its targets by `deadline`. */
export interface CanaryAnalysisRequested {
  deploymentId: string;
  wave: number;
  targets: string[];
  thresholds: CanaryAnalysis;
  /** fewer observations than this by the deadline: inconclusive */
  minimumObservations: number;
  deadline: string;
  requestedAt: string;
}

/** Blue-green: the idle side is deployed; verification is asked to check it against the acceptance criteria. */
export interface IdleSideVerificationRequested {
  deploymentId: string;
  side: BlueGreenSide;
  targets: string[];
  acceptanceCriteria: AcceptanceCriterion[];
  requestedAt: string;
}

/** The run ended after rollback: the targets undone (in reverse order) and the backup restored where one was taken. */
export interface RolledBack {
  deploymentId: string;
  rolledBackAt: string;
  /** what triggered the rollback, a code, e.g. `TargetDeploymentFailed`, `CanaryAnalysisFailed`, `DeploymentVerificationFailed`, `Aborted` */
  reason: string;
}

/** The run ended failed without a rollback (a failed backup before anything changed, or a decision not to roll back). */
export interface DeploymentFailed {
  deploymentId: string;
  failedAt: string;
  /** a code, e.g. `BackupFailed`, `RollbackDeclined` */
  reason: string;
  detail?: string;
}

/** Planning moved the deployment to another window before the run started. */
export interface RunRescheduled {
  deploymentId: string;
  window: Window;
}

/**
 * Schedule adherence missed: the window closed before the run could start, or before it finished. Recorded once per
 * window; a run that started late or ran past the end is not an adherent one (records' KPI).
 */
export interface ScheduleMissed {
  deploymentId: string;
  window: Window;
  /** `before-start`: never started inside the window; `during-run`: still running when the window closed */
  phase: 'before-start' | 'during-run';
  detectedAt: string;
}

/** The executor took a backup of the current state before the first wave; `snapshotRef` names the snapshot. */
export interface BackupTaken {
  deploymentId: string;
  snapshotRef: string;
  takenAt: string;
}

/** A target's step failed (the wave fails with it): rollback follows, or a decision, per the plan. */
export interface TargetDeploymentFailed {
  deploymentId: string;
  wave: number;
  target: string;
  /** a code, e.g. `ExecutorRefused`, `ExecutorTimeout`, `ExecutorUnavailable`, `TargetUnreachable` */
  reason: string;
  detail?: string;
  failedAt: string;
}

/** A removal deployment took these component versions out of a target: what was retired. */
export interface ComponentsRemoved {
  deploymentId: string;
  wave: number;
  target: string;
  components: DeployedComponent[];
}

/** Blue-green: live traffic moved from one side to the other (forward after the idle side was verified, or back in a rollback). */
export interface TrafficSwitched {
  deploymentId: string;
  from: BlueGreenSide;
  to: BlueGreenSide;
  switchedAt: string;
}

/** Blue-green: the old side was retired once the new live side was verified. */
export interface SideRetired {
  deploymentId: string;
  side: BlueGreenSide;
  retiredAt: string;
}

/**
 * The run stopped at a step boundary and starts no further step until resumed or decided. `reason`: `Requested` (a
 * person), `WindowClosed`, `RetireFailed` (resume retries), `CanaryAnalysisInconclusive` (resume continues, or a
 * rollback decision), or the code of a failure (`TargetDeploymentFailed`, `CanaryAnalysisFailed`,
 * `IdleSideVerificationFailed`, `TrafficSwitchFailed`, `DeploymentVerificationFailed`) when the plan's rollback is
 * `manual`: only DecideRollback moves it on.
 */
export interface RunPaused {
  deploymentId: string;
  reason: string;
  by: string;
  pausedAt: string;
}

export interface RunResumed {
  deploymentId: string;
  by: string;
  resumedAt: string;
}

/** What execution took from a verification verdict: the canary step, the blue-green idle side, or the deployment. */
export interface VerificationOutcomeReceived {
  deploymentId: string;
  check: 'canary' | 'idle-side' | 'deployment';
  verdict: 'pass' | 'fail' | 'inconclusive';
  /** the canary step's wave */
  wave?: number;
  receivedAt: string;
}

/** A person decided whether a paused run rolls back (`rollback: false` after a failure ends it failed; after an inconclusive canary it continues). */
export interface RollbackDecided {
  deploymentId: string;
  rollback: boolean;
  by: string;
  decidedAt: string;
}

/** The run undoes what it did: traffic back, targets undone in reverse order, backup restored where one was taken. */
export interface RollbackStarted {
  deploymentId: string;
  /** what triggered it, a code, e.g. `TargetDeploymentFailed`, `CanaryAnalysisFailed`, `Aborted` */
  reason: string;
  startedAt: string;
}

export interface TargetRolledBack {
  deploymentId: string;
  wave: number;
  target: string;
  rolledBackAt: string;
}

export interface BackupRestored {
  deploymentId: string;
  snapshotRef: string;
  restoredAt: string;
}

/** Evidence of manual work: what it is, and where it is kept (a photo, a signed form, serial numbers). */
export interface Evidence {
  description: string;
  reference: string;
}

/** A step that a person performs (hardware installation, a physical check), assigned to a role. */
export interface ManualStepRequired {
  deploymentId: string;
  /** unique in the run: `<target>/<action>/<n>` */
  stepId: string;
  wave: number;
  target: string;
  /** the run's step this manual work performs: `deploy`, `remove`, `undo`, `backup`, ... */
  action: string;
  role: string;
  instruction: string;
  evidenceRequired: boolean;
  requestedAt: string;
}

export interface ManualStepCompleted {
  deploymentId: string;
  stepId: string;
  by: string;
  evidence: Evidence[];
  completedAt: string;
}

export interface ExecutionEventPayloads {
  RunPrepared: RunPrepared;
  ReadinessConfirmed: ReadinessConfirmed;
  RunAbandoned: RunAbandoned;
  DeploymentStarted: DeploymentStarted;
  WaveStarted: WaveStarted;
  TargetDeployed: TargetDeployed;
  WaveCompleted: WaveCompleted;
  DeploymentExecuted: DeploymentExecuted;
  ApprovalRequested: ApprovalRequested;
  ApprovalGranted: ApprovalGranted;
  ApprovalDenied: ApprovalDenied;
  CanaryAnalysisRequested: CanaryAnalysisRequested;
  IdleSideVerificationRequested: IdleSideVerificationRequested;
  RolledBack: RolledBack;
  DeploymentFailed: DeploymentFailed;
  RunRescheduled: RunRescheduled;
  ScheduleMissed: ScheduleMissed;
  BackupTaken: BackupTaken;
  TargetDeploymentFailed: TargetDeploymentFailed;
  ComponentsRemoved: ComponentsRemoved;
  TrafficSwitched: TrafficSwitched;
  SideRetired: SideRetired;
  RunPaused: RunPaused;
  RunResumed: RunResumed;
  VerificationOutcomeReceived: VerificationOutcomeReceived;
  RollbackDecided: RollbackDecided;
  RollbackStarted: RollbackStarted;
  TargetRolledBack: TargetRolledBack;
  BackupRestored: BackupRestored;
  ManualStepRequired: ManualStepRequired;
  ManualStepCompleted: ManualStepCompleted;
}

const wave = waveIndexSchema;
const gate = label(200);
const person = label(256);
const code = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z][A-Za-z0-9]*$' } as const satisfies JsonSchema;

export const executionEventSchemas: Record<keyof ExecutionEventPayloads, JsonSchema> = {
  RunPrepared: objectOf({ deploymentId: identifier, plan: planningEventSchemas.DeploymentPlanned }, ['deploymentId', 'plan']),
  ReadinessConfirmed: objectOf(
    { deploymentId: identifier, readiness: { type: 'string', enum: ['components', 'environment'] } },
    ['deploymentId', 'readiness'],
  ),
  RunAbandoned: objectOf({ deploymentId: identifier, reason: text() }, ['deploymentId', 'reason']),
  DeploymentStarted: objectOf({ deploymentId: identifier, startedAt: timestamp }, ['deploymentId', 'startedAt']),
  WaveStarted: objectOf(
    { deploymentId: identifier, wave, targets: targetsSchema },
    ['deploymentId', 'wave', 'targets'],
  ),
  TargetDeployed: objectOf(
    { deploymentId: identifier, wave, target: targetSchema, components: arrayOf(componentVersionSchema, LIMITS.components, 1) },
    ['deploymentId', 'wave', 'target', 'components'],
  ),
  WaveCompleted: objectOf({ deploymentId: identifier, wave }, ['deploymentId', 'wave']),
  DeploymentExecuted: objectOf(
    {
      deploymentId: identifier,
      executedAt: timestamp,
      targets: { type: 'integer', minimum: 0, maximum: LIMITS.waves * LIMITS.targetsPerWave },
    },
    ['deploymentId', 'executedAt', 'targets'],
  ),
  ApprovalRequested: objectOf(
    { deploymentId: identifier, gate, roles: arrayOf(label(64), 20, 1), minimumApprovers: { type: 'integer', minimum: 1, maximum: 20 }, requestedAt: timestamp },
    ['deploymentId', 'gate', 'roles', 'minimumApprovers', 'requestedAt'],
  ),
  ApprovalGranted: objectOf({ deploymentId: identifier, gate, by: person, role: label(64), grantedAt: timestamp }, ['deploymentId', 'gate', 'by', 'role', 'grantedAt']),
  ApprovalDenied: objectOf(
    { deploymentId: identifier, gate, by: person, role: label(64), reason: text(), deniedAt: timestamp },
    ['deploymentId', 'gate', 'by', 'role', 'reason', 'deniedAt'],
  ),
  CanaryAnalysisRequested: objectOf(
    {
      deploymentId: identifier,
      wave,
      targets: targetsSchema,
      thresholds: canaryAnalysisSchema,
      minimumObservations: { type: 'integer', minimum: 1, maximum: 1_000_000 },
      deadline: timestamp,
      requestedAt: timestamp,
    },
    ['deploymentId', 'wave', 'targets', 'thresholds', 'minimumObservations', 'deadline', 'requestedAt'],
  ),
  IdleSideVerificationRequested: objectOf(
    { deploymentId: identifier, side: blueGreenSideSchema, targets: targetsSchema, acceptanceCriteria: acceptanceCriteriaSchema, requestedAt: timestamp },
    ['deploymentId', 'side', 'targets', 'acceptanceCriteria', 'requestedAt'],
  ),
  RolledBack: objectOf({ deploymentId: identifier, rolledBackAt: timestamp, reason: code }, ['deploymentId', 'rolledBackAt', 'reason']),
  DeploymentFailed: objectOf({ deploymentId: identifier, failedAt: timestamp, reason: code, detail: text() }, ['deploymentId', 'failedAt', 'reason']),
  RunRescheduled: objectOf({ deploymentId: identifier, window: windowSchema }, ['deploymentId', 'window']),
  ScheduleMissed: objectOf(
    { deploymentId: identifier, window: windowSchema, phase: { type: 'string', enum: ['before-start', 'during-run'] }, detectedAt: timestamp },
    ['deploymentId', 'window', 'phase', 'detectedAt'],
  ),
  BackupTaken: objectOf({ deploymentId: identifier, snapshotRef: label(512), takenAt: timestamp }, ['deploymentId', 'snapshotRef', 'takenAt']),
  TargetDeploymentFailed: objectOf(
    { deploymentId: identifier, wave, target: targetSchema, reason: code, detail: text(), failedAt: timestamp },
    ['deploymentId', 'wave', 'target', 'reason', 'failedAt'],
  ),
  ComponentsRemoved: objectOf(
    { deploymentId: identifier, wave, target: targetSchema, components: arrayOf(componentVersionSchema, LIMITS.components, 1) },
    ['deploymentId', 'wave', 'target', 'components'],
  ),
  TrafficSwitched: objectOf({ deploymentId: identifier, from: blueGreenSideSchema, to: blueGreenSideSchema, switchedAt: timestamp }, ['deploymentId', 'from', 'to', 'switchedAt']),
  SideRetired: objectOf({ deploymentId: identifier, side: blueGreenSideSchema, retiredAt: timestamp }, ['deploymentId', 'side', 'retiredAt']),
  RunPaused: objectOf({ deploymentId: identifier, reason: code, by: person, pausedAt: timestamp }, ['deploymentId', 'reason', 'by', 'pausedAt']),
  RunResumed: objectOf({ deploymentId: identifier, by: person, resumedAt: timestamp }, ['deploymentId', 'by', 'resumedAt']),
  VerificationOutcomeReceived: objectOf(
    {
      deploymentId: identifier,
      check: { type: 'string', enum: ['canary', 'idle-side', 'deployment'] },
      verdict: { type: 'string', enum: ['pass', 'fail', 'inconclusive'] },
      wave,
      receivedAt: timestamp,
    },
    ['deploymentId', 'check', 'verdict', 'receivedAt'],
  ),
  RollbackDecided: objectOf({ deploymentId: identifier, rollback: { type: 'boolean' }, by: person, decidedAt: timestamp }, ['deploymentId', 'rollback', 'by', 'decidedAt']),
  RollbackStarted: objectOf({ deploymentId: identifier, reason: code, startedAt: timestamp }, ['deploymentId', 'reason', 'startedAt']),
  TargetRolledBack: objectOf({ deploymentId: identifier, wave, target: targetSchema, rolledBackAt: timestamp }, ['deploymentId', 'wave', 'target', 'rolledBackAt']),
  BackupRestored: objectOf({ deploymentId: identifier, snapshotRef: label(512), restoredAt: timestamp }, ['deploymentId', 'snapshotRef', 'restoredAt']),
  ManualStepRequired: objectOf(
    {
      deploymentId: identifier,
      stepId: label(400),
      wave,
      target: targetSchema,
      action: code,
      role: label(64),
      instruction: text(),
      evidenceRequired: { type: 'boolean' },
      requestedAt: timestamp,
    },
    ['deploymentId', 'stepId', 'wave', 'target', 'action', 'role', 'instruction', 'evidenceRequired', 'requestedAt'],
  ),
  ManualStepCompleted: objectOf(
    {
      deploymentId: identifier,
      stepId: label(400),
      by: person,
      evidence: arrayOf(objectOf({ description: text(500), reference: text(1000) }, ['description', 'reference']), 20),
      completedAt: timestamp,
    },
    ['deploymentId', 'stepId', 'by', 'evidence', 'completedAt'],
  ),
};
