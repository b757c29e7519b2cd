import type { EventStore, ReadModels } from '@gantry/event-store';
import type { Slice } from '@gantry/platform';
import { deploymentProgress, deploymentProgressMigrations } from './deployment-progress';
import { deploymentModels, startedDeployments, succeededVersions } from './planning-facts';

/**
 * What planning learns from the services after it: the deployment models in force, the versions that succeeded in
 * each kind of environment (the promotion rule), which deployments started, and how far each has come.
 */
export const planningFactsSlice = (store: EventStore, readModels: ReadModels): Slice => ({
  name: 'planning-facts',
  migrations: deploymentProgressMigrations,
  readModels,
  reactions: [deploymentModels(readModels), succeededVersions(store, readModels), startedDeployments(readModels), deploymentProgress(store)],
});
