import { join } from 'node:path';

/** Absolute path of the gRPC contract of change enablement (`gantry.v1.DeploymentService`). */
export const DEPLOYMENTS_PROTO_PATH = join(__dirname, '..', 'proto', 'gantry', 'v1', 'deployments.proto');

/** Absolute path of execution's gRPC contract (`gantry.v1.ExecutionService`). */
export const EXECUTION_PROTO_PATH = join(__dirname, '..', 'proto', 'gantry', 'v1', 'execution.proto');

/** Include directory for proto-loader's `includeDirs`, so imports resolve as `gantry/v1/...`. */
export const PROTO_ROOT = join(__dirname, '..', 'proto');
