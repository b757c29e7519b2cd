import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintToken } from '@gantry/auth';
import { boot, EMBEDDED_RUNTIME_ROLE, type RunningProcess } from '@gantry/platform';
import { eventually } from '@gantry/testing';
import { standalone } from './standalone';

/**
 * The embedded default (PGlite, one session) migrates as PGlite's superuser and then runs everything as the runtime
 * role: the application's own statements cannot alter an append-only table, disable its triggers or move the ledger
 * head back. What it does not stop, said by a test too: a statement that resets the role.
 */
const secret = 'embedded-roles-secret-of-at-least-32-chars';
let dataDir: string;
let running: RunningProcess | undefined;

const start = () => boot('standalone', { ...standalone, grpc: false, env: { PORT: '0', HOST: '127.0.0.1', GANTRY_JWT_SECRET: secret, GANTRY_DATA_DIR: dataDir } });
const sql = <R extends Record<string, unknown>>(text: string) => running!.runtime.db.query<R>(text);
const failureOf = (text: string) => sql(text).then(
  () => undefined,
  (error: Error & { code?: string }) => ({ code: error.code, message: error.message }),
);
const head = async () => (await sql<{ position: string; hash: string }>('SELECT position, hash FROM records.ledger_head')).rows[0]!;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'gantry-embedded-roles-'));
  running = await start();
}, 120_000);

afterAll(async () => {
  await running?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

it('runs as the runtime role after migrating, and records appends to the ledger as it', async () => {
  expect(running!.runtime.roles.separation).toBe('embedded');
  expect((await sql<{ current: string; session: string }>('SELECT current_user AS current, session_user AS session')).rows[0]).toEqual({ current: EMBEDDED_RUNTIME_ROLE, session: 'postgres' });
  const admin = await mintToken(secret, { sub: 'root@ops', roles: ['admin'] });
  const before = Number((await head()).position);
  const issued = await fetch(`${running!.url}/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
    body: JSON.stringify({ name: 'embedded-roles', roles: ['auditor'] }),
  });
  expect(issued.status).toBe(201);
  await eventually(async () => Number((await head()).position) > before, { what: 'records to ledger the key issued' });
});

it.each([
  ['UPDATE an event', 'UPDATE planning.events SET hash = hash', /permission denied/],
  ['DELETE a ledger entry', 'DELETE FROM records.ledger', /permission denied/],
  ['TRUNCATE the tree', 'TRUNCATE records.ledger_nodes', /permission denied/],
  ['disable the ledger checkpoints’ triggers', 'ALTER TABLE records.ledger_checkpoints DISABLE TRIGGER ALL', /must be owner/],
  ['disable the events’ triggers', 'ALTER TABLE records.events DISABLE TRIGGER ALL', /must be owner/],
  ['move the ledger head back', 'UPDATE records.ledger_head SET position = position - 1', /only moves forward/],
  ['delete the ledger head', 'DELETE FROM records.ledger_head', /permission denied/],
])('the application cannot %s', async (_what, statement, refusal) => {
  const before = await head();
  expect(await failureOf(statement)).toEqual({ code: '42501', message: expect.stringMatching(refusal) });
  expect(await head()).toEqual(before);
});

it('keeps the role on a new connection: PGlite serves every connection from its one session', async () => {
  const client = await running!.runtime.db.pool.connect();
  client.release(true); // closed, as the pool closes an idle connection
  expect((await sql<{ current: string }>('SELECT current_user AS current')).rows[0]!.current).toBe(EMBEDDED_RUNTIME_ROLE);
});

it('is no barrier to a statement that resets the role: the session is PGlite’s superuser underneath', async () => {
  const underneath = await running!.runtime.db
    .transaction(async (tx) => {
      await tx.query('RESET ROLE');
      const { rows } = await tx.query<{ current: string }>('SELECT current_user AS current');
      throw Object.assign(new Error('rolled back'), { current: rows[0]!.current });
    })
    .catch((error: { current: string }) => error.current);
  expect(underneath).toBe('postgres');
  // a RESET ROLE in a transaction that rolls back is undone with it
  expect((await sql<{ current: string }>('SELECT current_user AS current')).rows[0]!.current).toBe(EMBEDDED_RUNTIME_ROLE);
});

it('starts again on the same data: migrates as the superuser, then runs as the runtime role', async () => {
  const before = await head();
  await running!.stop();
  running = await start();
  expect((await sql<{ current: string }>('SELECT current_user AS current')).rows[0]!.current).toBe(EMBEDDED_RUNTIME_ROLE);
  expect(await head()).toEqual(before);
  expect(await failureOf('ALTER TABLE planning.events DISABLE TRIGGER ALL')).toMatchObject({ message: expect.stringMatching(/must be owner/) });
}, 120_000);
