export { incidentsLinkedTo, incidentsOf, projectIncident, type Incident } from './incidents.projection';
export { incidentsSlice } from './incidents.slice';
