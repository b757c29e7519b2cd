import { Database, migrate, type SqlClient } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';
import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import { generateKeyPair, parseCheckpoint, parseSigningKey, signCheckpoint, verifyCheckpoint, type SigningKey } from '@gantry/transparency-log';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendToLedger, ledgerMigrations } from './ledger';
import { LedgerCheckpointer } from './ledger-checkpointer';
import { latestCheckpoint, checkpointsAfter } from './ledger-checkpoints';
import { LedgerLog } from './ledger-log';
import { heldCheckpoints, verifyLedger } from './ledger-verification';
import { asSuperuser as superuser, rewriteAndRecompute as rewrite } from './test-fixtures';

const schema = 'records';
const origin = 'records.test/ledger';
let database: TestDatabase;
let db: Database;
let dir: string;
let log: LedgerLog;
let checkpointer: LedgerCheckpointer;

const event = (n: number): CloudEvent => ({
  specversion: '1.0',
  id: randomUUID(),
  source: '/gantry/planning',
  type: 'gantry.planning.DeploymentRequested.v1',
  subject: `d-${n % 4}`,
  time: '2026-12-01T10:00:00.000Z',
  data: { deploymentId: `d-${n % 4}`, n },
});

const at = new Date('2026-12-01T10:00:00.000Z');
const append = (n: number) => db.transaction((tx) => appendToLedger(tx, schema, 'gantry.planning.v1', event(n), at, log));
const appendAll = async (count: number, from = 1) => {
  for (let n = from; n < from + count; n++) await append(n);
  await checkpointer.settled();
};

const asSuperuser = (work: (tx: SqlClient) => Promise<unknown>) => superuser(db, work);
const rewriteAndRecompute = (position: number) => rewrite(db, schema, position);

beforeEach(async () => {
  database = await createTestDatabase('gantry_ledger_checkpoints');
  db = Database.connect(database.url, { max: 4 });
  await migrate(db, schema, ledgerMigrations);
  dir = mkdtempSync(join(tmpdir(), 'ledger-key-'));
  writeFileSync(join(dir, 'key'), generateKeyPair(origin).signingKey);
  log = new LedgerLog(schema, { origin, keyFile: join(dir, 'key'), checkpointEveryEntries: 10, checkpointEverySeconds: 0 });
  checkpointer = new LedgerCheckpointer(db, log, { now: () => at, newId: randomUUID });
  checkpointer.start();
});

