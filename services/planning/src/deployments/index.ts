export { closedDeploymentsReleaseTheirWindows } from './closed-deployments.consumer';
export { deploymentIdFor, Deployments } from './deployments';
export { DeploymentsController } from './deployments.controller';
export { DeploymentsGrpc } from './deployments.grpc';
