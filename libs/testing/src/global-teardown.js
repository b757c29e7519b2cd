const { execFileSync } = require('node:child_process');
const { rmSync } = require('node:fs');
const { dirname, join } = require('node:path');

module.exports = async () => {
  const key = process.env.GANTRY_TEST_LEDGER_KEY_CREATED;
  if (key && key === process.env.GANTRY_LEDGER_KEY_FILE) rmSync(dirname(key), { recursive: true, force: true });
  if (process.env.GANTRY_TEST_STARTED_KAFKA !== '1' || process.env.GANTRY_KEEP_KAFKA === '1') return;
  execFileSync('bash', [join(__dirname, '..', '..', '..', 'infra', 'kafka', 'stop.sh')], { env: process.env, stdio: 'inherit' });
  // the data dir was made for this run (and kept across the outage test's restarts): remove it with the broker
  const created = process.env.GANTRY_TEST_KAFKA_DATA_DIR_CREATED;
  if (created && created === process.env.KAFKA_DATA_DIR) rmSync(created, { recursive: true, force: true });
};
