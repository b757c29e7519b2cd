export { announceDeploymentChange, deploymentChangedChannel, readDeploymentProgress, type DeploymentProgress } from './deployment-progress';
export { hasStarted, learnSucceededVersions, planningFactsReadModels, readActiveModels, readSucceededVersions, type ActiveModel } from './planning-facts';
export { planningFactsSlice } from './planning-facts.slice';
