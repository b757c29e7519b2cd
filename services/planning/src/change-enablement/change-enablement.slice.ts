import type { Slice } from '@gantry/platform';
import type { Deployments } from '../deployments';
import { itsmChangesConsumer } from './itsm-changes.consumer';

/** The third door: change enablement's authorised and cancelled changes. */
export const changeEnablementSlice = (deployments: Deployments): Slice => ({
  name: 'change-enablement',
  consumers: [itsmChangesConsumer(deployments)],
});
