import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { eventually, freePort } from '@gantry/testing';

export { freePort };

export const repoRoot = join(__dirname, '..', '..');
const node = process.execPath;

export interface GantryProcess {
  name: string;
  url: string;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts a Gantry process the way production does (its own node process), and waits until /health answers 200.
 * Ports picked by freePort() can be taken by someone else before the child binds them, so a child that exits with
 * EADDRINUSE is started again with the fresh environment `env()` gives (ports picked anew), a few times.
 */
export async function startGantryProcess(name: string, entry: string, env: () => Promise<NodeJS.ProcessEnv>, { timeoutMs = 90_000 } = {}): Promise<GantryProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(name, entry, await env(), timeoutMs);
    } catch (error) {
      if (attempt >= 3 || !/EADDRINUSE/.test((error as Error).message)) throw error;
    }
  }
}

async function startOnce(name: string, entry: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<GantryProcess> {
  const port = Number(env.PORT);
  const child = spawn(node, [join(repoRoot, 'scripts', 'run.js'), entry], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-200_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const process_: GantryProcess = {
    name,
    url,
    child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => (clearTimeout(killer), resolve()));
        child.kill('SIGTERM');
      }),
  };
  try {
    await eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
        const response = await fetch(`${url}/health`).catch(() => undefined);
        return response?.status === 200;
      },
      { timeoutMs, intervalMs: 200, what: `${name} to answer /health` },
    );
  } catch (error) {
    await process_.stop();
    throw new Error(`${(error as Error).message}\n--- ${name} output ---\n${output.slice(-5000)}`);
  }
  return process_;
}

/** The environment of a child process: ours minus the variables that would change its mode. */
export const childEnv = (overrides: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const name of ['DATABASE_URL', 'KAFKA_BROKERS', 'PORT', 'GRPC_PORT', 'NODE_OPTIONS', 'GANTRY_DATA_DIR']) delete env[name];
  return { ...env, LOG_LEVEL: 'warn', ...overrides };
};

/**
 * A service as its own process on the test's database and broker, with Kafka topics and consumer groups of its own
 * (`prefix`): other suites on the same broker neither see its events nor feed it theirs.
 */
export const startIsolatedService = (service: string, options: { databaseUrl: string; brokers: string; prefix: string; secret: string; env?: NodeJS.ProcessEnv }) =>
  startGantryProcess(service, `services/${service}/src/main.ts`, async () =>
    childEnv({
      DATABASE_URL: options.databaseUrl,
      KAFKA_BROKERS: options.brokers,
      PORT: String(await freePort()),
      GRPC_PORT: String(await freePort()),
      GANTRY_JWT_SECRET: options.secret,
      GANTRY_TOPIC_PREFIX: options.prefix,
      GANTRY_CONSUMER_GROUP_PREFIX: options.prefix,
      ...options.env,
    }),
  );
