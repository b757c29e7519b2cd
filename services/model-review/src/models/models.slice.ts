import type { Provider } from '@nestjs/common';
import type { EventStore } from '@gantry/event-store';
import type { Clock, Slice } from '@gantry/platform';
import { modelPilotsConsumer } from './model-pilots.reactions';
import { DeploymentModels } from './models';
import { ModelsController } from './models.controller';
import { modelsMigrations } from './models.read-model';
import { StarterCatalogueOnStart } from './starter-catalogue.boot';
import { StarterCatalogue } from './starter-catalogue.loader';

/** The catalogue of deployment models: drafted, published in versions (maybe as pilots), retired; the starter catalogue loaded on demand. */
export const modelsSlice = (store: EventStore, models: DeploymentModels, clock: Clock, starterCatalogueOnStart: boolean): Slice => {
  const catalogue = new StarterCatalogue(store, models);
  const onStart: Provider[] = starterCatalogueOnStart ? [{ provide: StarterCatalogueOnStart, useValue: new StarterCatalogueOnStart(catalogue, clock) }] : [];
  return {
    name: 'models',
    migrations: modelsMigrations,
    doors: [ModelsController],
    reactions: [modelPilotsConsumer(models)],
    provides: [{ provide: DeploymentModels, useValue: models }, { provide: StarterCatalogue, useValue: catalogue }, ...onStart],
  };
};
