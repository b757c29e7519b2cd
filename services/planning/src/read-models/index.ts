export { deploymentProgressConsumer, deploymentProgressMigrations, readDeploymentProgress, type DeploymentProgress } from './deployment-progress';
export {
  deploymentModelsConsumer,
  hasStarted,
  planningReadModelMigrations,
  readActiveModels,
  readSucceededVersions,
  startedDeploymentsConsumer,
  succeededVersionsConsumer,
  type ActiveModel,
} from './planning-read-models';
