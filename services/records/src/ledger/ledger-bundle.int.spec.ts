import { Database, migrate } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';
import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import { generateKeyPair, parseSigningKey, signCheckpoint } from '@gantry/transparency-log';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendToLedger, ledgerMigrations } from './ledger';
import { bundleOfDeployment, DEPLOYMENT_BUNDLE_FORMAT, type DeploymentBundle } from './ledger-bundle';
import type { LedgerCheckpointer } from './ledger-checkpointer';
import { latestCheckpoint } from './ledger-checkpoints';
import { LedgerLog } from './ledger-log';
import { asSuperuser, rewriteAndRecompute, startCheckpointer } from './test-fixtures';

/**
 * A deployment's bundle, as GET /audit/deployments/:id/bundle answers it, verified by the offline verifier
 * (scripts/verify-ledger-export.js --bundle) with the log's public key alone, without the rest of the ledger; and
 * refused, named at the first position it cannot vouch for, after each attack of a database superuser or of a service
 * that hands over a doctored bundle.
 */
const schema = 'records';
const origin = 'audit.example.com/gantry';
let database: TestDatabase;
let db: Database;
let dir: string;
let log: LedgerLog;
let checkpointer: LedgerCheckpointer;
let vkey: string;

const event = (n: number): CloudEvent =>
  ({
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
  }) as CloudEvent;

const append = (n: number) => db.transaction((tx) => appendToLedger(tx, schema, 'gantry.planning.v1', event(n), new Date('2026-12-01T10:00:00.000Z'), log));

/** `count` entries, and the checkpoints made meanwhile (one every 10 entries). */
async function ledgerOf(count: number): Promise<void> {
  for (let n = 1; n <= count; n++) await append(n);
  await checkpointer.settled();
}

async function bundle(deploymentId: string, treeSize?: number): Promise<DeploymentBundle> {
  const answer = await bundleOfDeployment(db, log, checkpointer, deploymentId, treeSize);
  if (!answer.ok) throw new Error(answer.reason);
  return answer.value;
}

const verifyBundle = (document: unknown, ...args: string[]) => {
  const file = join(dir, `bundle-${randomUUID()}.json`);
  writeFileSync(file, typeof document === 'string' ? document : JSON.stringify(document));
  const run = spawnSync(process.execPath, [join(__dirname, '../../../../scripts/verify-ledger-export.js'), '--bundle', file, ...(args.length > 0 ? args : ['--vkey', vkey])], { encoding: 'utf8' });
  return { status: run.status, result: run.stdout ? JSON.parse(run.stdout) : run.stderr };
};

const refusedAt = (position: number | null, reason: RegExp) => ({ status: 1, result: { intact: false, firstBroken: { position, reason: expect.stringMatching(reason) } } });

beforeEach(async () => {
  database = await createTestDatabase('gantry_ledger_bundle');
  db = Database.connect(database.url, { max: 4 });
  await migrate(db, schema, ledgerMigrations);
  dir = mkdtempSync(join(tmpdir(), 'ledger-bundle-'));
  const key = generateKeyPair(origin);
  writeFileSync(join(dir, 'key'), key.signingKey);
  vkey = key.verifierKey;
  log = new LedgerLog(schema, { origin, keyFile: join(dir, 'key'), checkpointEveryEntries: 10, checkpointEverySeconds: 0 });
  checkpointer = startCheckpointer(db, log, new Date('2026-12-01T11:00:00.000Z'));
});

afterEach(async () => {
  await checkpointer.onApplicationShutdown();
  await db.close();
  await database.drop();
  rmSync(dir, { recursive: true, force: true });
});

it("a deployment's bundle holds every entry of it and one checkpoint covering them, made now when none did; it verifies with the key alone", async () => {
  await ledgerOf(45);
  expect((await latestCheckpoint(db, schema))?.treeSize).toBe(40);
  const d1 = await bundle('d-1');
  expect(d1).toMatchObject({ format: DEPLOYMENT_BUNDLE_FORMAT, origin, deploymentId: 'd-1', treeSize: 45, checkpoint: expect.stringMatching(/^audit\.example\.com\/gantry\n45\n/) });
  expect(d1.entries.map((e) => e.position)).toEqual([1, 6, 11, 16, 21, 26, 31, 36, 41]);
  expect(d1.entries.every((e) => JSON.parse(e.entry).deploymentId === 'd-1')).toBe(true);
  expect((await latestCheckpoint(db, schema))?.treeSize).toBe(45);
  expect(verifyBundle(d1)).toEqual({ status: 0, result: { intact: true, deploymentId: 'd-1', checked: 9, treeSize: 45, positions: [1, 6, 11, 16, 21, 26, 31, 36, 41] } });

  // the latest checkpoint covers d-2 now: no other is made; an earlier one is asked by its size
  expect((await bundle('d-2')).treeSize).toBe(45);
  const earlier = await bundle('d-2', 20);
  expect(earlier.entries.map((e) => e.position)).toEqual([2, 7, 12, 17]);
  expect(verifyBundle(earlier)).toMatchObject({ status: 0, result: { intact: true, checked: 4, treeSize: 20 } });
});

