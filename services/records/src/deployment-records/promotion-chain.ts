import type { DeploymentOutcome, EnvironmentKind } from '@gantry/contracts';
import type { DeploymentRecord } from './deployment-record.decider';

/**
 * A chained promotion seen as one: its stages in order, each with the deployment requested for it (none yet: the
 * stage before has not succeeded) and how far it came, and the chain's status: `in-progress` until a stage closes
 * otherwise than succeeded (`stopped`, at that stage) or the last one succeeds (`completed`).
 */
export interface PromotionChainView {
  chainId: string;
  status: 'in-progress' | 'completed' | 'stopped';
  of: number;
  stages: {
    stage: number;
    environment: string;
    kind?: EnvironmentKind;
    deploymentId?: string;
    phase?: DeploymentRecord['phase'];
    outcome?: DeploymentOutcome;
    cause?: string;
  }[];
  stoppedAt?: { stage: number; outcome: DeploymentOutcome; cause?: string };
}

/** The chain `chainId` from the records of its stages requested so far (none: nothing is known of it). */
export const promotionChainOf = (chainId: string, records: readonly DeploymentRecord[]): PromotionChainView | undefined => {
  const staged = records.filter((r) => r.chain?.chainId === chainId).sort((a, b) => a.chain!.stage - b.chain!.stage);
  if (staged.length === 0) return undefined;
  const { of, stages: planned } = staged[0].chain!;
  const stages = Array.from({ length: of }, (_, i) => {
    const record = staged.find((r) => r.chain!.stage === i + 1);
    const where = planned?.[i] ?? (record ? { environment: record.environment!, kind: record.environmentKind } : { environment: 'unknown' });
    return {
      stage: i + 1,
      ...where,
      ...(record
        ? { deploymentId: record.deploymentId, phase: record.phase, ...(record.outcome ? { outcome: record.outcome } : {}), ...(record.cause ? { cause: record.cause } : {}) }
        : {}),
    };
  });
  const stopped = stages.find((s) => s.outcome !== undefined && s.outcome !== 'succeeded');
  const status = stopped ? 'stopped' : stages[of - 1].outcome === 'succeeded' ? 'completed' : 'in-progress';
  return {
    chainId,
    status,
    of,
    stages,
    ...(stopped ? { stoppedAt: { stage: stopped.stage, outcome: stopped.outcome!, ...(stopped.cause ? { cause: stopped.cause } : {}) } } : {}),
  };
};
