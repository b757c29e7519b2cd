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
