export { deploymentIdFor, Deployments, requestFrom } from './deployments';
export { deploymentsSlice } from './deployments.slice';
export { authorisationRulesFrom, DEFAULT_AUTHORISATION_RULES, type AuthorisationRules } from './authorisation';
export { DEFAULT_WATCH_SETTINGS, DeploymentWatch, watchSettingsFrom, type WatchSettings } from './deployment-watch';
