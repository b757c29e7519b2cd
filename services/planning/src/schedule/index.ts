export { nextAvailableWindow } from './free-windows';
export { conflictingReservation } from './reservation-conflicts';
export { applyReservationEvents, lockReservationKeys, reservationsHolding, scheduleMigrations } from './reservations';
export { Schedule } from './schedule';
export { ScheduleController } from './schedule.controller';
