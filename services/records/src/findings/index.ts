export { AuditFindingsController } from './audit-findings.controller';
export { auditFindingsMigrations, listAuditFindings, projectAuditFinding } from './audit-findings.projection';
