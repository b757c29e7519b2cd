export { deploymentIdFor, Deployments, requestFrom } from './deployments';
export { deploymentsSlice } from './deployments.slice';
export { authorisationPolicyFromEnv, DEFAULT_AUTHORISATION_POLICY, type AuthorisationPolicy } from './authorisation';
