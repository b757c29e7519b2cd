import type { Slice } from '@gantry/platform';
import { AuditFindingsController } from './audit-findings.controller';
import { auditFindingsMigrations } from './audit-findings.projection';

/** What auditors found about deployments, recorded in the ledger like everything else. */
export const findingsSlice: Slice = { name: 'findings', migrations: auditFindingsMigrations, doors: [AuditFindingsController] };
