import type { Server } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { GANTRY_PROTO_PATHS, PROTO_ROOT } from '@gantry/contracts';
import { HealthImplementation, protoPath as healthProtoPath, type ServingStatus } from 'grpc-health-check';
import { dirname } from 'node:path';

export const HEALTH_SERVICE = 'grpc.health.v1.Health';

/** How often the gRPC health service asks readiness again: its Check answers what the last round found. */
export const GRPC_HEALTH_REFRESH_MS = 5_000;

/**
 * The standard services every gRPC port of Gantry serves beside its own, as platforms and tools expect them: the
 * health checking protocol (grpc.health.v1.Health: Check, Watch, List), each served service and "" (the whole server)
 * SERVING while the process is ready, NOT_SERVING otherwise, and server reflection (v1 and v1alpha: what grpcurl
 * lists and describes). Both are added to the grpc-js server directly, outside Nest's handlers: AuthGuard never sees
 * them and they need no token, as a platform's probe carries none; they disclose only the contracts and readiness.
 */
export class GrpcStandardServices {
  private readonly health = new HealthImplementation({ '': 'NOT_SERVING' });
  private served: string[] = [];
  private current: ServingStatus = 'NOT_SERVING';
  private refreshing: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly ready: () => Promise<boolean>,
    private readonly refreshMs = GRPC_HEALTH_REFRESH_MS,
  ) {}

  /** Adds both services to the server (before it starts), for the fully qualified services it serves, and starts following readiness. */
  async addTo(server: Server, services: readonly string[]): Promise<void> {
    this.served = [...services];
    for (const service of services) this.health.setStatus(service, 'NOT_SERVING');
    this.health.addToServer(server);
    const definition = loadSync([...GANTRY_PROTO_PATHS, healthProtoPath], { includeDirs: [PROTO_ROOT, dirname(dirname(dirname(healthProtoPath)))] });
    new ReflectionService(definition, { services: [...services, HEALTH_SERVICE] }).addToServer(server);
    await this.refresh();
    this.refreshing = setInterval(() => void this.refresh(), this.refreshMs).unref();
  }

  /** Stops following readiness; what is still asked answers NOT_SERVING while the server shuts down. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.refreshing);
    this.set('NOT_SERVING');
  }

  private async refresh(): Promise<void> {
    const ready = await this.ready().catch(() => false);
    if (!this.stopped) this.set(ready ? 'SERVING' : 'NOT_SERVING');
  }

  /** Only a change is set: setStatus writes to every open Watch of the service. */
  private set(status: ServingStatus): void {
    if (status === this.current) return;
    this.current = status;
    for (const service of ['', ...this.served]) this.health.setStatus(service, status);
  }
}
