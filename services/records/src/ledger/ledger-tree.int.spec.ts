import { Database, migrate } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';
import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import { MerkleTree, verifyConsistency, verifyInclusion } from '@gantry/transparency-log';
import { randomUUID } from 'node:crypto';
import { appendToLedger, ledgerMigrations } from './ledger';
import { hashV1, LEDGER_GENESIS_HASH } from './ledger-entry';
import { formatLine, ledgerPages } from './ledger-export';
import { verifyLedger } from './ledger-verification';
import { consistencyProof, growLedgerTree, inclusionProofs, readTreeHead } from './ledger-tree';

const schema = 'records';
let database: TestDatabase;
let db: Database;

const event = (n: number, deploymentId = `d-${n % 3}`): CloudEvent => ({
  specversion: '1.0',
  id: randomUUID(),
  source: '/gantry/planning',
  type: 'gantry.planning.DeploymentRequested.v1',
  subject: deploymentId,
  time: new Date().toISOString(),
  data: { deploymentId, n },
});

/** An entry appended, and the tree grown over it as the checkpointer grows it. */
const append = async (n: number) => {
  await db.transaction((tx) => appendToLedger(tx, schema, 'gantry.planning.v1', event(n), new Date()));
  await db.transaction((tx) => growLedgerTree(tx, schema));
};

/** The tree an auditor recomputes from an export: each line's bytes are a leaf. */
async function treeOfExport(): Promise<MerkleTree> {
  const tree = new MerkleTree();
  for await (const page of ledgerPages(db, schema, { from: 1 })) {
    for (const entry of page) tree.appendEntry(Buffer.from(formatLine(entry, 'ndjson').slice(0, -1), 'utf8'));
  }
  return tree;
}

const bytes = (hex: string) => Buffer.from(hex, 'hex');
const rootOf = (tree: MerkleTree, size: number) => {
  const root = tree.rootAt(size);
  if (!root.ok) throw new Error(root.reason);
  return root.value;
};

beforeEach(async () => {
  database = await createTestDatabase('gantry_ledger_tree');
  db = Database.connect(database.url, { max: 4 });
  await migrate(db, schema, ledgerMigrations);
});

afterEach(async () => {
  await db.close();
  await database.drop();
});

it("the stored tree is the RFC 6962 tree of the export's lines, and its proofs verify against that tree's roots", async () => {
  for (let n = 1; n <= 37; n++) await append(n);
  const tree = await treeOfExport();
  const head = await readTreeHead(db, schema);
  expect(head.size).toBe(37);
  expect(Buffer.from(head.tree.root()).equals(Buffer.from(tree.root()))).toBe(true);

  for (const size of [1, 2, 5, 16, 17, 37]) {
    const positions = Array.from({ length: size }, (_, i) => i + 1);
    const proofs = await inclusionProofs(db, schema, positions, size);
    if (!proofs.ok) throw new Error(proofs.reason);
    for (const proof of proofs.value) {
      const verdict = verifyInclusion({ index: proof.leafIndex, size, leafHash: bytes(proof.leafHash), proof: proof.hashes.map(bytes), root: rootOf(tree, size) });
      expect(verdict).toEqual({ ok: true, value: true });
    }
    for (const older of [1, 3, 4, size]) {
      if (older > size) continue;
      const proof = await consistencyProof(db, schema, older, size);
      if (!proof.ok) throw new Error(proof.reason);
      expect(verifyConsistency({ olderSize: older, olderRoot: rootOf(tree, older), newerSize: size, newerRoot: rootOf(tree, size), proof: proof.value.hashes.map(bytes) })).toMatchObject({ ok: true });
    }
  }
});

