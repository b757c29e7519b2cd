export { deploymentIdFor, Deployments, requestFrom } from './deployments';
export { deploymentsSlice } from './deployments.slice';
export { authorisationRulesFrom, DEFAULT_AUTHORISATION_RULES, type AuthorisationRules } from './authorisation';
