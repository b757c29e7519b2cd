import type { Slice } from '@gantry/platform';
import { PhysicalDeployments } from './physical-readiness';
import { PhysicalDeploymentsController } from './physical.controller';

/** Physical deployments: each site's readiness checklist and the delivery of the units ordered, before the run starts. */
export const physicalSlice = (physical: PhysicalDeployments): Slice => ({
  name: 'physical',
  doors: [PhysicalDeploymentsController],
  provides: [{ provide: PhysicalDeployments, useValue: physical }],
});
