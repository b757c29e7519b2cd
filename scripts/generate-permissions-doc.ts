import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boot, doorsOf, permissionTable } from '@gantry/platform';
import { standalone } from '../services/standalone/src/standalone';

/** `npm run docs:permissions`: writes docs/permissions.md from the doors of the five services (embedded, port 0). */
async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-doors-'));
  const running = await boot('standalone', { ...standalone, env: { GANTRY_DATA_DIR: dataDir, PORT: '0', GRPC_PORT: '0', HOST: '127.0.0.1' } });
  try {
    const file = join(__dirname, '..', 'docs', 'permissions.md');
    writeFileSync(file, permissionTable(doorsOf(running.app)));
    console.log(`wrote ${file}`);
  } finally {
    await running.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

void main().then(() => process.exit(0), (error) => (console.error(error), process.exit(1)));