it('refuses what the tree does not have: an unknown deployment (404), a size no checkpoint was made at (404), a size past the tree (400)', async () => {
  await ledgerOf(25);
  expect(await bundleOfDeployment(db, log, checkpointer, 'd-9', undefined)).toEqual({ ok: false, problem: 'not-found', reason: 'the ledger has no entry of deployment d-9' });
  expect(await bundleOfDeployment(db, log, checkpointer, 'd-1', 7)).toMatchObject({ ok: false, problem: 'not-found', reason: expect.stringMatching(/^no checkpoint was made at tree size 7/) });
  expect(await bundleOfDeployment(db, log, checkpointer, 'd-1', 99)).toEqual({ ok: false, problem: 'invalid', reason: 'the tree has 25 entries, fewer than the size 99 asked for' });
  const late = { ...event(26), data: { deploymentId: 'late' } } as CloudEvent;
  await db.transaction((tx) => appendToLedger(tx, schema, 'gantry.planning.v1', late, new Date('2026-12-01T10:00:00.000Z'), log));
  await checkpointer.settled();
  expect(await bundleOfDeployment(db, log, checkpointer, 'late', 10)).toEqual({ ok: false, problem: 'not-found', reason: 'the ledger has no entry of deployment late in its first 10 entries' });
});

it('an entry edited in the database is named at its position, whether the service gives the stored leaf hash or one recomputed', async () => {
  await ledgerOf(40);
  await asSuperuser(db, (tx) => tx.query(`UPDATE ${schema}.ledger SET event = jsonb_set(event, '{data,n}', '999') WHERE position = 16`));
  const tampered = await bundle('d-1');
  expect(verifyBundle(tampered)).toMatchObject(refusedAt(16, /^position 16: its bytes do not hash to the leaf hash the bundle gives: the entry was edited$/));
  const recomputed = { ...tampered, entries: tampered.entries.map(({ leafHash: _, ...rest }) => rest) };
  expect(verifyBundle(recomputed)).toMatchObject(refusedAt(16, /^position 16: its inclusion proof does not lead to the root the checkpoint of size 40 signed/));
});

it('an entry moved into the deployment, or given another type, is named at its position; an entry of another deployment handed over in the bundle too', async () => {
  await ledgerOf(40);
  await asSuperuser(db, (tx) => tx.query(`UPDATE ${schema}.ledger SET deployment_id = 'd-1' WHERE position = 12`));
  expect(verifyBundle(await bundle('d-1'))).toMatchObject(refusedAt(12, /^position 12: its bytes do not hash to the leaf hash/));
  await asSuperuser(db, (tx) => tx.query(`UPDATE ${schema}.ledger SET deployment_id = 'd-2' WHERE position = 12`));
  await asSuperuser(db, (tx) => tx.query(`UPDATE ${schema}.ledger SET event_type = 'gantry.x.Nothing.v1' WHERE position = 21`));
  expect(verifyBundle(await bundle('d-1'))).toMatchObject(refusedAt(21, /^position 21: its bytes do not hash to the leaf hash/));
  await asSuperuser(db, (tx) => tx.query(`UPDATE ${schema}.ledger SET event_type = 'gantry.planning.DeploymentPlanned.v1' WHERE position = 21`));

  // a service that adds another deployment's honest entry, honest proof included, to this deployment's bundle
  const [d1, d2] = [await bundle('d-1'), await bundle('d-2')];
  const mixed = { ...d1, entries: [...d1.entries, d2.entries[1]!].sort((a, b) => a.position - b.position) };
  expect(verifyBundle(mixed)).toMatchObject(refusedAt(7, /^position 7: its bytes file it under deployment "d-2", not "d-1": an entry moved, or one of another deployment$/));
});

