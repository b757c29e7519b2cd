import { Database, migrate } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';
import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import { generateKeyPair, parseSigningKey, signCheckpoint } from '@gantry/transparency-log';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendToLedger, ledgerMigrations } from './ledger';
import { hashesOf, hashV1, LEDGER_GENESIS_HASH } from './ledger-entry';
import type { LedgerCheckpointer } from './ledger-checkpointer';
import { LedgerLog } from './ledger-log';
import { asSuperuser, collectCheckpoints, exportLedger, rewriteAndRecompute, startCheckpointer } from './test-fixtures';

/**
 * The offline verifier (scripts/verify-ledger-export.js) against each attack of a database superuser, holding only
 * what an auditor holds: the export, the log's public key and the checkpoints collected before the attack. Each
 * attack is named at the first position the verifier cannot vouch for.
 */
const schema = 'records';
const origin = 'audit.example.com/gantry';
let database: TestDatabase;
let db: Database;
let dir: string;
let log: LedgerLog;
let vkey: string;
let checkpointer: LedgerCheckpointer;

const event = (n: number): CloudEvent => ({
  specversion: '1.0',
  id: randomUUID(),
  source: '/gantry/planning',
  type: 'gantry.planning.DeploymentPlanned.v1',
  subject: `d-${n % 5}`,
  time: '2026-12-01T10:00:00.000Z',
  data: { deploymentId: `d-${n % 5}`, n, note: 'a "quoted" ,"position":1 and a line\nbreak' },
  actor: 'alice',
  actorroles: 'deployment-manager',
  actorchannel: 'rest',
  eventhash: 'ab'.repeat(32),
} as CloudEvent);

const append = async (n: number) => {
  await db.transaction((tx) => appendToLedger(tx, schema, 'gantry.planning.v1', event(n), new Date('2026-12-01T10:00:00.000Z'), log));
  await checkpointer.settled();
};

/** The ledger of `count` entries, and what the auditor collected meanwhile: the checkpoints (one every 10 entries). */
async function ledgerOf(count: number): Promise<void> {
  for (let n = 1; n <= count; n++) await append(n);
  await collectCheckpoints(db, schema, join(dir, 'checkpoints'));
}

const verifyOffline = (...args: string[]) => {
  const file = join(dir, 'export.ndjson');
  const run = spawnSync(process.execPath, [join(__dirname, '../../../../scripts/verify-ledger-export.js'), file, ...args], { encoding: 'utf8' });
  return { status: run.status, result: run.stdout ? JSON.parse(run.stdout) : run.stderr };
};
const withCheckpoints = (...more: string[]) => verifyOffline('--vkey', vkey, '--checkpoints', join(dir, 'checkpoints'), ...more);
const exported = (range?: { from: number; to?: number }) => exportLedger(db, schema, join(dir, 'export.ndjson'), range);

beforeEach(async () => {
  database = await createTestDatabase('gantry_offline_verifier');
  db = Database.connect(database.url, { max: 4 });
  await migrate(db, schema, ledgerMigrations);
  dir = mkdtempSync(join(tmpdir(), 'offline-verifier-'));
  mkdirSync(join(dir, 'checkpoints'));
  const key = generateKeyPair(origin);
  writeFileSync(join(dir, 'key'), key.signingKey);
  vkey = key.verifierKey;
  log = new LedgerLog(schema, { origin, keyFile: join(dir, 'key'), checkpointEveryEntries: 10, checkpointEverySeconds: 0 });
  checkpointer = startCheckpointer(db, log, new Date('2026-12-01T10:00:00.000Z'));
});

