// Starts what the tests need, once per run: a real Kafka broker (unless KAFKA_BROKERS points at one) and a check that
// the local PostgreSQL answers. Suites that need them fail loudly when they are missing; nothing is skipped.
const { spawnSync } = require('node:child_process');
const { generateKeyPairSync } = require('node:crypto');
const { mkdtempSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Client } = require('pg');

const root = join(__dirname, '..', '..', '..');

module.exports = async () => {
  const adminUrl = process.env.GANTRY_TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const client = new Client({ connectionString: adminUrl });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (error) {
    throw new Error(`PostgreSQL is required for the tests and did not answer at ${adminUrl}: ${error.message}`);
  } finally {
    await client.end().catch(() => undefined);
  }

  // records as its own service needs the key that signs its ledger's checkpoints: one for the run, as an operator
  // would give it (tests that verify checkpoints read the public key from GET /audit/log-key or from this file)
  if (!process.env.GANTRY_LEDGER_KEY_FILE) {
    const file = join(mkdtempSync(join(tmpdir(), 'gantry-ledger-key-')), 'ledger-key.pem');
    writeFileSync(file, generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    Object.assign(process.env, { GANTRY_LEDGER_KEY_FILE: file, GANTRY_TEST_LEDGER_KEY_CREATED: file });
  }

  if (process.env.KAFKA_BROKERS) return;
  const stateDir = process.env.KAFKA_STATE_DIR ?? join(root, '.infra', 'test');
  const env = {
    ...process.env,
    // 0: start.sh chooses free ports, so that test runs of several checkouts on one machine have a broker each
    KAFKA_PORT: process.env.KAFKA_PORT ?? '0',
    KAFKA_CONTROLLER_PORT: process.env.KAFKA_CONTROLLER_PORT ?? '0',
    KAFKA_STATE_DIR: stateDir,
    KAFKA_DATA_DIR: process.env.KAFKA_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'gantry-kafka-')),
  };
  // start.sh says on stderr whether it started a broker or found one running in the state dir (another test run's)
  const started = spawnSync('bash', [join(root, 'infra', 'kafka', 'start.sh')], { env, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  process.stderr.write(started.stderr);
  if (started.status !== 0) throw new Error(`infra/kafka/start.sh failed (exit ${started.status ?? started.signal})`);
  const reused = /\] already running/.test(started.stderr);
  // the ports it got (or those of the broker that was already running there)
  const port = readFileSync(join(stateDir, 'kafka.port'), 'utf8').trim();
  Object.assign(process.env, { KAFKA_PORT: port, KAFKA_STATE_DIR: stateDir, KAFKA_BROKERS: `127.0.0.1:${port}` });
  if (reused) {
    // the run that started it stops it; this one leaves it, and the data dir it made is not used
    if (!process.env.KAFKA_DATA_DIR) rmSync(env.KAFKA_DATA_DIR, { recursive: true, force: true });
    return;
  }
  if (!process.env.KAFKA_DATA_DIR) process.env.GANTRY_TEST_KAFKA_DATA_DIR_CREATED = env.KAFKA_DATA_DIR;
  // the teardown stops it by its state dir
  Object.assign(process.env, { KAFKA_DATA_DIR: env.KAFKA_DATA_DIR, GANTRY_TEST_STARTED_KAFKA: '1' });
};
