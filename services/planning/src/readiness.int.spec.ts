import { credentials, loadPackageDefinition, status, type Client, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { boot, type RunningProcess } from '@gantry/platform';
import { createTestDatabase, eventually, startOwnBroker, type OwnBroker, type TestDatabase } from '@gantry/testing';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { PlanningModule } from './planning.module';

/**
 * Liveness and readiness as a platform probes them, over HTTP and gRPC's health service, while planning loses its
 * Kafka broker and gets it back. The broker is this test's own: stopping the run's broker would disturb the others.
 */
let broker: OwnBroker;
let database: TestDatabase;
let planning: RunningProcess;
let health: Client;

beforeAll(async () => {
  [broker, database] = await Promise.all([startOwnBroker(), createTestDatabase('gantry_planning_readiness')]);
  planning = await boot('planning', {
    modules: (runtime) => [PlanningModule.register(runtime)],
    grpc: true,
    env: { DATABASE_URL: database.url, KAFKA_BROKERS: broker.brokers, PORT: '0', GRPC_PORT: '0', HOST: '127.0.0.1', GANTRY_JWT_SECRET: 'readiness-secret-of-at-least-32-characters', LOG_LEVEL: 'fatal' },
  });
  const Health = (loadPackageDefinition(loadSync(healthProtoPath, { enums: String })) as unknown as { grpc: { health: { v1: { Health: ServiceClientConstructor } } } }).grpc.health.v1.Health;
  health = new Health(`127.0.0.1:${planning.grpcPort}`, credentials.createInsecure());
}, 240_000);

afterAll(async () => {
  health?.close();
  await planning?.stop();
  await Promise.all([broker?.destroy(), database?.drop()]);
}, 120_000);

const probe = async (path: string) => {
  const response = await fetch(`${planning.url}${path}`);
  return { status: response.status, body: (await response.json()) as { status: string; checks?: Record<string, { status: string }> } };
};
const grpcHealth = (service = '') =>
  new Promise<string>((resolve, reject) =>
    (health as unknown as { Check: Function }).Check({ service }, (error: { code: number } | null, answer?: { status: string }) => (error ? reject(error) : resolve(answer!.status))),
  );

it('readiness follows the broker (503 naming the bus while it is down, 200 when it is back); liveness stays 200', async () => {
  expect(await probe('/health/ready')).toEqual({ status: 200, body: { status: 'ok', checks: { database: expect.objectContaining({ status: 'up' }), bus: expect.objectContaining({ status: 'up' }) } } });
  expect((await probe('/health')).status).toBe(200);
  expect(await probe('/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
  // gRPC health follows readiness within its refresh (GRPC_HEALTH_REFRESH_MS): at start it may still say what it found
  // before the bus had connected
  await eventually(async () => (await grpcHealth()) === 'SERVING', { what: 'gRPC health SERVING', timeoutMs: 30_000 });
  expect(await grpcHealth('gantry.v1.DeploymentService')).toBe('SERVING');

  const liveness: number[] = [];
  const watchLiveness = setInterval(() => void probe('/health/live').then((r) => liveness.push(r.status), () => liveness.push(0)), 250);
  try {
    await broker.stop();
    const stopped = Date.now();
    await eventually(async () => (await probe('/health/ready')).status === 503, { what: 'readiness 503 with the broker down', timeoutMs: 60_000 });
    const down = await probe('/health/ready');
    console.info(`readiness went 503 ${Date.now() - stopped} ms after the broker stopped: ${JSON.stringify(down.body)}`);
    expect(down.body).toMatchObject({ status: 'unavailable', checks: { database: { status: 'up' }, bus: { status: 'down' } } });
    expect((await probe('/health')).status).toBe(503);
    await eventually(async () => (await grpcHealth()) === 'NOT_SERVING', { what: 'gRPC health NOT_SERVING', timeoutMs: 60_000 });
    expect(await grpcHealth('gantry.v1.DeploymentService')).toBe('NOT_SERVING');

    await broker.start();
    const restarted = Date.now();
    await eventually(async () => (await probe('/health/ready')).status === 200, { what: 'readiness 200 with the broker back', timeoutMs: 120_000 });
    console.info(`readiness back to 200 ${Date.now() - restarted} ms after the broker restarted`);
    await eventually(async () => (await grpcHealth()) === 'SERVING', { what: 'gRPC health SERVING again', timeoutMs: 60_000 });
  } finally {
    clearInterval(watchLiveness);
  }
  expect(liveness.length).toBeGreaterThan(4);
  expect(liveness.filter((s) => s !== 200)).toEqual([]);
}, 300_000);

it('a service it does not know is NOT_FOUND on the health service', async () => {
  await expect(grpcHealth('gantry.v1.AuditService')).rejects.toMatchObject({ code: status.NOT_FOUND });
});
