import { setTimeout as delay } from 'node:timers/promises';
import type { DeploymentPlanned } from '@gantry/contracts';
import type { Executor, ExecutorAnswer, StepRequest } from '../runs';

/**
 * A behaviour for the targets carrying a label (`key=value`): how long each step takes, and whether it fails (with
 * that reason code). `steps` limits the rule to some step kinds (default: `deploy` and `remove`).
 */
export interface SimulationRule {
  label: string;
  durationMs?: number;
  fail?: string;
  steps?: string[];
}

export interface SimulatedExecutorConfig {
  type: 'simulated';
  /** how long every step takes unless a rule says otherwise; default 0 */
  durationMs?: number;
  rules?: SimulationRule[];
}

/** The labels of a target, from the environment facts the plan carries. */
const labelsOf = (plan: DeploymentPlanned, target: string): Record<string, string> =>
  plan.environmentSnapshot?.targets.find((t) => t.name === target)?.labels ?? {};

/** Deterministic: the same plan and configuration always give the same results. For demos and tests. */
export class SimulatedExecutor implements Executor {
  constructor(private readonly config: SimulatedExecutorConfig = { type: 'simulated' }) {}

  async perform({ plan, step, components }: StepRequest): Promise<ExecutorAnswer> {
    const labels = 'target' in step ? labelsOf(plan, step.target) : {};
    const rule = (this.config.rules ?? []).find((r) => {
      const [key, value] = r.label.split('=');
      return labels[key] === value && (r.steps ?? ['deploy', 'remove']).includes(step.kind);
    });
    const duration = rule?.durationMs ?? this.config.durationMs ?? 0;
    if (duration > 0) await delay(duration);
    if (rule?.fail) return { status: 'failed', reason: rule.fail, detail: `simulated failure for targets labelled ${rule.label}` };
    if (step.kind === 'backup') return { status: 'succeeded', snapshotRef: `simulated-snapshot-${plan.deploymentId}` };
    // it installs exactly what it was sent
    if (step.kind === 'deploy') return { status: 'succeeded', installed: components.flatMap(({ name, version, digest }) => (digest ? [{ name, version, digest }] : [])) };
    return { status: 'succeeded' };
  }
}
