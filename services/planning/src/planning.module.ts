import { Module, type DynamicModule } from '@nestjs/common';
import type { EventStore } from '@gantry/event-store';
import { serviceModule, type ServiceRuntime, type Slice } from '@gantry/platform';
import { AuthorisationKeys, authorisationKeysSlice } from './authorisation-keys';
import { changeEnablementSlice } from './change-enablement';
import {
  authorisationRulesFrom,
  DEFAULT_AUTHORISATION_RULES,
  DEFAULT_WATCH_SETTINGS,
  DeploymentWatch,
  Deployments,
  deploymentsSlice,
  watchSettingsFrom,
  type AuthorisationRules,
  type WatchSettings,
} from './deployments';
import { environmentsSlice } from './environments';
import { planningFactsReadModels, planningFactsSlice } from './planning-facts';
import { scheduleSlice } from './schedule';
import { serviceCatalogueSlice } from './service-catalogue';

/**
 * `authorisation`: the ways each kind of environment accepts a change's authorisation (GANTRY_AUTHORISATION_<KIND>) and
 * the kinds where its requester may not authorise it (GANTRY_REQUESTER_MAY_NOT_AUTHORISE_<KIND>). `watching`: the bounds of
 * WatchDeployment (GANTRY_WATCH_MAX_STREAMS, GANTRY_WATCH_REREAD_MS) and how its watchers hear of changes.
 */
export const planningSlices = (store: EventStore, authorisation: AuthorisationRules = DEFAULT_AUTHORISATION_RULES, watching: WatchSettings = DEFAULT_WATCH_SETTINGS): Slice[] => {
  const readModels = planningFactsReadModels(store.db, store.schema);
  // a revoked key revokes, in its revocation transaction, the authorisations it signed of plans not yet closed
  const keys: AuthorisationKeys = new AuthorisationKeys(store, (tx, revocation, origin) => deployments.authorisationKeyRevoked(tx, revocation, origin));
  const deployments: Deployments = new Deployments(store, readModels, keys, authorisation);
  return [deploymentsSlice(deployments, new DeploymentWatch(store.db, store.schema, watching)), environmentsSlice, scheduleSlice, planningFactsSlice(store, readModels), changeEnablementSlice(deployments), authorisationKeysSlice(keys), serviceCatalogueSlice];
};

/** Planning: turns an authorised change into a deployment plan, or refuses it with a reason (domain.md, steps 1–2). */
@Module({})
export class PlanningModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    const authorisation = authorisationRulesFrom(runtime.config);
    return serviceModule(PlanningModule, 'planning', runtime, (store) => planningSlices(store, authorisation, watchSettingsFrom(runtime.config)));
  }
}
