import { Database, migrate } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';
import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import { randomUUID } from 'node:crypto';
import { appendToLedger, ledgerMigrations } from './ledger';
import { formatDigest, parseDigest, readLedgerHead, verifyDigest, verifyLedger } from './ledger-verification';

const schema = 'records';
let database: TestDatabase;
let db: Database;

const event = (n: number): CloudEvent => ({
  specversion: '1.0',
  id: randomUUID(),
  source: '/gantry/planning',
  type: 'gantry.planning.DeploymentRequested.v1',
  subject: 'd-1',
  time: new Date().toISOString(),
  data: { deploymentId: 'd-1', n },
});

const append = (n: number) => db.transaction((tx) => appendToLedger(tx, schema, 'gantry.planning.v1', event(n)));

/** Alters an entry the way only someone bypassing the application could: a superuser with triggers disabled. */
const tamper = async (position: number) => {
  await db.transaction(async (tx) => {
    await tx.query(`ALTER TABLE ${schema}.ledger DISABLE TRIGGER USER`);
    await tx.query(`UPDATE ${schema}.ledger SET event = jsonb_set(event, '{data,n}', '999') WHERE position = $1`, [position]);
    await tx.query(`ALTER TABLE ${schema}.ledger ENABLE TRIGGER USER`);
  });
};

beforeEach(async () => {
  database = await createTestDatabase('gantry_ledger');
  db = Database.connect(database.url, { max: 4 });
  await migrate(db, schema, ledgerMigrations);
});

afterEach(async () => {
  await db.close();
  await database.drop();
});

it('the same event twice is one ledger entry', async () => {
  const once = event(1);
  await db.transaction((tx) => appendToLedger(tx, schema, 'gantry.planning.v1', once));
  expect(await db.transaction((tx) => appendToLedger(tx, schema, 'gantry.planning.v1', once))).toBeUndefined();
  expect((await readLedgerHead(db, schema)).position).toBe(1);
});

it('the ledger refuses UPDATE and DELETE', async () => {
  await append(1);
  await expect(db.query(`UPDATE ${schema}.ledger SET topic = 'x'`)).rejects.toThrow(/append-only/);
  await expect(db.query(`DELETE FROM ${schema}.ledger`)).rejects.toThrow(/append-only/);
});

it('an honest ledger verifies over any range, and a digest kept earlier still verifies after more appends', async () => {
  for (let n = 1; n <= 5; n++) await append(n);
  const kept = await readLedgerHead(db, schema);
  for (let n = 6; n <= 2500; n++) await append(n);
  expect(await verifyLedger(db, schema)).toEqual({ intact: true, from: 1, to: 2500, checked: 2500 });
  expect(await verifyLedger(db, schema, { from: 1200, to: 1300 })).toEqual({ intact: true, from: 1200, to: 1300, checked: 101 });
  expect(await verifyDigest(db, schema, parseDigest(formatDigest(kept))!)).toMatchObject({ intact: true, checked: 5 });
});

it('an entry altered behind the application is named, and a digest kept before the alteration no longer verifies', async () => {
  for (let n = 1; n <= 6; n++) await append(n);
  const kept = await readLedgerHead(db, schema);
  await tamper(3);
  const verdict = await verifyLedger(db, schema);
  expect(verdict).toMatchObject({ intact: false, checked: 2, firstBroken: { position: 3, reason: 'content does not match its hash' } });
  expect(await verifyDigest(db, schema, kept)).toMatchObject({ intact: false, firstBroken: { position: 3 } });
  expect(await verifyLedger(db, schema, { from: 4 })).toMatchObject({ intact: true, checked: 3 });
});

it('a digest the ledger never had does not verify', async () => {
  for (let n = 1; n <= 3; n++) await append(n);
  expect(await verifyDigest(db, schema, { position: 2, hash: 'a'.repeat(64) })).toMatchObject({ intact: false, firstBroken: { position: 2, reason: 'the entry at the digest has another hash' } });
  expect(await verifyDigest(db, schema, { position: 9, hash: 'a'.repeat(64) })).toMatchObject({ intact: false, firstBroken: { reason: 'the ledger is shorter than the digest' } });
});
