import { join } from 'node:path';

/** Absolute path of the gRPC contract of change enablement (`gantry.v1.DeploymentService`). */
export const DEPLOYMENTS_PROTO_PATH = join(__dirname, '..', 'proto', 'gantry', 'v1', 'deployments.proto');

/** Absolute path of the gRPC contract of the audit ledger (`gantry.v1.AuditService`, served by records). */
export const AUDIT_PROTO_PATH = join(__dirname, '..', 'proto', 'gantry', 'v1', 'audit.proto');

/** Every gRPC contract of Gantry: a process serves the services of those it hosts. */
export const GRPC_PROTO_PATHS = [DEPLOYMENTS_PROTO_PATH, AUDIT_PROTO_PATH];

/** Include directory for proto-loader's `includeDirs`, so imports resolve as `gantry/v1/...`. */
export const PROTO_ROOT = join(__dirname, '..', 'proto');
