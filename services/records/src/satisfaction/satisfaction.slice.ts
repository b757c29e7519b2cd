import type { Slice } from '@gantry/platform';
import { SatisfactionController } from './satisfaction.controller';
import { satisfactionMigrations } from './satisfaction.projection';

/** How satisfied the people a deployment served said they were. */
export const satisfactionSlice: Slice = { name: 'satisfaction', migrations: satisfactionMigrations, doors: [SatisfactionController] };