it('a bundle whose entries are out of position order or listed twice, or whose proof does not lead to the root, is named at that position', async () => {
  await ledgerOf(40);
  const d1 = await bundle('d-1');
  const [a, b, ...rest] = d1.entries;
  expect(verifyBundle({ ...d1, entries: [b, a, ...rest] })).toMatchObject(refusedAt(1, /^position 1 comes after 6: a bundle lists each entry once, in position order$/));
  expect(verifyBundle({ ...d1, entries: [a, b, b, ...rest] })).toMatchObject(refusedAt(6, /^position 6 comes after 6/));
  const bent = d1.entries.map((e) => (e.position === 26 ? { ...e, hashes: [...e.hashes.slice(0, -1), 'ab'.repeat(32)] } : e));
  expect(verifyBundle({ ...d1, entries: bent })).toMatchObject(refusedAt(26, /^position 26: its inclusion proof does not lead to the root/));
  const short = d1.entries.map((e) => (e.position === 26 ? { ...e, hashes: e.hashes.slice(1) } : e));
  expect(verifyBundle({ ...d1, entries: short })).toMatchObject(refusedAt(26, /^position 26: its inclusion proof does not lead to the root/));
  expect(verifyBundle({ ...d1, format: 'something-else' })).toMatchObject(refusedAt(null, /^not a deployment bundle of format gantry\.deployment-bundle\.v1$/));
  expect(verifyBundle('{"format":')).toMatchObject(refusedAt(null, /^the bundle is not JSON/));
});

it('a checkpoint signed by another key, or of another origin, is refused; so is a second root for a size the auditor holds', async () => {
  await ledgerOf(40);
  const d1 = await bundle('d-1');
  const other = generateKeyPair(origin);
  const otherKey = parseSigningKey(other.signingKey);
  if (!otherKey.ok) throw new Error(otherKey.reason);
  const lines = d1.checkpoint.split('\n');
  const resigned = signCheckpoint({ origin, size: 40, root: Buffer.from(lines[2]!, 'base64'), extensions: [lines[3]!] }, otherKey.value);
  expect(verifyBundle({ ...d1, checkpoint: resigned })).toMatchObject(refusedAt(1, /^the bundle's checkpoint not signed by the configured key audit\.example\.com\/gantry\+/));
  expect(verifyBundle(d1, '--vkey', other.verifierKey)).toMatchObject(refusedAt(1, /^the bundle's checkpoint not signed by the configured key/));
  expect(verifyBundle(d1, '--vkey', vkey, '--origin', 'other.example.com/log')).toMatchObject(refusedAt(1, /^the bundle is of origin "audit\.example\.com\/gantry", not "other\.example\.com\/log"$/));
  expect(verifyBundle({ ...d1, origin: 'other.example.com/log' }, '--vkey', vkey, '--origin', 'other.example.com/log')).toMatchObject(refusedAt(1, /^the bundle's checkpoint of origin "audit\.example\.com\/gantry", not "other\.example\.com\/log"$/));
  expect(verifyBundle({ ...d1, treeSize: 30 })).toMatchObject(refusedAt(1, /^the bundle says tree size 30, its checkpoint 40$/));
  // a quorum of witnesses the checkpoint lacks
  const witness = generateKeyPair('witness.example.com', 'cosignature/v1');
  expect(verifyBundle(d1, '--vkey', vkey, '--witness-key', witness.verifierKey, '--quorum', '1')).toMatchObject(refusedAt(1, /^the bundle's checkpoint cosigned by 0 of the 1 witnesses given/));

  // the log's own key signing another root for size 40: the checkpoint the auditor holds proves it lied
  const logKey = parseSigningKey(readFileSync(join(dir, 'key'), 'utf8'));
  if (!logKey.ok) throw new Error(logKey.reason);
  writeFileSync(join(dir, 'held-40.txt'), signCheckpoint({ origin, size: 40, root: Buffer.alloc(32, 7), extensions: [] }, logKey.value));
  expect(verifyBundle(d1, '--vkey', vkey, '--checkpoint', join(dir, 'held-40.txt'))).toMatchObject({
    status: 1,
    result: { intact: false, firstBroken: { position: 1, reason: expect.stringMatching(/^split view: the log signed two roots for tree size 40/) }, misbehaviour: { proof: 'split view' } },
  });
});

it('a middle entry rewritten with every hash, node and the head recomputed: no proof of the bundle leads to the signed root, and the log signs no tree that does not extend what it signed', async () => {
  await ledgerOf(40);
  await rewriteAndRecompute(db, schema, 16);
  // the rewritten subtrees are on every entry's path to the root: the bundle vouches for nothing, from its first entry
  expect(verifyBundle(await bundle('d-1'))).toMatchObject(refusedAt(1, /^position 1: its inclusion proof does not lead to the root the checkpoint of size 40 signed/));
  const d2 = await bundle('d-2');
  expect(verifyBundle(d2)).toMatchObject(refusedAt(2, /^position 2: its inclusion proof/));
  // entries after the last checkpoint: the bundle would need a new one, and the log refuses to sign the rewritten tree
  await append(41);
  expect(await bundleOfDeployment(db, log, checkpointer, 'd-1', undefined)).toMatchObject({ ok: false, problem: 'unsigned', reason: expect.stringMatching(/the log refuses to sign one: the tree of 41 entries does not extend the last checkpoint \(size 40\)/) });
});
