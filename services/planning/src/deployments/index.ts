export { deploymentIdFor, Deployments } from './deployments';
export { deploymentsSlice } from './deployments.slice';
