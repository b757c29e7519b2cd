import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { eventually, type EventuallyOptions, type Probe } from '@gantry/testing';

export const repoRoot = join(__dirname, '..', '..');
const node = process.execPath;

/** A child process whose state and output a failing wait can report. */
export interface Watched {
  name: string;
  child: ChildProcess;
  /** aborts when the process has exited (its output read to the end), the reason saying how */
  running: AbortSignal;
  output(): string;
  /** its last lines of output, headed by its name and state: what a failure message shows of it */
  recentOutput(lines?: number): string;
}

export interface GantryProcess extends Watched {
  url: string;
  /** when the process serves gRPC */
  grpcPort?: number;
  /** sends the signal (default SIGKILL: a crash) and waits until the process has exited */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGTERM, SIGKILL if it is still there after 15 s */
  stop(): Promise<void>;
}

/**
 * The e2e suites' one way to wait on a condition: `eventually`, while the processes the condition depends on run.
 * It fails at once when one of them exits, and on that or a timeout the error ends with each one's recent output.
 */
export async function eventuallyWhileRunning<T>(processes: readonly Watched[], probe: Probe<T>, options: Omit<EventuallyOptions, 'signal'> = {}): Promise<T> {
  try {
    return await eventually(probe, { ...options, signal: AbortSignal.any(processes.map((p) => p.running)) });
  } catch (error) {
    throw new Error([(error as Error).message, ...processes.map((p) => p.recentOutput())].join('\n'), { cause: error });
  }
}

/** Keeps a child's output and tells when it has exited: what a failing wait reports of it. */
export function watch(name: string, child: ChildProcess): Watched {
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-200_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const controller = new AbortController();
  child.once('close', (code, signal) => controller.abort(new Error(`${name} exited ${signal ? `on ${signal}` : `with code ${code}`}`)));
  return {
    name,
    child,
    running: controller.signal,
    output: () => output,
    recentOutput: (count = 40) => {
      const state = controller.signal.aborted ? (controller.signal.reason as Error).message : `${name} running`;
      const lines = output.trimEnd().split('\n').slice(-count).map((line) => (line.length > 1000 ? `${line.slice(0, 1000)}…` : line));
      return `--- ${state} (pid ${child.pid}); its last ${lines.length} lines of output ---\n${lines.join('\n')}`;
    },
  };
}

/** The ports a Gantry process reports in the line it logs once it listens: those it was given or, for 0, picked. */
export const bootLine = (output: string): { port: number; grpcPort?: number } | undefined => {
  for (const line of output.split('\n')) {
    if (!line.includes('"context":"boot"')) continue;
    try {
      const parsed = JSON.parse(line) as { port?: unknown; grpcPort?: unknown };
      if (typeof parsed.port === 'number') return { port: parsed.port, ...(typeof parsed.grpcPort === 'number' ? { grpcPort: parsed.grpcPort } : {}) };
    } catch {
      // a line cut by the output's cap, or not JSON
    }
  }
  return undefined;
};

/**
 * Starts a Gantry process the way production does (its own node process) on ports the system picks (PORT=0,
 * GRPC_PORT=0), learns them from its boot line and waits until /health answers 200. A process that exits meanwhile
 * fails the start at once, with its output.
 */
export async function startGantryProcess(name: string, entry: string, env: NodeJS.ProcessEnv, { timeoutMs = 90_000 } = {}): Promise<GantryProcess> {
  const child = spawn(node, [join(repoRoot, 'scripts', 'run.js'), entry], { cwd: repoRoot, env: { ...env, PORT: '0', GRPC_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const watched = watch(name, child);
  const { running } = watched;
  const exited = new Promise<void>((resolve) => (running.aborted ? resolve() : running.addEventListener('abort', () => resolve(), { once: true })));
  const kill = (signal: NodeJS.Signals = 'SIGKILL') => {
    if (!running.aborted) child.kill(signal);
    return exited;
  };
  const stop = async () => {
    if (running.aborted) return;
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await kill('SIGTERM');
    clearTimeout(killer);
  };
  try {
    const { port, grpcPort } = await eventuallyWhileRunning(
      [watched],
      async () => {
        const booted = bootLine(watched.output());
        return booted && (await fetch(`http://127.0.0.1:${booted.port}/health`).catch(() => undefined))?.status === 200 && booted;
      },
      { timeoutMs, intervalMs: 200, what: `${name} to report its ports and answer /health` },
    );
    return { ...watched, url: `http://127.0.0.1:${port}`, ...(grpcPort ? { grpcPort } : {}), kill, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The environment of a child process: ours minus the variables that would change its mode. */
export const childEnv = (overrides: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const name of ['DATABASE_URL', 'GANTRY_MIGRATION_DATABASE_URL', 'KAFKA_BROKERS', 'PORT', 'GRPC_PORT', 'NODE_OPTIONS', 'GANTRY_DATA_DIR']) delete env[name];
  return { ...env, LOG_LEVEL: 'warn', ...overrides };
};

/**
 * A service as its own process on the test's database and broker, with Kafka topics and consumer groups of its own
 * (`prefix`): other suites on the same broker neither see its events nor feed it theirs.
 */
export const startIsolatedService = (service: string, options: { databaseUrl: string; brokers: string; prefix: string; secret: string; env?: NodeJS.ProcessEnv }) =>
  startGantryProcess(
    service,
    `services/${service}/src/main.ts`,
    childEnv({
      DATABASE_URL: options.databaseUrl,
      KAFKA_BROKERS: options.brokers,
      GANTRY_JWT_SECRET: options.secret,
      GANTRY_TOPIC_PREFIX: options.prefix,
      GANTRY_CONSUMER_GROUP_PREFIX: options.prefix,
      ...options.env,
    }),
  );
