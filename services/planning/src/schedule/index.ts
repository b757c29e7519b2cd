export { nextAvailableWindow } from './free-windows';
export { conflictingReservation } from './reservation-conflicts';
export { applyReservationEvents, lockReservationKeys, reservationsHolding } from './reservations';
export { scheduleSlice } from './schedule.slice';
