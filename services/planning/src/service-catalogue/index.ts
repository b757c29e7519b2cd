export { serviceDecider, type CatalogueEntry } from './service.decider';
export { readRelatedServices, serviceStream, type ServiceDependencies } from './service-catalogue';
export { serviceCatalogueSlice } from './service-catalogue.slice';
