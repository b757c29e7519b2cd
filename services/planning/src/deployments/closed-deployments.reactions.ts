import { SERVICE_TOPICS, type DeploymentRecordClosed } from '@gantry/contracts';
import type { Reactions } from '@gantry/platform';
import type { Deployments } from './deployments';

/** A deployment whose record closed, whatever the outcome, no longer holds its window: the window is free again. */
export const closedDeploymentsReleaseTheirWindows = (deployments: Deployments): Reactions => ({
  consumer: 'planning.closed-deployments',
  topics: [SERVICE_TOPICS.records],
  on: {
    DeploymentRecordClosed: async (event, tx, context) => {
      const closed = event.data as DeploymentRecordClosed;
      await deployments.releaseWindow(closed.deploymentId, context, tx);
    },
  },
});
