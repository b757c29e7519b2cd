export * from './planning.module';
export { DeploymentWatch } from './deployments';
