import type { Slice } from '@gantry/platform';
import { AuditController } from './audit.controller';
import { AuditGrpc } from './audit.grpc';
import { AuditQueries } from './audit-queries';
import { deploymentRecordsMigrations } from './deployment-records.projection';
import { environmentKindsMigrations } from './environment-kinds.projection';

/** Each deployment's record, rebuilt from the ledger, as an auditor asks for it (as of a time, with its history). */
export const deploymentRecordsSlice: Slice = {
  name: 'deployment-records',
  migrations: [...deploymentRecordsMigrations, ...environmentKindsMigrations],
  doors: [AuditController, AuditGrpc],
  provides: [AuditQueries],
};
