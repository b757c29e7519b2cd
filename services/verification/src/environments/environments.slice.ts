import type { Slice } from '@gantry/platform';
import { environments, environmentsMigrations } from './environments.read-model';

/** The environments as planning publishes them, to check target environments against. */
export const environmentsSlice = (schema: string): Slice => ({
  name: 'environments',
  migrations: environmentsMigrations,
  reactions: [environments(schema)],
});
