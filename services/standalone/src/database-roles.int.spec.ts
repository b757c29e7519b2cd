import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { mintToken } from '@gantry/auth';
import { boot, ConfigurationError, createRuntime, loadConfig, type RunningProcess } from '@gantry/platform';
import { createTestDatabase, createTestDatabaseRoles, eventually, type TestDatabase, type TestDatabaseRoles } from '@gantry/testing';
import { standalone } from './standalone';

/**
 * The five services on a real PostgreSQL with two roles, made as docker-compose's postgres container makes them
 * (createTestDatabaseRoles): migrations as the owner, every statement of the services as the runtime role, which
 * cannot switch immutability off.
 */
const secret = 'database-roles-secret-of-at-least-32-characters';
const SCHEMAS = ['planning', 'verification', 'execution', 'records', 'model_review'];
/** every append-only table of the five schemas, named here by hand: the grants find them by their triggers */
const APPEND_ONLY = [...SCHEMAS.map((s) => `${s}.events`), 'records.ledger', 'records.ledger_checkpoints', 'records.ledger_cosignatures', 'records.ledger_nodes'];
/** a column of each table to update (its hash, where it has one) */
const A_COLUMN: Record<string, string> = { 'records.ledger_checkpoints': 'note', 'records.ledger_cosignatures': 'tree_size' };

let database: TestDatabase;
let roles: TestDatabaseRoles;
let OWNER: string;
let RUNTIME: string;
let dataDir: string;
let running: RunningProcess | undefined;
let admin: string;

const ownerUrl = () => roles.ownerUrl;
const runtimeUrl = () => roles.runtimeUrl;
const superuserUrl = () => roles.adminUrl;
const env = (overrides: Record<string, string> = {}) => ({
  DATABASE_URL: runtimeUrl(),
  GANTRY_MIGRATION_DATABASE_URL: ownerUrl(),
  PORT: '0',
  HOST: '127.0.0.1',
  GANTRY_JWT_SECRET: secret,
  GANTRY_DATA_DIR: dataDir,
  ...overrides,
});
const start = () => boot('standalone', { ...standalone, grpc: false, env: env() });

/** One statement on a connection of its own, as whoever the URL names; the error it fails with, or undefined. */
const failureOf = async (url: string, sql: string): Promise<{ code?: string; message: string } | undefined> => {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
    return undefined;
  } catch (error) {
    return { code: (error as { code?: string }).code, message: (error as Error).message };
  } finally {
    await client.end();
  }
};
const queryAs = async <R extends Record<string, unknown>>(url: string, sql: string, values: unknown[] = []): Promise<R[]> => {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
};
const ledgerHead = async () =>
  (await queryAs<{ position: string; hash: string; tree_size: string; tree_edge: Buffer }>(superuserUrl(), 'SELECT h.position, h.hash, t.size AS tree_size, t.edge AS tree_edge FROM records.ledger_head h, records.ledger_tree t'))[0]!;

