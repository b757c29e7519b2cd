import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const scripts = join(__dirname, '..', '..', '..', 'infra', 'kafka');

/**
 * A Kafka broker of the caller's own (infra/kafka/start.sh, with its own state and data directory), for what the
 * run's broker must not suffer, such as being stopped, or a benchmark's load. start.sh chooses its ports; it is
 * started again on the same ones, which its clients know.
 */
export interface OwnBroker {
  /** bootstrap servers, `127.0.0.1:<port>` */
  brokers: string;
  /** the broker's process id (the current one: a restart changes it) */
  pid(): number;
  /** stops the broker, keeping its data */
  stop(): Promise<void>;
  /** starts it again on its ports and data */
  start(): Promise<void>;
  /** stops it and deletes its data */
  destroy(): Promise<void>;
}

export async function startOwnBroker(): Promise<OwnBroker> {
  const stateDir = mkdtempSync(join(tmpdir(), 'gantry-own-broker-'));
  const state = (name: string) => readFileSync(join(stateDir, name), 'utf8').trim();
  const env = { ...process.env, KAFKA_PORT: '0', KAFKA_CONTROLLER_PORT: '0', KAFKA_STATE_DIR: stateDir, KAFKA_DATA_DIR: join(stateDir, 'data') };
  const script = (name: string, scriptEnv: NodeJS.ProcessEnv) => run('bash', [join(scripts, name)], { env: scriptEnv, timeout: 180_000 }).then(() => undefined);
  await script('start.sh', env).catch((error) => {
    rmSync(stateDir, { recursive: true, force: true });
    throw error;
  });
  const pinned = { ...env, KAFKA_PORT: state('kafka.port'), KAFKA_CONTROLLER_PORT: state('kafka.controller-port') };
  return {
    brokers: `127.0.0.1:${pinned.KAFKA_PORT}`,
    pid: () => Number(state('kafka.pid')),
    stop: () => script('stop.sh', pinned),
    start: () => script('start.sh', pinned),
    destroy: async () => {
      await script('stop.sh', pinned);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/**
 * A Kafka cluster of the caller's own (infra/kafka/start.sh with KAFKA_NODES): every node a broker and a controller,
 * topics replicated 3 times with min.insync.replicas 2. Nodes are numbered from 1.
 */
export interface OwnCluster {
  /** bootstrap servers, `127.0.0.1:<port>,…` */
  brokers: string;
  nodes: number;
  /** the node's process id (the current one: a restart changes it) */
  pid(node: number): number;
  /** SIGKILLs the node alone, keeping its data and ports */
  kill(node: number): Promise<void>;
  /** starts the node again on its ports and data, once it answers */
  start(node: number): Promise<void>;
  /** aborts when a node exits that was not killed through kill(): waits given it as their signal end at once */
  failure: AbortSignal;
  /** stops every node and deletes the data */
  destroy(): Promise<void>;
}

/** heap of each node: enough for a test's topics, small enough for three nodes beside the run's broker */
const CLUSTER_NODE_HEAP = '-Xms64m -Xmx192m';

export async function startOwnCluster(nodes = 3): Promise<OwnCluster> {
  const stateDir = mkdtempSync(join(tmpdir(), 'gantry-own-cluster-'));
  const state = (name: string) => readFileSync(join(stateDir, name), 'utf8').trim();
  const env = {
    ...process.env,
    KAFKA_NODES: String(nodes),
    KAFKA_PORT: '0',
    KAFKA_CONTROLLER_PORT: '0',
    KAFKA_STATE_DIR: stateDir,
    KAFKA_DATA_DIR: join(stateDir, 'data'),
    KAFKA_HEAP_OPTS: CLUSTER_NODE_HEAP,
  };
  const script = (name: string, scriptEnv: NodeJS.ProcessEnv) => run('bash', [join(scripts, name)], { env: scriptEnv, timeout: 180_000 }).then(() => undefined);
  await script('start.sh', env).catch(async (error) => {
    await script('stop.sh', env).catch(() => undefined);
    rmSync(stateDir, { recursive: true, force: true });
    throw error;
  });
  const pid = (node: number) => Number(state(`kafka-${node}.pid`));
  const down = new Set<number>();
  const failed = new AbortController();
  const watch = setInterval(() => {
    const dead = Array.from({ length: nodes }, (_, i) => i + 1).find((node) => !down.has(node) && !running(pid(node)));
    if (dead !== undefined) {
      failed.abort(new Error(`Kafka node ${dead} (pid ${pid(dead)}) exited; its log: ${join(stateDir, 'data', `node-${dead}`, 'logs')}`));
      clearInterval(watch);
    }
  }, 250);
  watch.unref();
  return {
    brokers: state('kafka.brokers'),
    nodes,
    pid,
    kill: async (node) => {
      down.add(node);
      await script('stop.sh', { ...env, KAFKA_NODE: String(node), KAFKA_STOP_TIMEOUT: '0' });
    },
    start: async (node) => {
      await script('start.sh', { ...env, KAFKA_NODE: String(node) });
      down.delete(node);
    },
    failure: failed.signal,
    destroy: async () => {
      clearInterval(watch);
      await script('stop.sh', env);
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** exists and is not a zombie (a killed JVM's main thread stays one until its parent, init, reaps it) */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}
