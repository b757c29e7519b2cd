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
  type AcceptanceCriterion,
  type BlueGreenSide,
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
};
