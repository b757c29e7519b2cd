import type { Slice } from '@gantry/platform';
import { scheduleMigrations } from './reservations';
import { Schedule } from './schedule';
import { ScheduleController } from './schedule.controller';

/** The windows deployments hold in each environment, and the free ones. */
export const scheduleSlice: Slice = {
  name: 'schedule',
  migrations: scheduleMigrations,
  doors: [ScheduleController],
  provides: [Schedule],
};
