import type { EventStore } from '@gantry/event-store';
import type { Slice } from '@gantry/platform';
import { deploymentProgress, deploymentProgressMigrations } from './deployment-progress';
import { deploymentModels, planningFactsMigrations, startedDeployments, succeededVersions } from './planning-facts';

/**
 * What planning learns from the services after it: the deployment models in force, the versions that succeeded in
 * each kind of environment (the promotion rule), which deployments started, and how far each has come.
 */
export const planningFactsSlice = (store: EventStore): Slice => ({
  name: 'planning-facts',
  migrations: [...planningFactsMigrations, ...deploymentProgressMigrations],
  reactions: [deploymentModels(store), succeededVersions(store), startedDeployments(store), deploymentProgress(store)],
});
