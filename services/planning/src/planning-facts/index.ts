export { readDeploymentProgress, type DeploymentProgress } from './deployment-progress';
export { hasStarted, planningFactsReadModels, readActiveModels, readSucceededVersions, type ActiveModel } from './planning-facts';
export { planningFactsSlice } from './planning-facts.slice';
