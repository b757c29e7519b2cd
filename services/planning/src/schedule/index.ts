export { nextAvailableWindow } from './free-windows';
export { conflictingReservation, relatedServicesDeploying, type RelatedService } from './reservation-conflicts';
export { applyReservationEvents, lockReservationKeys, reservationsHolding, reservationsOfServices } from './reservations';
export { scheduleSlice } from './schedule.slice';
