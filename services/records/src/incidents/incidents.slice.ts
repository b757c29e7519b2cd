import type { Slice } from '@gantry/platform';
import { incidentsMigrations } from './incidents.projection';

/** The service desk's incidents linked to deployments: what the change failure rate and corrected reports count. */
export const incidentsSlice: Slice = { name: 'incidents', migrations: incidentsMigrations };
