import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { credentials, loadPackageDefinition, Metadata, status, type Client, type ClientReadableStream, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { mintToken } from '@gantry/auth';
import { GANTRY_PROTO_PATHS, PROTO_ROOT } from '@gantry/contracts';
import { DeploymentWatch, PlanningModule } from '@gantry/planning';
import { boot, type RunningProcess } from '@gantry/platform';
import { createTestDatabase, eventually, type TestDatabase } from '@gantry/testing';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { standalone } from './standalone';

/**
 * The gRPC port as platforms and tools meet it (the standard health service and server reflection, without a token)
 * and WatchDeployment as change enablement follows a deployment with it: the five services on a real PostgreSQL, the
 * in-process bus, a deployment through its whole life; and a second replica of planning on the same database whose
 * change reaches the first one's watcher.
 */
const secret = 'grpc-watch-and-health-secret-of-32-characters';
const repoRoot = join(__dirname, '..', '..', '..');
let database: TestDatabase;
let running: RunningProcess;
let manager: string;
let auditor: string;
const clients: Client[] = [];

const v1 = () => (loadPackageDefinition(loadSync([...GANTRY_PROTO_PATHS], { includeDirs: [PROTO_ROOT], longs: String })) as unknown as { gantry: { v1: Record<string, ServiceClientConstructor> } }).gantry.v1;
const client = <C extends Client>(Service: ServiceClientConstructor, port = running.grpcPort!): C => {
  const made = new Service(`127.0.0.1:${port}`, credentials.createInsecure());
  clients.push(made);
  return made as unknown as C;
};
const bearer = (token?: string) => {
  const metadata = new Metadata();
  if (token) metadata.set('authorization', `Bearer ${token}`);
  return metadata;
};
const watchCount = () => running.app.get(DeploymentWatch, { strict: false }).count;

beforeAll(async () => {
  database = await createTestDatabase('gantry_grpc_watch');
  running = await boot('standalone', {
    ...standalone,
    env: {
      DATABASE_URL: database.url,
      PORT: '0',
      GRPC_PORT: '0',
      HOST: '127.0.0.1',
      GANTRY_JWT_SECRET: secret,
      GANTRY_RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'error',
      // changes must reach watchers by NOTIFY: the fallback re-read would come too late for these tests' ceilings
      GANTRY_WATCH_REREAD_MS: '600000',
      GANTRY_WATCH_MAX_STREAMS: '3',
      GANTRY_DATA_DIR: join(repoRoot, '.data', `grpc-watch-test-${randomUUID().slice(0, 8)}`),
    },
  });
  manager = await mintToken(secret, { sub: 'dana.manager', roles: ['deployment-manager'] });
  auditor = await mintToken(secret, { sub: 'audrey.auditor', roles: ['auditor'] });
}, 120_000);

afterAll(async () => {
  clients.forEach((c) => c.close());
  await running?.stop();
  await database?.drop();
});

const http = async (method: string, path: string, body?: unknown, url = running.url) => {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${manager}`, 'idempotency-key': randomUUID() },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json().catch(() => undefined)) as any };
};

describe('the standard gRPC services, without a token', () => {
  const Health = () => (loadPackageDefinition(loadSync(healthProtoPath, { enums: String })) as unknown as { grpc: { health: { v1: { Health: ServiceClientConstructor } } } }).grpc.health.v1.Health;
  const check = (health: Client, service: string) =>
    new Promise<{ code: number; status?: string }>((resolve) =>
      (health as unknown as { Check: Function }).Check({ service }, (error: { code: number } | null, answer?: { status: string }) => resolve(error ? { code: error.code } : { code: status.OK, status: answer!.status })),
    );

  it('health Check answers SERVING for the server and each service it serves, NOT_FOUND for one it does not know', async () => {
    const health = client(Health());
    for (const service of ['', 'gantry.v1.DeploymentService', 'gantry.v1.AuditService', 'gantry.v1.ExecutionService']) {
      expect({ service, ...(await check(health, service)) }).toEqual({ service, code: status.OK, status: 'SERVING' });
    }
    expect((await check(health, 'gantry.v1.NoSuchService')).code).toBe(status.NOT_FOUND);
  });

  it('health Watch streams the current status', async () => {
    const health = client(Health());
    const call = (health as unknown as { Watch: Function }).Watch({ service: '' }) as ClientReadableStream<{ status: string }>;
    const first = await new Promise<{ status: string }>((resolve, reject) => (call.once('data', resolve), call.once('error', reject)));
    call.cancel();
    expect(first.status).toBe('SERVING');
  });

  for (const version of ['v1', 'v1alpha'] as const) {
    it(`reflection ${version} lists the services and resolves a symbol to its file`, async () => {
      const reflectionProto = join(repoRoot, 'node_modules', '@grpc', 'reflection', 'build', 'proto', 'grpc', 'reflection', version, 'reflection.proto');
      const Reflection = (loadPackageDefinition(loadSync(reflectionProto)) as any).grpc.reflection[version].ServerReflection as ServiceClientConstructor;
      const reflection = client(Reflection);
      const ask = (request: Record<string, string>) =>
        new Promise<any>((resolve, reject) => {
          const call = (reflection as unknown as { ServerReflectionInfo: Function }).ServerReflectionInfo();
          call.once('data', (answer: unknown) => (call.end(), resolve(answer)));
          call.once('error', reject);
          call.write(request);
        });
      const listed = await ask({ listServices: '' });
      const names = (listed.listServicesResponse.service as { name: string }[]).map((s) => s.name);
      expect(names).toEqual(expect.arrayContaining(['gantry.v1.DeploymentService', 'gantry.v1.AuditService', 'gantry.v1.ExecutionService', 'grpc.health.v1.Health']));
      const file = await ask({ fileContainingSymbol: 'gantry.v1.DeploymentService' });
      const described = Buffer.concat(file.fileDescriptorResponse.fileDescriptorProto as Buffer[]).toString('latin1');
      expect(described).toContain('WatchDeployment');
      expect(described).toContain('DeploymentUpdate');
    });
  }
});

/** payments-api 2.4.1, signed and registered, and a staging environment without approvals: what a deployment needs to succeed. */
async function stagingWithASignedComponent(url = running.url): Promise<void> {
  const signed = (
    await promisify(execFile)(
      process.execPath,
      ['scripts/gantry.js', 'sign', '--key', 'examples/demo-signing-key.pem', '--key-id', 'gantry-demo', '--name', 'payments-api', '--version', '2.4.1', '--digest', `sha256:${'ab'.repeat(32)}`],
      { cwd: repoRoot, encoding: 'utf8' },
    )
  ).stdout;
  expect((await http('POST', '/signing-keys', readFileSync(join(repoRoot, 'examples', 'demo-signing-key.json'), 'utf8'), url)).status).toBe(201);
  expect((await http('POST', '/components', signed, url)).status).toBe(201);
  const staging = {
    name: 'staging',
    kind: 'staging',
    position: 4,
    attributes: { operatingSystem: 'linux' },
    targets: Array.from({ length: 10 }, (_, i) => i + 1).map((n) => ({ name: `staging-eu-${n}`, kind: 'host' })),
    timeZone: 'Europe/Berlin',
    deploymentWindows: [],
    freezes: [],
    approvalPolicy: { roles: [], minimumApprovers: 0 },
  };
  expect((await http('POST', '/environments', staging, url)).status).toBe(201);
}

let targets = 0;
/** A deployment of payments-api into staging: in the next free hour, or (`later`) tomorrow, so it stays planned. */
const requestDeployment = async (later = false, url = running.url): Promise<string> => {
  targets += 1;
  const tomorrow = Date.now() + 86_400_000;
  const requested = await http('POST', '/deployments', {
    changeId: `CHG-WATCH-${targets}`,
    changeType: 'normal',
    changeState: 'authorised',
    adHoc: true,
    service: `payments-${targets}`,
    kind: 'upgrade',
    components: [{ name: 'payments-api', version: '2.4.1', kind: 'software', digest: `sha256:${'ab'.repeat(32)}` }],
    environment: 'staging',
    targets: [`staging-eu-${targets}`],
    ...(later ? { window: { start: new Date(tomorrow).toISOString(), end: new Date(tomorrow + 3_600_000).toISOString() } } : { nextAvailable: { durationMinutes: 60 } }),
    acceptanceCriteria: [{ type: 'smoke-tests', description: 'checkout smoke suite passes', suite: 'checkout' }],
  }, url);
  expect(requested).toMatchObject({ status: 201, body: { status: 'planned' } });
  return requested.body.deploymentId as string;
};

interface Update {
  deployment: { id: string; status: string; version: string };
  final: boolean;
}

/** Opens WatchDeployment (as an auditor; '': without a token) and collects what it sends; `ended` settles with the status the stream ended with. */
const watch = (id: string, token = auditor, port?: number) => {
  const call = (client(v1().DeploymentService, port) as unknown as { WatchDeployment: Function }).WatchDeployment({ id }, bearer(token)) as ClientReadableStream<Update>;
  const updates: Update[] = [];
  call.on('data', (update: Update) => updates.push(update));
  const ended = new Promise<number>((resolve) => {
    call.on('error', (error: { code: number }) => resolve(error.code));
    call.on('end', () => resolve(status.OK));
  });
  return { call, updates, ended };
};

describe('WatchDeployment', () => {
  beforeAll(stagingWithASignedComponent, 60_000);

  it('sends the deployment as it stands, then each change in order, and ends (OK) at its final status', async () => {
    const id = await requestDeployment();
    const watching = watch(id);
    await eventually(() => watching.updates.length > 0, { what: 'the first update' });
    expect(watching.updates[0]!.deployment).toMatchObject({ id });
    await eventually(async () => (await http('POST', `/deployments/${id}/test-results`, { suite: 'checkout', passed: 12, failed: 0 })).status === 202, {
      what: `the smoke tests of ${id} accepted`,
      timeoutMs: 60_000,
    });
    expect(await watching.ended).toBe(status.OK);
    const seen = watching.updates.map((u) => u.deployment.status);
    console.info(`WatchDeployment of ${id}: ${seen.join(' → ')}`);
    const order = ['planned', 'verified', 'executing', 'executed', 'succeeded'];
    // each update is the latest state: a step can be skipped when two changes come together, never seen out of order
    expect(seen.map((s) => order.indexOf(s))).toEqual([...seen.map((s) => order.indexOf(s))].sort((a, b) => a - b));
    expect(seen.every((s) => order.includes(s))).toBe(true);
    expect(seen[0]).toBe('planned');
    expect(seen.at(-1)).toBe('succeeded');
    expect(watching.updates.map((u) => u.final)).toEqual([...seen.slice(1).map(() => false), true]);
    await eventually(() => watchCount() === 0, { what: 'no watcher left' });
  }, 120_000);

  it('frees the watcher when the client cancels', async () => {
    const id = await requestDeployment(true);
    const watching = watch(id);
    await eventually(() => watching.updates.length > 0, { what: 'the first update' });
    expect(watchCount()).toBe(1);
    watching.call.cancel();
    expect(await watching.ended).toBe(status.CANCELLED);
    await eventually(() => watchCount() === 0, { what: 'the cancelled watcher freed' });
  }, 60_000);

  it('refuses an unknown id (NOT_FOUND), a malformed one (INVALID_ARGUMENT), no token (UNAUTHENTICATED), and a watcher past the bound (RESOURCE_EXHAUSTED)', async () => {
    expect(await watch(randomUUID()).ended).toBe(status.NOT_FOUND);
    expect(await watch('not-a-uuid').ended).toBe(status.INVALID_ARGUMENT);
    const id = await requestDeployment(true);
    expect(await watch(id, '').ended).toBe(status.UNAUTHENTICATED);
    const open = [watch(id), watch(id), watch(id)];
    await eventually(() => open.every((w) => w.updates.length > 0), { what: 'three watchers served' });
    expect(await watch(id).ended).toBe(status.RESOURCE_EXHAUSTED);
    open.forEach((w) => w.call.cancel());
    await eventually(() => watchCount() === 0, { what: 'every watcher freed' });
    expect(await watch(randomUUID()).ended).toBe(status.NOT_FOUND);
    expect(watchCount()).toBe(0);
  }, 60_000);

  it('hears a change made by another replica of planning (PostgreSQL NOTIFY), and ends there', async () => {
    const id = await requestDeployment(true);
    const watching = watch(id);
    await eventually(() => watching.updates.length > 0, { what: 'the first update' });
    const replica = await boot('planning', {
      modules: (runtime) => [PlanningModule.register(runtime)],
      env: { DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', GANTRY_JWT_SECRET: secret, LOG_LEVEL: 'error', GANTRY_DATA_DIR: join(repoRoot, '.data', `grpc-watch-replica-${randomUUID().slice(0, 8)}`) },
    });
    try {
      const version = watching.updates.at(-1)!.deployment.version;
      const asked = Date.now();
      let heardAt = 0;
      watching.call.on('end', () => (heardAt = Date.now()));
      const response = await fetch(`${replica.url}/deployments/${id}/cancel`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${manager}`, 'if-match': `"${version}"` },
        body: JSON.stringify({ reason: 'change enablement withdrew the change' }),
      });
      const answeredAt = Date.now();
      expect(response.status).toBe(200);
      expect(await watching.ended).toBe(status.OK);
      console.info(`WatchDeployment: another replica's cancel, asked at 0 ms and answered at ${answeredAt - asked} ms, reached the watcher (its last update) at ${heardAt - asked} ms`);
      expect(watching.updates.at(-1)).toMatchObject({ deployment: { status: 'cancelled' }, final: true });
    } finally {
      await replica.stop();
    }
  }, 120_000);
});

