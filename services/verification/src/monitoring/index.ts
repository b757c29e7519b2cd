export { MonitoringPeriods } from './monitoring-periods';
export { monitoringSlice } from './monitoring.slice';