afterEach(async () => {
  await checkpointer.onApplicationShutdown();
  await db.close();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

it('an honest export verifies from genesis against every checkpoint, with the key alone', async () => {
  await ledgerOf(45);
  await exported();
  expect(withCheckpoints()).toEqual({ status: 0, result: expect.objectContaining({ intact: true, checked: 45, signedUpTo: 40, checkpoints: 4 }) });
  expect(verifyOffline('--vkey', `@${join(dir, 'vkey')}`)).toMatchObject({ status: 2 });
  writeFileSync(join(dir, 'vkey'), `${vkey}\n`);
  expect(verifyOffline('--vkey', `@${join(dir, 'vkey')}`, '--checkpoint', join(dir, 'checkpoints', 'checkpoint-000000000040.txt'))).toMatchObject({ status: 0, result: { intact: true, signedUpTo: 40 } });
  expect(withCheckpoints('--all-signed')).toMatchObject({ status: 1, result: { firstBroken: { position: 41, reason: 'no checkpoint given covers the entries from position 41 to 45' } } });
  expect(verifyOffline('--checkpoints', join(dir, 'checkpoints'))).toMatchObject({ status: 2 });
});

it('reads the export in chunks of any size, with the hashing on worker threads or not, to the same answer', async () => {
  await ledgerOf(45);
  await exported();
  const expected = withCheckpoints('--threads', '0').result;
  expect(expected).toMatchObject({ intact: true, checked: 45 });
  for (const [threads, chunk] of [['0', '700'], ['1', '1'], ['2', '5000'], ['3', '100000']]) expect(withCheckpoints('--threads', threads, '--chunk-bytes', chunk).result).toEqual(expected);
  await asSuperuser(db, (tx) => tx.query(`UPDATE ${schema}.ledger SET event = jsonb_set(event, '{data,n}', '999') WHERE position = 33`));
  await exported();
  for (const [threads, chunk] of [['0', '700'], ['2', '3000']]) expect(withCheckpoints('--threads', threads, '--chunk-bytes', chunk).result).toMatchObject({ firstBroken: { position: 33 } });
});

it('an edited payload is named at its position', async () => {
  await ledgerOf(30);
  await asSuperuser(db, (tx) => tx.query(`UPDATE ${schema}.ledger SET event = jsonb_set(event, '{data,n}', '999') WHERE position = 27`));
  await exported();
  expect(withCheckpoints()).toMatchObject({ status: 1, result: { intact: false, firstBroken: { position: 27, reason: 'position 27: content does not match the hash position 28 names' } } });
});

it('an entry moved to another deployment, or given another type, is named at its position', async () => {
  await ledgerOf(30);
  await asSuperuser(db, (tx) => tx.query(`UPDATE ${schema}.ledger SET deployment_id = NULL WHERE position = 24`));
  await exported();
  expect(withCheckpoints()).toMatchObject({ status: 1, result: { firstBroken: { position: 24 } } });
  await asSuperuser(db, (tx) => tx.query(`UPDATE ${schema}.ledger SET deployment_id = 'd-4', event_type = 'gantry.x.Nothing.v1', event = jsonb_set(event, '{type}', '"gantry.x.Nothing.v1"') WHERE position = 24`));
  await exported();
  expect(withCheckpoints()).toMatchObject({ status: 1, result: { firstBroken: { position: 24, reason: 'position 24: content does not match the hash position 25 names' } } });
});

const swap = (a: number, b: number) =>
  asSuperuser(db, async (tx) => {
    await tx.query(`UPDATE ${schema}.ledger SET position = -position WHERE position IN ($1, $2)`, [a, b]);
    await tx.query(`UPDATE ${schema}.ledger SET position = CASE position WHEN $1::bigint THEN $2::bigint ELSE $3::bigint END WHERE position IN ($1, $4)`, [-a, b, a, -b]);
  });

it('a deleted entry is named at its position', async () => {
  await ledgerOf(30);
  await asSuperuser(db, (tx) => tx.query(`DELETE FROM ${schema}.ledger WHERE position = 13`));
  await exported();
  expect(withCheckpoints()).toMatchObject({ status: 1, result: { firstBroken: { position: 13, reason: 'position 14 does not follow 12' } } });
});

it('an entry forged in place of another, chained to the one before, is named at its position', async () => {
  await ledgerOf(30);
  const before = (await db.query<{ hash: string }>(`SELECT hash FROM ${schema}.ledger WHERE position = 12`)).rows[0]!.hash;
  const forged = { format: 2 as const, position: 13, topic: 'gantry.planning.v1', event: event(1300), deploymentId: 'd-3', recordedAt: '2026-12-01T10:00:00.000Z', previousHash: before };
  await asSuperuser(db, async (tx) => {
    await tx.query(`DELETE FROM ${schema}.ledger WHERE position = 13`);
    await tx.query(
      `INSERT INTO ${schema}.ledger (position, event_id, topic, event_type, deployment_id, event, recorded_at, previous_hash, hash, format) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 2)`,
      [13, forged.event.id, forged.topic, forged.event.type, forged.deploymentId, JSON.stringify(forged.event), forged.recordedAt, before, hashesOf(forged).hash],
    );
  });
  await exported();
  expect(withCheckpoints()).toMatchObject({ status: 1, result: { firstBroken: { position: 13, reason: 'position 13: content does not match the hash position 14 names' } } });
});

it('two swapped entries are named at the first of them', async () => {
  await ledgerOf(30);
  await swap(21, 22);
  await exported();
  expect(withCheckpoints()).toMatchObject({ status: 1, result: { firstBroken: { position: 21, reason: 'position 21 does not name the hash of position 20, which the checkpoint of size 20 vouches for' } } });
});

it('an entry forged after the last checkpoint is not vouched for; inside a checkpointed range it is named by the checkpoint', async () => {
  await ledgerOf(30);
  await append(31);
  await exported();
  expect(withCheckpoints()).toMatchObject({ status: 0, result: { intact: true, checked: 31, signedUpTo: 30 } });
  expect(withCheckpoints('--all-signed')).toMatchObject({ status: 1, result: { firstBroken: { position: 31 } } });
});

it('a tail cut off with the head moved back is named by the checkpoint that signed it', async () => {
  await ledgerOf(30);
  const kept = await db.query<{ hash: string }>(`SELECT hash FROM ${schema}.ledger WHERE position = 26`);
  await asSuperuser(db, async (tx) => {
    await tx.query(`DELETE FROM ${schema}.ledger WHERE position > 26`);
    await tx.query(`DELETE FROM ${schema}.ledger_checkpoints WHERE tree_size > 26`);
    await tx.query(`UPDATE ${schema}.ledger_head SET position = 26, hash = $1`, [kept.rows[0]!.hash]);
  });
  await exported();
  expect(withCheckpoints()).toMatchObject({
    status: 1,
    result: { firstBroken: { position: 27, reason: expect.stringMatching(/^the export ends at position 26, but the checkpoint of size 30 signed entries up to 30/) } },
  });
});

it('a middle entry rewritten with every later hash, the tree and the head recomputed is named by the first checkpoint it contradicts', async () => {
  await ledgerOf(30);
  await rewriteAndRecompute(db, schema, 14);
  await exported();
  expect(verifyOffline()).toMatchObject({ status: 0, result: { intact: true } });
  expect(withCheckpoints()).toMatchObject({
    status: 1,
    result: { signedUpTo: 10, firstBroken: { position: 11, reason: expect.stringMatching(/^the entries from position 11 to 20 are not those the checkpoint of size 20 signed/) } },
  });
});

it('an export that starts mid-way, or whose first entry does not start from genesis, is refused', async () => {
  await ledgerOf(20);
  await exported({ from: 6 });
  expect(withCheckpoints()).toMatchObject({ status: 1, result: { firstBroken: { position: 1, reason: 'the export starts at position 6, not at genesis (position 1): export the ledger from the start' } } });
  await asSuperuser(db, (tx) => tx.query(`UPDATE ${schema}.ledger SET previous_hash = $1 WHERE position = 1`, ['1'.repeat(64)]));
  await exported();
  expect(withCheckpoints()).toMatchObject({ status: 1, result: { firstBroken: { position: 1, reason: `position 1 names the previous hash ${'1'.repeat(64)}, not the genesis hash` } } });
});

it('a checkpoint signed by another key, of another origin, or a second root for one size is refused', async () => {
  await ledgerOf(20);
  await exported();
  const other = generateKeyPair(origin);
  const otherKey = parseSigningKey(other.signingKey);
  const key = parseSigningKey(readFileSync(join(dir, 'key'), 'utf8'));
  if (!otherKey.ok || !key.ok) throw new Error('keys');
  const root = Buffer.alloc(32, 7);
  const file = join(dir, 'checkpoints', 'planted.txt');
  writeFileSync(file, signCheckpoint({ origin, size: 20, root, extensions: [] }, otherKey.value));
  expect(withCheckpoints()).toMatchObject({ status: 1, result: { intact: false, refused: { checkpoint: file, reason: expect.stringMatching(/^the checkpoint not signed by the configured key/) } } });
  writeFileSync(file, signCheckpoint({ origin: 'elsewhere.example/log', size: 20, root, extensions: [] }, key.value));
  expect(withCheckpoints()).toMatchObject({ status: 1, result: { refused: { reason: 'the checkpoint of origin "elsewhere.example/log", not "audit.example.com/gantry"' } } });
  writeFileSync(file, signCheckpoint({ origin, size: 20, root, extensions: [] }, key.value));
  expect(withCheckpoints()).toMatchObject({ status: 1, result: { refused: { reason: expect.stringMatching(/^split view: the log signed two roots for tree size 20/) } } });
  rmSync(file);
  expect(withCheckpoints()).toMatchObject({ status: 0, result: { intact: true } });
});

it('an export with entries from before the upgrade (format 1) verifies from genesis; their deployment and type are checked against their events', async () => {
  await db.close();
  await database.drop();
  database = await createTestDatabase('gantry_offline_verifier');
  db = Database.connect(database.url, { max: 4 });
  await migrate(db, schema, ledgerMigrations.slice(0, 1));
  let previousHash = LEDGER_GENESIS_HASH;
  for (let position = 1; position <= 15; position++) {
    const entry = { position, topic: 'gantry.planning.v1', event: event(position), recordedAt: '2026-11-01T10:00:00.000Z' };
    const hash = hashV1(previousHash, entry);
    await db.query(
      `INSERT INTO ${schema}.ledger (position, event_id, topic, event_type, deployment_id, event, recorded_at, previous_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [position, entry.event.id, entry.topic, entry.event.type, `d-${position % 5}`, JSON.stringify(entry.event), entry.recordedAt, previousHash, hash],
    );
    await db.query(`UPDATE ${schema}.ledger_head SET position = $1, hash = $2`, [position, hash]);
    previousHash = hash;
  }
  await migrate(db, schema, ledgerMigrations);
  await checkpointer.onApplicationShutdown();
  checkpointer = startCheckpointer(db, log, new Date('2026-12-01T10:00:00.000Z'));
  await ledgerOf(25);
  await exported();
  expect(withCheckpoints()).toMatchObject({ status: 0, result: { intact: true, checked: 40, signedUpTo: 40 } });
  await asSuperuser(db, (tx) => tx.query(`UPDATE ${schema}.ledger SET deployment_id = 'd-9' WHERE position = 7`));
  await exported();
  expect(withCheckpoints()).toMatchObject({ status: 1, result: { firstBroken: { position: 7, reason: "position 7: its deployment id is not its event's" } } });
});
