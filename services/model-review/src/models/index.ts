export { deploymentModelDecider, type DeploymentModel } from './deployment-model.decider';
export { DeploymentModels, modelStream } from './models';
export { modelsSlice } from './models.slice';
export type { ReviewsOfModels } from './reviews-of-models';
export { STARTER_CATALOGUE } from './starter-catalogue';
