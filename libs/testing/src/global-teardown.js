const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = async () => {
  if (process.env.GANTRY_TEST_STARTED_KAFKA !== '1' || process.env.GANTRY_KEEP_KAFKA === '1') return;
  execFileSync('bash', [join(__dirname, '..', '..', '..', 'infra', 'kafka', 'stop.sh')], { env: process.env, stdio: 'inherit' });
};
