import { Database, migrate } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';
import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendToLedger, ledgerMigrations } from './ledger';
import { CSV_HEADER, formatLine, ledgerPages } from './ledger-export';
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

const append = (n: number) => db.transaction((tx) => appendToLedger(tx, schema, 'gantry.planning.v1', event(n), new Date()));

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
  await db.transaction((tx) => appendToLedger(tx, schema, 'gantry.planning.v1', once, new Date()));
  expect(await db.transaction((tx) => appendToLedger(tx, schema, 'gantry.planning.v1', once, new Date()))).toBeUndefined();
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
  for (let n = 6; n <= 1050; n++) await append(n);
  expect(await verifyLedger(db, schema)).toEqual({ intact: true, from: 1, to: 1050, checked: 1050 });
  expect(await verifyLedger(db, schema, { from: 500, to: 600 })).toEqual({ intact: true, from: 500, to: 600, checked: 101 });
  expect(await verifyLedger(db, schema, { from: 2000 })).toMatchObject({ intact: false, firstBroken: { position: 2000, reason: 'the ledger ends at position 1050, before the range' } });
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

describe('export', () => {
  const exportTo = async (file: string, format: 'ndjson' | 'csv', range: { from: number; to?: number } = { from: 1 }) => {
    const lines: string[] = format === 'csv' ? [CSV_HEADER] : [];
    for await (const page of ledgerPages(db, schema, range)) lines.push(...page.map((e) => formatLine(e, format)));
    writeFileSync(file, lines.join(''));
    return lines.length;
  };
  const verifyOffline = (file: string, ...args: string[]) =>
    spawnSync(process.execPath, [join(__dirname, '../../../../scripts/verify-ledger-export.js'), file, ...args], { encoding: 'utf8' });

  it('an NDJSON export verifies offline with the script in the repo, and an edited line is named', async () => {
    for (let n = 1; n <= 1050; n++) await append(n);
    const dir = mkdtempSync(join(tmpdir(), 'ledger-export-'));
    const file = join(dir, 'export.ndjson');
    expect(await exportTo(file, 'ndjson')).toBe(1050);
    const head = await readLedgerHead(db, schema);
    const ok = verifyOffline(file, '--digest', formatDigest(head));
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ intact: true, checked: 1050 });

    const lines = readFileSync(file, 'utf8').split('\n');
    lines[700] = lines[700].replace('"n":701', '"n":7010');
    writeFileSync(file, lines.join('\n'));
    const bad = verifyOffline(file);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ intact: false, firstBroken: { line: 701, reason: 'position 701: content does not match its hash' } });

    await exportTo(file, 'ndjson', { from: 600, to: 650 });
    expect(JSON.parse(verifyOffline(file).stdout)).toMatchObject({ intact: true, checked: 51 });
    rmSync(dir, { recursive: true, force: true });
  });

  it('a CSV export has one row per entry with its hashes, the event as JSON', async () => {
    for (let n = 1; n <= 3; n++) await append(n);
    const dir = mkdtempSync(join(tmpdir(), 'ledger-export-'));
    const file = join(dir, 'export.csv');
    await exportTo(file, 'csv');
    const rows = readFileSync(file, 'utf8').trim().split('\n');
    expect(rows[0]).toBe(CSV_HEADER.trim());
    expect(rows).toHaveLength(4);
    expect(rows[3]).toMatch(/^3,[^,]+,gantry\.planning\.v1,gantry\.planning\.DeploymentRequested\.v1,[0-9a-f-]{36},d-1,[0-9a-f]{64},[0-9a-f]{64},"\{/);
    rmSync(dir, { recursive: true, force: true });
  });
});
