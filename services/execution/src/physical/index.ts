export { physicalReadinessDecider, type PhysicalReadiness, type PhysicalReadinessEvent } from './physical-readiness.decider';
export { needsPhysicalReadiness, sitesOf, unitsOrdered } from './physical-plan';
export { PhysicalDeployments, physicalReadinessStream, type PhysicalReadinessView } from './physical-readiness';
export { physicalSlice } from './physical.slice';
