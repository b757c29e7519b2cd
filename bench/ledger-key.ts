import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Records as its own service needs the key that signs its ledger's checkpoints (GANTRY_LEDGER_KEY_FILE): unless one is
 * configured, a benchmark run makes one, as the tests do, and the processes it starts inherit it.
 */
export function ensureLedgerKey(): string {
  if (!process.env.GANTRY_LEDGER_KEY_FILE) {
    const file = join(mkdtempSync(join(tmpdir(), 'gantry-bench-ledger-key-')), 'ledger-key.pem');
    writeFileSync(file, generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    process.env.GANTRY_LEDGER_KEY_FILE = file;
  }
  return process.env.GANTRY_LEDGER_KEY_FILE;
}
