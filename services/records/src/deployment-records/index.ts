export { AuditController } from './audit.controller';
export { AuditGrpc } from './audit.grpc';
export { AuditQueries } from './audit-queries';
export type { DeploymentRecord } from './deployment-record.decider';
export { closeRecordOnceOutcomeKnown, correctReportsOnIncident } from './deployment-record.reactions';
export { deploymentRecordsMigrations, projectDeploymentRecord, readDeploymentRecord } from './deployment-records.projection';
