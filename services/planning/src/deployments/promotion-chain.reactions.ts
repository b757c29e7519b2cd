import { SERVICE_TOPICS, type DeploymentRecordClosed } from '@gantry/contracts';
import type { Reactions } from '@gantry/platform';
import type { Deployments } from './deployments';

/** A chained promotion moves on when a stage's record closes as succeeded, and stops at any other outcome. */
export const promotionChainsMoveOn = (deployments: Deployments): Reactions => ({
  consumer: 'planning.promotion-chains',
  topics: [SERVICE_TOPICS.records],
  on: {
    DeploymentRecordClosed: async (event, tx, context) => {
      await deployments.promoteAfter(event.data as DeploymentRecordClosed, context, tx);
    },
  },
});