afterEach(async () => {
  await checkpointer.onApplicationShutdown();
  await db.close();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

it('every tenth entry, once its append commits, the checkpointer signs a checkpoint of the tree: origin, size, root and time, signed by the log key', async () => {
  await appendAll(25);
  const checkpoints = await checkpointsAfter(db, schema, 0, 10);
  expect(checkpoints.map((c) => c.treeSize)).toEqual([10, 20]);
  const latest = await latestCheckpoint(db, schema);
  const opened = verifyCheckpoint(latest!.note, await log.trust());
  if (!opened.ok) throw new Error(opened.reason);
  expect(opened.value.checkpoint).toMatchObject({ origin, size: 20, extensions: [`Timestamp: ${at.getTime()}000000`] });
  expect(Buffer.from(opened.value.checkpoint.root).equals(latest!.root)).toBe(true);
  expect(await verifyLedger(db, schema, {}, await log.trust())).toEqual({ intact: true, from: 1, to: 25, checked: 25, signedUpTo: 20 });
});

it('the timer signs the tree as it is when entries came since the last checkpoint, and nothing when none did', async () => {
  await appendAll(13);
  expect(await checkpointer.checkpointNow()).toMatchObject({ made: { treeSize: 13 } });
  expect(await checkpointer.checkpointNow()).toEqual({ unchanged: true });
  expect(parseCheckpoint((await latestCheckpoint(db, schema))!.note.split('\n\n')[0] + '\n')).toMatchObject({ ok: true, value: { size: 13 } });
});

it('a rewritten entry with every later hash, the tree and the head recomputed: verification names the entries the last good checkpoint does not cover, and the log refuses to sign the rewritten tree', async () => {
  await appendAll(30);
  await rewriteAndRecompute(14);
  expect(await verifyLedger(db, schema)).toMatchObject({ intact: true });
  expect(await verifyLedger(db, schema, {}, await log.trust())).toMatchObject({
    intact: false,
    firstBroken: { position: 11, reason: 'the entries from position 11 to 20 are not those the checkpoint of size 20 signed' },
  });
  await appendAll(10, 31);
  expect((await latestCheckpoint(db, schema))!.treeSize).toBe(30);
  expect(await checkpointer.checkpointNow()).toEqual({ refused: expect.stringMatching(/^the tree of 40 entries does not extend the last checkpoint \(size 30\)/) });
});

it('a tail cut off with the head moved back is named by the checkpoint that signed it', async () => {
  await appendAll(20);
  const kept = await db.query<{ hash: string }>(`SELECT hash FROM ${schema}.ledger WHERE position = 17`);
  await asSuperuser(async (tx) => {
    await tx.query(`DELETE FROM ${schema}.ledger WHERE position > 17`);
    await tx.query(`DELETE FROM ${schema}.ledger_nodes WHERE level = 0 AND index >= 17`);
    await tx.query(`UPDATE ${schema}.ledger_head SET position = 17, hash = $1`, [kept.rows[0]!.hash]);
  });
  expect(await verifyLedger(db, schema, {}, await log.trust())).toMatchObject({
    intact: false,
    firstBroken: { position: 18, reason: 'the ledger ends at position 17, but the checkpoint of size 20 signed entries up to 20' },
  });
});

it('the checkpoints an auditor holds name a tail cut off with its checkpoints deleted, which the stored ones no longer can', async () => {
  await appendAll(30);
  const held = heldCheckpoints((await checkpointsAfter(db, schema, 0, 10)).map((c) => c.note), await log.trust());
  if (!held.ok) throw new Error(held.reason);
  const kept = await db.query<{ hash: string }>(`SELECT hash FROM ${schema}.ledger WHERE position = 22`);
  await asSuperuser(async (tx) => {
    await tx.query(`DELETE FROM ${schema}.ledger WHERE position > 22`);
    await tx.query(`DELETE FROM ${schema}.ledger_checkpoints WHERE tree_size > 20`);
    await tx.query(`UPDATE ${schema}.ledger_head SET position = 22, hash = $1`, [kept.rows[0]!.hash]);
  });
  expect(await verifyLedger(db, schema, {}, await log.trust())).toMatchObject({ intact: true, to: 22, signedUpTo: 20 });
  expect(await verifyLedger(db, schema, {}, await log.trust(), held.value)).toMatchObject({
    intact: false,
    firstBroken: { position: 23, reason: 'the ledger ends at position 22, but the checkpoint of size 30 signed entries up to 30' },
  });
  const other = generateKeyPair(origin);
  const forged = signCheckpoint({ origin, size: 22, root: Buffer.alloc(32), extensions: [] }, (parseSigningKey(other.signingKey) as { ok: true; value: SigningKey }).value);
  expect(heldCheckpoints([held.value[0]!.note, forged], await log.trust())).toEqual({ ok: false, reason: expect.stringMatching(/^checkpoints\[1\] does not verify with the log's key/) });
});

it('a checkpoint the log did not sign is not evidence: verification names the entries it was to cover', async () => {
  await appendAll(20);
  const other = generateKeyPair(origin);
  writeFileSync(join(dir, 'other'), other.signingKey);
  const forged = new LedgerLog(schema, { ...log.policy, keyFile: join(dir, 'other') });
  await asSuperuser((tx) => tx.query(`DELETE FROM ${schema}.ledger_checkpoints WHERE tree_size = 20`));
  const forger = new LedgerCheckpointer(db, forged, { now: () => at, newId: randomUUID });
  await expect(forger.checkpointNow()).resolves.toMatchObject({ refused: expect.stringMatching(/^the last checkpoint \(size 10\) does not verify with the log's key/) });
  await asSuperuser((tx) => tx.query(`DELETE FROM ${schema}.ledger_checkpoints`));
  await forger.checkpointNow();
  expect(await verifyLedger(db, schema, {}, await log.trust())).toMatchObject({
    intact: false,
    firstBroken: { position: 1, reason: expect.stringMatching(/^the checkpoint of size 20 does not verify with the log's key/) },
  });
});

it('checkpoints refuse UPDATE and DELETE', async () => {
  await appendAll(10);
  await expect(db.query(`UPDATE ${schema}.ledger_checkpoints SET note = 'x'`)).rejects.toThrow(/append-only/);
  await expect(db.query(`DELETE FROM ${schema}.ledger_checkpoints`)).rejects.toThrow(/append-only/);
});
