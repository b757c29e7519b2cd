import type { DeploymentPlanned } from '@gantry/contracts';
import type { StepOutcome } from './deployment-run.decider';
import type { ComponentToInstall } from './deployment-run.state';
import type { RunStep } from './run-steps';

// The executor port: what the driver asks of whoever performs a step. The run defines it; the adapters (executors/)
// implement it.

/** One executor call: the step, the run it belongs to, and the idempotency key the executor deduplicates on. */
export interface StepRequest {
  deploymentId: string;
  plan: DeploymentPlanned;
  step: RunStep;
  /** (deployment, target, step, attempt): the same for every ask of the same step, across restarts */
  idempotencyKey: string;
  attempt: number;
  /** what to install: each component version with the digest and signature verified; a deploy reports the digests installed */
  components: ComponentToInstall[];
}

/** `pending`: the executor accepted the step and reports its result later (the webhook executor's callback). */
export type ExecutorAnswer = StepOutcome | { status: 'pending' };

/** The executor could not be reached or asked us to come back: the driver asks again, with the same key, with backoff. */
export class TransientExecutorError extends Error {}

/** The port every executor implements; the driver picks one per environment (GANTRY_EXECUTORS). */
export interface Executor {
  perform(request: StepRequest): Promise<ExecutorAnswer>;
}

/** The executors of the environments (GANTRY_EXECUTORS), and how patiently the driver asks them. */
export interface Executors {
  readonly config: { retries: number; retryBackoffMs: number; sweepMs: number; leaseMs: number };
  executorFor(environment: string): Executor;
}
