import type { ChainStage } from '@gantry/contracts';
import type { DeploymentRecord } from './deployment-record.decider';
import { promotionChainOf } from './promotion-chain';

const chainId = '7d3c1a20-4b5e-4c6f-8a7b-9c0d1e2f3a4b';
const chain: ChainStage = {
  chainId,
  stage: 1,
  of: 3,
  stages: [
    { environment: 'test', kind: 'test' },
    { environment: 'staging', kind: 'staging' },
    { environment: 'prod-eu', kind: 'production' },
  ],
};
const stage = (n: number, deploymentId: string, closed?: Pick<DeploymentRecord, 'outcome' | 'cause'>): DeploymentRecord => ({
  deploymentId,
  environment: chain.stages![n - 1].environment,
  chain: { ...chain, stage: n },
  phase: closed ? 'closed' : 'planned',
  events: 2,
  ...closed,
});

describe('a chained promotion as records shows it', () => {
  it('given its first stage succeeded and its second planned, it is in progress, the third stage not yet requested', () => {
    expect(promotionChainOf(chainId, [stage(2, 'd-2'), stage(1, 'd-1', { outcome: 'succeeded' })])).toEqual({
      chainId,
      status: 'in-progress',
      of: 3,
      stages: [
        { stage: 1, environment: 'test', kind: 'test', deploymentId: 'd-1', phase: 'closed', outcome: 'succeeded' },
        { stage: 2, environment: 'staging', kind: 'staging', deploymentId: 'd-2', phase: 'planned' },
        { stage: 3, environment: 'prod-eu', kind: 'production' },
      ],
    });
  });

  it('given a stage that failed, the chain stopped there', () => {
    const view = promotionChainOf(chainId, [stage(1, 'd-1', { outcome: 'succeeded' }), stage(2, 'd-2', { outcome: 'failed', cause: 'AcceptanceCriteriaNotMet' })]);
    expect(view?.status).toBe('stopped');
    expect(view?.stoppedAt).toEqual({ stage: 2, outcome: 'failed', cause: 'AcceptanceCriteriaNotMet' });
  });

  it('given every stage succeeded, the chain is complete', () => {
    const view = promotionChainOf(chainId, [1, 2, 3].map((n) => stage(n, `d-${n}`, { outcome: 'succeeded' })));
    expect(view?.status).toBe('completed');
  });

  it('given no stage of it, there is no chain', () => {
    expect(promotionChainOf(chainId, [])).toBeUndefined();
  });
});
