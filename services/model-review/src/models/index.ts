export { deploymentModelDecider, type DeploymentModel } from './deployment-model.decider';
export { DeploymentModels, modelStream } from './models';
export { ModelsController } from './models.controller';
export { modelsMigrations } from './models.read-model';
export { REVIEWS_OF_MODELS, type ReviewsOfModels } from './reviews-of-models';
export { STARTER_CATALOGUE } from './starter-catalogue';
export { StarterCatalogueOnStart } from './starter-catalogue.boot';
export { StarterCatalogue } from './starter-catalogue.loader';
