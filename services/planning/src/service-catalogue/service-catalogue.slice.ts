import type { Slice } from '@gantry/platform';
import { ServiceCatalogue } from './service-catalogue';
import { ServiceCatalogueController } from './service-catalogue.controller';

/** The service catalogue: each service's owner, stakeholders and their contacts, dependencies and notice channels. */
export const serviceCatalogueSlice: Slice = {
  name: 'service-catalogue',
  doors: [ServiceCatalogueController],
  provides: [ServiceCatalogue],
};
