import type { Executor, ExecutorAnswer, StepRequest } from '../runs';
import type { AgentSteps } from './agent-steps';

export interface PullExecutorConfig {
  type: 'pull';
  /** how long a claimed step is the agent's without a renewal; default 30 */
  leaseSeconds?: number;
}

/** Agents inside the environment fetch their work: every step is put on offer, and its result comes with the agent's report. */
export class PullExecutor implements Executor {
  constructor(private readonly steps: AgentSteps) {}

  async perform(request: StepRequest): Promise<ExecutorAnswer> {
    await this.steps.offer(request);
    return { status: 'pending' };
  }
}