describe('WatchDeployment in the embedded default (PGlite, one process)', () => {
  let embedded: RunningProcess;
  let dataDir: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'gantry-watch-embedded-'));
    // no DATABASE_URL: PGlite, where a watcher wakes on every commit of the process (the only writer), not on NOTIFY
    embedded = await boot('standalone', { ...standalone, env: { PORT: '0', GRPC_PORT: '0', HOST: '127.0.0.1', GANTRY_JWT_SECRET: secret, GANTRY_DATA_DIR: dataDir, LOG_LEVEL: 'error', GANTRY_WATCH_REREAD_MS: '600000' } });
  }, 120_000);

  afterAll(async () => {
    await embedded?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('hears the cancel of a planned deployment at once and ends there', async () => {
    expect(embedded.runtime.mode.database).toBe('embedded');
    await stagingWithASignedComponent(embedded.url);
    const deploymentId = await requestDeployment(true, embedded.url);
    const watching = watch(deploymentId, auditor, embedded.grpcPort);
    await eventually(() => watching.updates.length > 0, { what: 'the first update' });
    const version = watching.updates.at(-1)!.deployment.version;
    const cancelled = await fetch(`${embedded.url}/deployments/${deploymentId}/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${manager}`, 'if-match': `"${version}"` },
      body: JSON.stringify({ reason: 'change enablement withdrew the change' }),
    });
    expect(cancelled.status).toBe(200);
    expect(await watching.ended).toBe(status.OK);
    expect(watching.updates.at(-1)).toMatchObject({ deployment: { status: 'cancelled' }, final: true });
    await eventually(() => embedded.app.get(DeploymentWatch, { strict: false }).count === 0, { what: 'no watcher left' });
  }, 60_000);
});

