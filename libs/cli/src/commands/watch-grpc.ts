import { gantryGrpc } from '@gantry/client/grpc';
import { CliFailure, EXIT, stillGoing, type ExitCode } from '../exit-codes';
import type { Invocation } from '../invocation';

/** gRPC status codes and the exit code each means. */
const GRPC_EXITS: Record<number, ExitCode> = { 7: EXIT.auth, 16: EXIT.auth, 14: EXIT.unreachable, 4: EXIT.unreachable };

/** Follows planning's WatchDeployment stream until its final update (`final: true`); the deployment it ended with. */
export async function watchOverGrpc(cli: Invocation, address: string, id: string, timeout: number, seen: (status: string, id: string) => void): Promise<unknown> {
  const { token, apiKey } = cli.credentials;
  const grpc = gantryGrpc({ address, token, apiKey });
  try {
    return await new Promise((resolve, reject) => {
      let last: { status: string } | undefined;
      const call = grpc.deployments.WatchDeployment({ id }, timeout > 0 ? { deadline: performance.timeOrigin + performance.now() + timeout * 1000 } : {});
      call.on('data', ({ deployment, final }: { deployment: { id: string; status: string }; final: boolean }) => {
        seen(deployment.status, deployment.id);
        last = deployment;
        if (final) resolve(deployment);
      });
      call.on('error', (error: Error & { code?: number; details?: string }) => {
        if (error.code === 4 && timeout > 0) return reject(stillGoing(id, last?.status, timeout));
        reject(new CliFailure(`gRPC ${address}: ${error.details || error.message}`, GRPC_EXITS[error.code ?? -1] ?? EXIT.refused));
      });
      call.on('end', () => reject(new CliFailure(`the WatchDeployment stream of ${id} ended before a final status`, EXIT.refused)));
    });
  } finally {
    grpc.close();
  }
}
