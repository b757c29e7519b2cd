export type { DeploymentRecord } from './deployment-record.decider';
export { closeRecordOnceOutcomeKnown, correctReportAfterMonitoring, correctReportsOnIncident, reportAcceptanceOnceVerdictKnown, reportHoldsOnceKnown } from './deployment-record.reactions';
export { projectDeploymentRecord, readDeploymentRecord } from './deployment-records.projection';
export { deploymentRecordsSlice } from './deployment-records.slice';
export { environmentKinds, projectEnvironmentKind, withEnvironmentKind } from './environment-kinds.projection';
