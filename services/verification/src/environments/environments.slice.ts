import type { ReadModels } from '@gantry/event-store';
import type { Slice } from '@gantry/platform';
import { environments } from './environments.read-model';

/** The environments as planning publishes them, to check target environments against. */
export const environmentsSlice = (readModels: ReadModels): Slice => ({
  name: 'environments',
  readModels,
  reactions: [environments(readModels)],
});
