import type { Executor, ExecutorAnswer, StepRequest } from '../runs';

export interface ManualExecutorConfig {
  type: 'manual';
  /** who performs steps the deployment model gives no instruction for; default `deployment-practitioner` */
  role?: string;
}

/**
 * People do the work (hardware installation, physical checks): every step becomes manual steps assigned to a role,
 * with the model's instructions for deploying, and a generic instruction for anything else. Completed through REST.
 */
export class ManualExecutor implements Executor {
  constructor(private readonly config: ManualExecutorConfig = { type: 'manual' }) {}

  async perform({ plan, step }: StepRequest): Promise<ExecutorAnswer> {
    const templates = plan.manualSteps ?? [];
    if ((step.kind === 'deploy' || step.kind === 'remove') && templates.length > 0) {
      return { status: 'manual', steps: templates.map(({ role, instruction, evidenceRequired }) => ({ role, instruction: `${instruction} (${step.target})`, evidenceRequired })) };
    }
    const what = plan.components.map((c) => `${c.name} ${c.version}`).join(', ');
    const on = 'target' in step ? ` on ${step.target}` : '';
    return { status: 'manual', steps: [{ role: this.config.role ?? 'deployment-practitioner', instruction: `${step.kind} ${what}${on}`, evidenceRequired: true }] };
  }
}
