import type { Slice } from '@gantry/platform';
import { Environments } from './environments';
import { EnvironmentsController } from './environments.controller';

/** The controlled environments deployments go into: their targets, freezes, windows and approval policy. */
export const environmentsSlice: Slice = {
  name: 'environments',
  doors: [EnvironmentsController],
  provides: [Environments],
};
