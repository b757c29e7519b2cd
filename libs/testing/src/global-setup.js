// Starts what the tests need, once per run: a real Kafka broker (unless KAFKA_BROKERS points at one) and a check that
// the local PostgreSQL answers. Suites that need them fail loudly when they are missing; nothing is skipped.
const { execFileSync } = require('node:child_process');
const { mkdtempSync } = require('node:fs');
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

  if (process.env.KAFKA_BROKERS) return;
  const env = {
    ...process.env,
    KAFKA_PORT: process.env.KAFKA_PORT ?? '19092',
    KAFKA_CONTROLLER_PORT: process.env.KAFKA_CONTROLLER_PORT ?? '19093',
    KAFKA_STATE_DIR: process.env.KAFKA_STATE_DIR ?? join(root, '.infra', 'test'),
    KAFKA_DATA_DIR: process.env.KAFKA_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'gantry-kafka-')),
  };
  if (!process.env.KAFKA_DATA_DIR) process.env.GANTRY_TEST_KAFKA_DATA_DIR_CREATED = env.KAFKA_DATA_DIR;
  execFileSync('bash', [join(root, 'infra', 'kafka', 'start.sh')], { env, stdio: 'inherit' });
  // Test workers inherit these: the broker's address, and what the outage test needs to stop and restart it.
  for (const name of ['KAFKA_PORT', 'KAFKA_CONTROLLER_PORT', 'KAFKA_STATE_DIR', 'KAFKA_DATA_DIR']) process.env[name] = env[name];
  process.env.KAFKA_BROKERS = `127.0.0.1:${env.KAFKA_PORT}`;
  process.env.GANTRY_TEST_STARTED_KAFKA = '1';
};