const issueKey = async (name: string) => {
  const response = await fetch(`${running!.url}/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
    body: JSON.stringify({ name, roles: ['auditor'] }),
  });
  expect(response.status).toBe(201);
};

beforeAll(async () => {
  database = await createTestDatabase('gantry_roles');
  dataDir = mkdtempSync(join(tmpdir(), 'gantry-roles-'));
  roles = await createTestDatabaseRoles(database);
  ({ owner: OWNER, runtime: RUNTIME } = roles);
  running = await start();
  admin = await mintToken(secret, { sub: 'root@ops', roles: ['admin'] });
}, 120_000);

afterAll(async () => {
  await running?.stop();
  await database?.drop();
  await roles?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

it('the services run as the runtime role and records appends to the ledger as it; the owner migrated and owns every table', async () => {
  expect(running!.runtime.roles.separation).toBe('two-roles');
  expect((await running!.runtime.db.query<{ role: string }>('SELECT current_user AS role')).rows[0]!.role).toBe(RUNTIME);
  const before = Number((await ledgerHead()).position);
  await issueKey('servicenow-roles');
  await eventually(async () => Number((await ledgerHead()).position) > before, { what: 'records to ledger the key issued' });
  // the checkpointer grows the tree over it (every GANTRY_LEDGER_CHECKPOINT_SECONDS), as the runtime role too
  await eventually(async () => (await ledgerHead()).tree_size === (await ledgerHead()).position, { what: 'the tree grown to the head', timeoutMs: 60_000 });

  const owners = await queryAs<{ owner: string; n: string }>(
    superuserUrl(),
    `SELECT pg_get_userbyid(c.relowner) AS owner, count(*) AS n FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'S', 'v', 'm') GROUP BY 1`,
    [SCHEMAS],
  );
  expect(owners.map((o) => o.owner)).toEqual([OWNER]);
  const owned = await queryAs<{ n: string }>(superuserUrl(), `SELECT count(*) AS n FROM pg_class WHERE relowner = to_regrole($1)`, [RUNTIME]);
  expect(owned[0]!.n).toBe('0');
});

it('the tables the runtime role may not update are exactly the append-only ones (and migration bookkeeping)', async () => {
  const rows = await queryAs<{ name: string; select: boolean; insert: boolean; update: boolean; delete: boolean; truncate: boolean }>(
    superuserUrl(),
    `SELECT n.nspname || '.' || c.relname AS name, ${['select', 'insert', 'update', 'delete', 'truncate'].map((p) => `has_table_privilege($1, c.oid, '${p}') AS "${p}"`).join(', ')}
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY($2) AND c.relkind = 'r' ORDER BY 1`,
    [RUNTIME, SCHEMAS],
  );
  const notUpdated = rows.filter((r) => !r.update && !/_migrations$/.test(r.name)).map((r) => r.name);
  expect(notUpdated.sort()).toEqual([...APPEND_ONLY].sort());
  for (const name of APPEND_ONLY) expect(rows.find((r) => r.name === name)).toEqual({ name, select: true, insert: true, update: false, delete: false, truncate: false });
  for (const name of ['records.ledger_head', 'records.ledger_tree']) expect(rows.find((r) => r.name === name)).toEqual({ name, select: true, insert: true, update: true, delete: false, truncate: false });
  expect(rows.find((r) => r.name === 'records.deployment_records')).toMatchObject({ update: true, delete: true, truncate: true });
});

describe.each(APPEND_ONLY)('the runtime role on %s', (table) => {
  it.each([
    ['UPDATE', `UPDATE ${table} SET ${A_COLUMN[table] ?? 'hash'} = ${A_COLUMN[table] ?? 'hash'}`, /permission denied/],
    ['DELETE', `DELETE FROM ${table}`, /permission denied/],
    ['TRUNCATE', `TRUNCATE ${table}`, /permission denied/],
    ['ALTER TABLE … DISABLE TRIGGER', `ALTER TABLE ${table} DISABLE TRIGGER ALL`, /must be owner/],
    ['ALTER TABLE … ADD COLUMN', `ALTER TABLE ${table} ADD COLUMN forged text`, /must be owner/],
    ['DROP TABLE', `DROP TABLE ${table}`, /must be owner/],
  ])('cannot %s', async (_what, sql, refusal) => {
    const failure = await failureOf(runtimeUrl(), sql);
    expect(failure).toEqual({ code: '42501', message: expect.stringMatching(refusal) });
  });
});

describe('the ledger head and tree', () => {
  it.each([
    ['moved back', 'UPDATE records.ledger_head SET position = position - 1', /the ledger head only moves forward/],
    ['given another hash at its position', `UPDATE records.ledger_head SET hash = repeat('0', 64)`, /the ledger head only moves forward/],
    ['shrunk (the tree)', 'UPDATE records.ledger_tree SET size = size - 1', /the ledger tree only grows/],
    ['given another tree at its size', `UPDATE records.ledger_tree SET edge = decode(repeat('ab', 32), 'hex')`, /the ledger tree only grows/],
    ['deleted', 'DELETE FROM records.ledger_head', /permission denied/],
    ['truncated', 'TRUNCATE records.ledger_head', /permission denied/],
    ['deleted (the tree)', 'DELETE FROM records.ledger_tree', /permission denied/],
    ['truncated (the tree)', 'TRUNCATE records.ledger_tree', /permission denied/],
    ['freed of its guard', 'ALTER TABLE records.ledger_head DISABLE TRIGGER ledger_head_moves_forward', /must be owner/],
    ['freed of its guard (the tree)', 'ALTER TABLE records.ledger_tree DISABLE TRIGGER ledger_tree_grows', /must be owner/],
  ])('cannot be %s by the runtime role', async (_what, sql, refusal) => {
    const head = await ledgerHead();
    expect(await failureOf(runtimeUrl(), sql)).toEqual({ code: '42501', message: expect.stringMatching(refusal) });
    expect(await ledgerHead()).toEqual(head);
  });

  it('is not moved back or deleted by a superuser either, unless the triggers are bypassed', async () => {
    expect(await failureOf(superuserUrl(), 'UPDATE records.ledger_head SET position = 0')).toMatchObject({ message: expect.stringMatching(/only moves forward/) });
    expect(await failureOf(superuserUrl(), 'UPDATE records.ledger_tree SET size = 0')).toMatchObject({ message: expect.stringMatching(/only grows/) });
    expect(await failureOf(superuserUrl(), 'DELETE FROM records.ledger_head')).toMatchObject({ message: expect.stringMatching(/append-only: DELETE refused/) });
  });
});

it('at the next start the owner migrates again and the grants follow the tables as they are now', async () => {
  // a later migration's append-only table and read model, and a privilege given by hand that no trigger allows
  await queryAs(
    ownerUrl(),
    `CREATE TABLE records.witness_cosignatures (tree_size bigint PRIMARY KEY, note text NOT NULL);
     CREATE TRIGGER witness_cosignatures_append_only BEFORE UPDATE OR DELETE ON records.witness_cosignatures FOR EACH ROW EXECUTE FUNCTION records.ledger_is_append_only();
     CREATE TRIGGER witness_cosignatures_no_truncate BEFORE TRUNCATE ON records.witness_cosignatures FOR EACH STATEMENT EXECUTE FUNCTION records.ledger_is_append_only();
     CREATE TABLE records.witness_state (witness text PRIMARY KEY, size bigint NOT NULL);
     GRANT UPDATE ON records.ledger TO ${RUNTIME};`,
  );
  const before = await ledgerHead();
  await running!.stop();
  running = await start();
  const privileges = async (table: string) =>
    (await queryAs<{ p: string[] }>(superuserUrl(), `SELECT ARRAY(SELECT p FROM unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE']) p WHERE has_table_privilege($1, $2, p)) AS p`, [RUNTIME, table]))[0]!.p;
  expect(await privileges('records.witness_cosignatures')).toEqual(['SELECT', 'INSERT']);
  expect(await privileges('records.witness_state')).toEqual(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']);
  expect(await privileges('records.ledger')).toEqual(['SELECT', 'INSERT']);
  await issueKey('servicenow-after-restart');
  await eventually(async () => Number((await ledgerHead()).position) > Number(before.position), { what: 'records to ledger after the restart' });
}, 120_000);

describe('a runtime role that could undo the separation is refused at start, before any migration', () => {
  const migrateRecordsWith = async (overrides: Record<string, string>) => {
    const runtime = await createRuntime(loadConfig('records', env(overrides)));
    try {
      await runtime.roles.migrate('records', async () => {
        throw new Error('migrations ran');
      });
    } finally {
      await runtime.close();
    }
  };

  it('a superuser', async () => {
    const refusal = await migrateRecordsWith({ DATABASE_URL: superuserUrl() }).catch((error: Error) => error);
    expect(refusal).toBeInstanceOf(ConfigurationError);
    expect((refusal as Error).message).toMatch(/is a superuser/);
  });

  it('the owner itself', async () => {
    await expect(migrateRecordsWith({ DATABASE_URL: ownerUrl() })).rejects.toThrow(/connects as the same role/);
  });

  it('a member of the owner role, or one that may create roles', async () => {
    await queryAs(superuserUrl(), `GRANT ${OWNER} TO ${RUNTIME}`);
    await expect(migrateRecordsWith({})).rejects.toThrow(/member of the owner role/);
    await queryAs(superuserUrl(), `REVOKE ${OWNER} FROM ${RUNTIME}; ALTER ROLE ${RUNTIME} CREATEROLE`);
    await expect(migrateRecordsWith({})).rejects.toThrow(/may create roles/);
    await queryAs(superuserUrl(), `ALTER ROLE ${RUNTIME} NOCREATEROLE`);
  });

  it('one that owns a table of the schema (an installation that ran with one role)', async () => {
    await queryAs(superuserUrl(), `ALTER TABLE records.witness_state OWNER TO ${RUNTIME}`);
    await expect(migrateRecordsWith({})).rejects.toThrow(/owns witness_state \(REASSIGN OWNED BY/);
    await queryAs(superuserUrl(), `ALTER TABLE records.witness_state OWNER TO ${OWNER}`);
    await expect(migrateRecordsWith({})).rejects.toThrow('migrations ran');
  });
});

it('GANTRY_MIGRATION_DATABASE_URL without DATABASE_URL is refused; DATABASE_URL alone is one role, as before', async () => {
  expect(() => loadConfig('records', { GANTRY_MIGRATION_DATABASE_URL: ownerUrl() })).toThrow(ConfigurationError);
  const runtime = await createRuntime(loadConfig('records', { DATABASE_URL: runtimeUrl() }));
  try {
    expect(runtime.roles.separation).toBe('one-role');
  } finally {
    await runtime.close();
  }
});
