import type { Slice } from '@gantry/platform';
import { closedDeploymentsReleaseTheirWindows } from './closed-deployments.reactions';
import { DeploymentWatch } from './deployment-watch';
import { Deployments } from './deployments';
import { DeploymentsController } from './deployments.controller';
import { DeploymentsGrpc } from './deployments.grpc';
import { promotionChainsMoveOn } from './promotion-chain.reactions';

/** Requests planned or refused, cancelled, rescheduled, watched; their windows released once their records close; chained promotions moving on. */
export const deploymentsSlice = (deployments: Deployments, watch: DeploymentWatch): Slice => ({
  name: 'deployments',
  doors: [DeploymentsController, DeploymentsGrpc],
  provides: [
    { provide: Deployments, useValue: deployments },
    { provide: DeploymentWatch, useValue: watch },
  ],
  reactions: [closedDeploymentsReleaseTheirWindows(deployments), promotionChainsMoveOn(deployments)],
});
