export { findingsSlice } from './findings.slice';
export { listAuditFindings, projectAuditFinding } from './audit-findings.projection';
