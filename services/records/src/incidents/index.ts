export { incidentsLinkedTo, incidentsMigrations, incidentsOf, projectIncident, type Incident } from './incidents.projection';