/**
 * A client of its own process firing `calls` GetDeployment calls at once at `port` (every other one with `token`); prints
 * how many ended with each status code.
 */

/** planning alone with gRPC, on this suite's database, with `env`'s settings */
const planningWith = (env: Record<string, string>) =>
  boot('planning', {
    modules: (runtime) => [PlanningModule.register(runtime)],
    grpc: true,
    env: { DATABASE_URL: database.url, PORT: '0', GRPC_PORT: '0', HOST: '127.0.0.1', GANTRY_JWT_SECRET: secret, LOG_LEVEL: 'error', GANTRY_DATA_DIR: join(repoRoot, '.data', `planning-${randomUUID().slice(0, 8)}`), ...env },
  });

describe('behind a trusted proxy (GANTRY_TRUST_PROXY)', () => {
  it('counts failed authentications per client the proxy names, over HTTP and gRPC, not per proxy', async () => {
    const proxied = await planningWith({ GANTRY_TRUST_PROXY: 'loopback', GANTRY_AUTH_FAILURES_PER_MINUTE: '1', GANTRY_AUTH_FAILURES_BURST: '2' });
    try {
      const overHttp = async (client: string) =>
        (await fetch(`${proxied.url}/deployments`, { headers: { authorization: 'Bearer forged', 'x-forwarded-for': `192.0.2.1, ${client}` } })).status;
      // a client's own X-Forwarded-For entries count for nothing: the proxy's (the last) names it
      expect([await overHttp('203.0.113.1'), await overHttp('203.0.113.1'), await overHttp('203.0.113.1')]).toEqual([401, 401, 429]);
      expect(await overHttp('203.0.113.2')).toBe(401);

      const deployments = client<Client & { GetDeployment: Function }>(v1().DeploymentService, proxied.grpcPort);
      const overGrpc = (from: string) => {
        const metadata = bearer('forged');
        metadata.set('x-forwarded-for', from);
        return new Promise<number>((resolve) => deployments.GetDeployment({ deploymentId: randomUUID() }, metadata, (error: { code: number } | null) => resolve(error?.code ?? status.OK)));
      };
      expect([await overGrpc('198.51.100.1'), await overGrpc('198.51.100.1'), await overGrpc('198.51.100.1')]).toEqual([status.UNAUTHENTICATED, status.UNAUTHENTICATED, status.RESOURCE_EXHAUSTED]);
      expect(await overGrpc('198.51.100.2')).toBe(status.UNAUTHENTICATED);
      // the HTTP client limited above is limited over gRPC too: one source, whichever door
      expect(await overGrpc('203.0.113.1')).toBe(status.RESOURCE_EXHAUSTED);
    } finally {
      await proxied.stop();
    }
  }, 120_000);
});
