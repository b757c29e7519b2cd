import { Database, migrate } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';
import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendToLedger, ledgerMigrations } from './ledger';
import { hashV1, LEDGER_GENESIS_HASH } from './ledger-entry';
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

/** Alters entries the way only someone bypassing the application could: a superuser with triggers disabled. */
const asSuperuser = (sql: string, params: unknown[] = []) =>
  db.transaction(async (tx) => {
    await tx.query(`SET LOCAL session_replication_role = replica`);
    await tx.query(sql, params);
  });
const tamper = (position: number) => asSuperuser(`UPDATE ${schema}.ledger SET event = jsonb_set(event, '{data,n}', '999') WHERE position = $1`, [position]);

/** A ledger written before format 2: the first migration only, entries as format 1 wrote them; then the upgrade. */
const ledgerOfFormat1 = async (entries: number) => {
  await database.drop();
  database = await createTestDatabase('gantry_ledger');
  await db.close();
  db = Database.connect(database.url, { max: 4 });
  await migrate(db, schema, ledgerMigrations.slice(0, 1));
  let previousHash = LEDGER_GENESIS_HASH;
  for (let position = 1; position <= entries; position++) {
    const entry = { position, topic: 'gantry.planning.v1', event: event(position), recordedAt: new Date().toISOString() };
    const hash = hashV1(previousHash, entry);
    await db.query(
      `INSERT INTO ${schema}.ledger (position, event_id, topic, event_type, deployment_id, event, recorded_at, previous_hash, hash) VALUES ($1, $2, $3, $4, 'd-1', $5, $6, $7, $8)`,
      [position, entry.event.id, entry.topic, entry.event.type, JSON.stringify(entry.event), entry.recordedAt, previousHash, hash],
    );
    await db.query(`UPDATE ${schema}.ledger_head SET position = $1, hash = $2`, [position, hash]);
    previousHash = hash;
  }
  await migrate(db, schema, ledgerMigrations);
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

it("an entry moved to another deployment, or given another type, no longer matches its hash (the columns are inside it)", async () => {
  for (let n = 1; n <= 6; n++) await append(n);
  await asSuperuser(`UPDATE ${schema}.ledger SET deployment_id = NULL WHERE position = 4`);
  expect(await verifyLedger(db, schema)).toMatchObject({ intact: false, checked: 3, firstBroken: { position: 4, reason: 'content does not match its hash' } });
  await asSuperuser(`UPDATE ${schema}.ledger SET deployment_id = 'd-1', event_type = 'gantry.x.Nothing.v1' WHERE position = 4`);
  expect(await verifyLedger(db, schema)).toMatchObject({ intact: false, firstBroken: { position: 4, reason: 'event type column differs from the event' } });
  await asSuperuser(`UPDATE ${schema}.ledger SET event = jsonb_set(event, '{type}', '"gantry.x.Nothing.v1"') WHERE position = 4`);
  expect(await verifyLedger(db, schema)).toMatchObject({ intact: false, firstBroken: { position: 4, reason: 'content does not match its hash' } });
});

describe('a ledger written before format 2', () => {
  it('keeps its entries and hashes; new entries follow in format 2 and the whole chain verifies', async () => {
    await ledgerOfFormat1(3);
    const kept = await readLedgerHead(db, schema);
    for (let n = 4; n <= 6; n++) await append(n);
    const formats = await db.query<{ format: number }>(`SELECT format FROM ${schema}.ledger ORDER BY position`);
    expect(formats.rows.map((r) => r.format)).toEqual([1, 1, 1, 2, 2, 2]);
    expect(await verifyLedger(db, schema)).toEqual({ intact: true, from: 1, to: 6, checked: 6 });
    expect(await verifyDigest(db, schema, kept)).toMatchObject({ intact: true, checked: 3 });
  });

  it("its entries' deployment id and type columns must be what their events give, though their hashes never covered them", async () => {
    await ledgerOfFormat1(3);
    await asSuperuser(`UPDATE ${schema}.ledger SET deployment_id = NULL WHERE position = 2`);
    expect(await verifyLedger(db, schema)).toMatchObject({ intact: false, firstBroken: { position: 2, reason: "deployment id column differs from the event's deployment" } });
    await asSuperuser(`UPDATE ${schema}.ledger SET deployment_id = 'd-1', event_type = 'gantry.x.Nothing.v1' WHERE position = 2`);
    expect(await verifyLedger(db, schema)).toMatchObject({ intact: false, firstBroken: { position: 2, reason: 'event type column differs from the event' } });
  });

  it('a format-1 entry after a format-2 one is refused', async () => {
    for (let n = 1; n <= 2; n++) await append(n);
    await asSuperuser(`UPDATE ${schema}.ledger SET format = 1 WHERE position = 2`);
    expect(await verifyLedger(db, schema)).toMatchObject({ intact: false, firstBroken: { position: 2, reason: 'a format-1 entry after a format-2 one' } });
  });
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
    await ledgerOfFormat1(20);
    for (let n = 21; n <= 1050; n++) await append(n);
    const dir = mkdtempSync(join(tmpdir(), 'ledger-export-'));
    const file = join(dir, 'export.ndjson');
    expect(await exportTo(file, 'ndjson')).toBe(1050);
    const head = await readLedgerHead(db, schema);
    const ok = verifyOffline(file, '--digest', formatDigest(head));
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ intact: true, checked: 1050 });

    const lines = readFileSync(file, 'utf8').split('\n');
    const edited = (line: number, from: string, to: string) => writeFileSync(file, lines.map((text, n) => (n === line - 1 ? text.replace(from, to) : text)).join('\n'));
    edited(701, '"n":701', '"n":7010');
    const bad = verifyOffline(file);
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout)).toMatchObject({ intact: false, firstBroken: { line: 701, reason: 'position 701: content does not match the hash position 702 names' } });
    edited(12, '"n":12', '"n":120');
    expect(JSON.parse(verifyOffline(file).stdout)).toMatchObject({ intact: false, firstBroken: { line: 12, reason: 'position 12: content does not match its hash' } });
    edited(13, '"deploymentId":"d-1","event"', '"deploymentId":null,"event"');
    expect(JSON.parse(verifyOffline(file).stdout)).toMatchObject({ intact: false, firstBroken: { line: 13, reason: "position 13: its deployment id is not its event's" } });

    await exportTo(file, 'ndjson', { from: 600, to: 650 });
    expect(JSON.parse(verifyOffline(file).stdout)).toMatchObject({ intact: false, firstBroken: { line: 1, reason: 'the export starts at position 600, not at genesis (position 1): export the ledger from the start' } });
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
