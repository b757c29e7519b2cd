import { Module, type DynamicModule } from '@nestjs/common';
import type { EventStore } from '@gantry/event-store';
import { serviceModule, type ServiceRuntime, type Slice } from '@gantry/platform';
import { changeEnablementSlice } from './change-enablement';
import { Deployments, deploymentsSlice } from './deployments';
import { environmentsSlice } from './environments';
import { planningFactsReadModels, planningFactsSlice } from './planning-facts';
import { scheduleSlice } from './schedule';

export const planningSlices = (store: EventStore): Slice[] => {
  const readModels = planningFactsReadModels(store.db, store.schema);
  const deployments = new Deployments(store, readModels);
  return [deploymentsSlice(deployments), environmentsSlice, scheduleSlice, planningFactsSlice(store, readModels), changeEnablementSlice(deployments)];
};

/** Planning: turns an authorised change into a deployment plan, or refuses it with a reason (domain.md, steps 1–2). */
@Module({})
export class PlanningModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    return serviceModule(PlanningModule, 'planning', runtime, planningSlices);
  }
}
