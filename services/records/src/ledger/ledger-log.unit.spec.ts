import { ConfigurationError } from '@gantry/platform';
import { parseSigningKey } from '@gantry/transparency-log';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_LEDGER_ORIGIN, GENERATED_KEY_FILE, LedgerLog, ledgerLogPolicyFromEnv } from './ledger-log';

let dataDir: string;
beforeEach(() => (dataDir = mkdtempSync(join(tmpdir(), 'ledger-log-'))));
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

it('records as its own service does not start without the key that signs its checkpoints', () => {
  expect(() => ledgerLogPolicyFromEnv({}, { process: 'records', dataDir })).toThrow(ConfigurationError);
  expect(() => ledgerLogPolicyFromEnv({}, { process: 'records', dataDir })).toThrow(/^GANTRY_LEDGER_KEY_FILE is required when records runs as its own service/);
});

it('the embedded default makes its key in its data directory once, readable by its owner only, named by the origin', async () => {
  const policy = ledgerLogPolicyFromEnv({}, { process: 'standalone', dataDir });
  expect(policy).toEqual({ origin: DEFAULT_LEDGER_ORIGIN, keyFile: join(dataDir, GENERATED_KEY_FILE), checkpointEveryEntries: 1000, checkpointEverySeconds: 10 });
  const text = readFileSync(policy.keyFile, 'utf8');
  expect(statSync(policy.keyFile).mode & 0o777).toBe(0o600);
  expect(parseSigningKey(text.trim())).toMatchObject({ ok: true, value: { name: DEFAULT_LEDGER_ORIGIN } });
  expect(ledgerLogPolicyFromEnv({}, { process: 'standalone', dataDir }).keyFile).toBe(policy.keyFile);
  expect(readFileSync(policy.keyFile, 'utf8')).toBe(text);
  expect((await new LedgerLog('records', policy).signingKey()).name).toBe(DEFAULT_LEDGER_ORIGIN);
});

it('refuses an origin that cannot name a key, and counts that are not whole numbers', () => {
  const env = { GANTRY_LEDGER_KEY_FILE: '/k' };
  expect(() => ledgerLogPolicyFromEnv({ ...env, GANTRY_LEDGER_ORIGIN: 'a b' }, { process: 'records', dataDir })).toThrow(/GANTRY_LEDGER_ORIGIN "a b" cannot name a log: the key name "a b" holds a space/);
  expect(() => ledgerLogPolicyFromEnv({ ...env, GANTRY_LEDGER_ORIGIN: 'x+y' }, { process: 'records', dataDir })).toThrow(/plus sign/);
  expect(() => ledgerLogPolicyFromEnv({ ...env, GANTRY_LEDGER_CHECKPOINT_ENTRIES: '0' }, { process: 'records', dataDir })).toThrow(/GANTRY_LEDGER_CHECKPOINT_ENTRIES must be a whole number of at least 1/);
  expect(() => ledgerLogPolicyFromEnv({ ...env, GANTRY_LEDGER_CHECKPOINT_SECONDS: '1.5' }, { process: 'records', dataDir })).toThrow(/GANTRY_LEDGER_CHECKPOINT_SECONDS/);
  expect(ledgerLogPolicyFromEnv({ ...env, GANTRY_LEDGER_ORIGIN: 'audit.example.com/gantry', GANTRY_LEDGER_CHECKPOINT_SECONDS: '0' }, { process: 'records', dataDir })).toEqual({
    origin: 'audit.example.com/gantry',
    keyFile: '/k',
    checkpointEveryEntries: 1000,
    checkpointEverySeconds: 0,
  });
});

it('a key file that cannot be read, holds no Ed25519 key, or is named for another origin is a ConfigurationError', async () => {
  const policy = { origin: 'audit.example.com/gantry', keyFile: join(dataDir, 'missing'), checkpointEveryEntries: 1, checkpointEverySeconds: 0 };
  await expect(new LedgerLog('records', policy).signingKey()).rejects.toThrow(/^GANTRY_LEDGER_KEY_FILE: the signing key file .* cannot be read/);
  writeFileSync(join(dataDir, 'other'), readFileSync(ledgerLogPolicyFromEnv({}, { process: 'standalone', dataDir }).keyFile));
  await expect(new LedgerLog('records', { ...policy, keyFile: join(dataDir, 'other') }).signingKey()).rejects.toThrow(/is named "gantry.local\/ledger", not "audit.example.com\/gantry"/);
  writeFileSync(join(dataDir, 'junk'), 'not a key\n');
  await expect(new LedgerLog('records', { ...policy, keyFile: join(dataDir, 'junk') }).signingKey()).rejects.toBeInstanceOf(ConfigurationError);
});
