export { readDeploymentProgress, type DeploymentProgress } from './deployment-progress';
export { hasStarted, readActiveModels, readSucceededVersions, type ActiveModel } from './planning-facts';
export { planningFactsSlice } from './planning-facts.slice';
