import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Absolute path of the gRPC contract of change enablement (`gantry.v1.DeploymentService`). */
export const DEPLOYMENTS_PROTO_PATH = join(__dirname, '..', 'proto', 'gantry', 'v1', 'deployments.proto');

/** Absolute path of the gRPC contract of the audit ledger (`gantry.v1.AuditService`, served by records). */
export const AUDIT_PROTO_PATH = join(__dirname, '..', 'proto', 'gantry', 'v1', 'audit.proto');

/** Absolute path of execution's gRPC contract (`gantry.v1.ExecutionService`). */
export const EXECUTION_PROTO_PATH = join(__dirname, '..', 'proto', 'gantry', 'v1', 'execution.proto');

/** Include directory for proto-loader's `includeDirs`, so imports resolve as `gantry/v1/...`. */
export const PROTO_ROOT = join(__dirname, '..', 'proto');

/** Every gRPC contract of package `gantry.v1` (one file per service: deployments, execution, audit …), served together. */
export const GANTRY_PROTO_PATHS: readonly string[] = readdirSync(join(PROTO_ROOT, 'gantry', 'v1'))
  .filter((file) => file.endsWith('.proto'))
  .sort()
  .map((file) => join(PROTO_ROOT, 'gantry', 'v1', file));