it('a proof asked past the tree, or of an entry outside the size asked, is refused with the reason', async () => {
  for (let n = 1; n <= 5; n++) await append(n);
  expect(await inclusionProofs(db, schema, [3], 9)).toEqual({ ok: false, problem: 'invalid', reason: 'the tree has 5 entries, fewer than the size 9 asked for' });
  expect(await inclusionProofs(db, schema, [4], 3)).toEqual({ ok: false, problem: 'invalid', reason: 'position 4 is not in the tree of 3 entries' });
  expect(await consistencyProof(db, schema, 2, 6)).toEqual({ ok: false, problem: 'invalid', reason: 'the tree has 5 entries, fewer than the size 6 asked for' });
  expect(await consistencyProof(db, schema, 4, 3)).toMatchObject({ ok: false, problem: 'invalid' });
});

it('a ledger written before the tree gets one over every entry from genesis at its first append after the upgrade', async () => {
  await db.close();
  await database.drop();
  database = await createTestDatabase('gantry_ledger_tree');
  db = Database.connect(database.url, { max: 4 });
  await migrate(db, schema, ledgerMigrations.slice(0, 1));
  let previousHash = LEDGER_GENESIS_HASH;
  for (let position = 1; position <= 1500; position++) {
    const entry = { position, topic: 'gantry.planning.v1', event: event(position), recordedAt: new Date().toISOString() };
    const hash = hashV1(previousHash, entry);
    await db.query(
      `INSERT INTO ${schema}.ledger (position, event_id, topic, event_type, deployment_id, event, recorded_at, previous_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [position, entry.event.id, entry.topic, entry.event.type, (entry.event.data as { deploymentId: string }).deploymentId, JSON.stringify(entry.event), entry.recordedAt, previousHash, hash],
    );
    await db.query(`UPDATE ${schema}.ledger_head SET position = $1, hash = $2`, [position, hash]);
    previousHash = hash;
  }
  await migrate(db, schema, ledgerMigrations);
  expect((await readTreeHead(db, schema)).size).toBe(0);
  await append(1501);
  const head = await readTreeHead(db, schema);
  expect(head.size).toBe(1501);
  expect(Buffer.from(head.tree.root()).equals(Buffer.from((await treeOfExport()).root()))).toBe(true);
  expect(await verifyLedger(db, schema)).toEqual({ intact: true, from: 1, to: 1501, checked: 1501 });
});

it("a stored leaf that is not its entry's, or a head whose tree is not the entries', is named", async () => {
  for (let n = 1; n <= 8; n++) await append(n);
  const superuser = (sql: string) =>
    db.transaction(async (tx) => {
      await tx.query('SET LOCAL session_replication_role = replica');
      await tx.query(sql);
    });
  await superuser(`UPDATE ${schema}.ledger_tree SET edge = decode(repeat('ab', 32), 'hex')`);
  expect(await verifyLedger(db, schema)).toMatchObject({ intact: false, firstBroken: { position: 8, reason: "the ledger head's tree is not the entries' tree" } });
  await superuser(`UPDATE ${schema}.ledger_nodes SET hash = decode(repeat('cd', 32), 'hex') WHERE level = 0 AND index = 5`);
  expect(await verifyLedger(db, schema)).toMatchObject({ intact: false, checked: 5, firstBroken: { position: 6, reason: "the tree's leaf is not the entry's" } });
  await superuser(`DELETE FROM ${schema}.ledger_nodes WHERE level = 0 AND index = 2`);
  expect(await verifyLedger(db, schema)).toMatchObject({ intact: false, firstBroken: { position: 3, reason: 'the tree has no leaf for the entry' } });
});

it('the tree refuses UPDATE and DELETE of its nodes', async () => {
  await append(1);
  await expect(db.query(`UPDATE ${schema}.ledger_nodes SET level = 9`)).rejects.toThrow(/append-only/);
  await expect(db.query(`DELETE FROM ${schema}.ledger_nodes`)).rejects.toThrow(/append-only/);
  await expect(db.query(`TRUNCATE ${schema}.ledger_nodes`)).rejects.toThrow(/append-only/);
});
