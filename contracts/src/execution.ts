import { arrayOf, identifier, objectOf, text, timestamp, type JsonSchema } from './json-schema';
import { planningEventSchemas, type DeploymentPlanned } from './planning';
import { componentVersionSchema, LIMITS, targetSchema, targetsSchema } from './vocabulary';

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

export interface ExecutionEventPayloads {
  RunPrepared: RunPrepared;
  ReadinessConfirmed: ReadinessConfirmed;
  RunAbandoned: RunAbandoned;
  DeploymentStarted: DeploymentStarted;
  WaveStarted: WaveStarted;
  TargetDeployed: TargetDeployed;
  WaveCompleted: WaveCompleted;
  DeploymentExecuted: DeploymentExecuted;
}

const wave = { type: 'integer', minimum: 0, maximum: LIMITS.waves } as const satisfies JsonSchema;

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
};
