import type { DeploymentPlanned } from '@gantry/contracts';
import type { TargetResult } from './deployment-run.decider';

/** The port every executor implements; webhook and manual executors come with issue 6. */
export interface Executor {
  deployWave(plan: DeploymentPlanned, wave: DeploymentPlanned['waves'][number]): Promise<TargetResult[]>;
}

/** Deterministic and instant: every target succeeds. For demos and tests. */
export class SimulatedExecutor implements Executor {
  async deployWave(_plan: DeploymentPlanned, wave: DeploymentPlanned['waves'][number]): Promise<TargetResult[]> {
    return wave.targets.map((target) => ({ wave: wave.index, target, outcome: 'deployed' }));
  }
}
