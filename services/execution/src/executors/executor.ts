import type { DeploymentPlanned } from '@gantry/contracts';
import type { StepOutcome } from '../runs/deployment-run.decider';
import type { RunStep } from '../runs/run-steps';

/** One executor call: the step, the run it belongs to, and the idempotency key the executor deduplicates on. */
export interface StepRequest {
  deploymentId: string;
  plan: DeploymentPlanned;
  step: RunStep;
  /** (deployment, target, step, attempt): the same for every ask of the same step, across restarts */
  idempotencyKey: string;
  attempt: number;
}

/** `pending`: the executor accepted the step and reports its result later (the webhook executor's callback). */
export type ExecutorAnswer = StepOutcome | { status: 'pending' };

/** The executor could not be reached or asked us to come back: the driver asks again, with the same key, with backoff. */
export class TransientExecutorError extends Error {}

/** The port every executor implements; the driver picks one per environment (GANTRY_EXECUTORS). */
export interface Executor {
  perform(request: StepRequest): Promise<ExecutorAnswer>;
}

/** The labels of a target, from the environment facts the plan carries. */
export const labelsOf = (plan: DeploymentPlanned, target: string): Record<string, string> =>
  plan.environmentSnapshot?.targets.find((t) => t.name === target)?.labels ?? {};
