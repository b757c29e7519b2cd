export { deploymentIdFor, Deployments, requestFrom } from './deployments';
export { deploymentsSlice } from './deployments.slice';
