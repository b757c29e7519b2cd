import { mintToken } from '@gantry/auth';
import { SERVICES } from '@gantry/contracts';
import { Database, EventStore, GENESIS_HASH, hashedEventFields, hashEvent, type SqlClient } from '@gantry/event-store';
import { boot, type RunningProcess } from '@gantry/platform';
import { createTestDatabase, eventually, type TestDatabase } from '@gantry/testing';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { standalone } from './standalone';

/**
 * A service's own event store attacked by a database superuser (triggers off), caught by the service's door
 * (GET /event-stores/planning/verify), by records' comparison with the ledger (GET /audit/sources/verify) and by the
 * offline check of the two exports (scripts/verify-source-events.js, and the Python of docs/source-events.md, read from
 * the page as it stands), each naming the event and the ledger position.
 */
const secret = 'source-events-secret-of-at-least-32-chars';
let database: TestDatabase;
let running: RunningProcess;
let superuser: Database;
let planning: EventStore;
let dir: string;
let token: string;

const environment = (name: string, operatingSystem = 'linux') => ({
  name,
  kind: 'test',
  position: 1,
  attributes: { operatingSystem },
  targets: [{ name: `${name}-1`, kind: 'host' }],
  timeZone: 'UTC',
  deploymentWindows: [],
  freezes: [],
  approvalPolicy: { roles: [], minimumApprovers: 0 },
});

const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  fetch(`${running.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
const get = async (path: string): Promise<{ status: number; body: any }> => {
  const response = await call('GET', path);
  return { status: response.status, body: await response.json() };
};

/** An environment of three events: registered, then updated twice. */
async function registerAndUpdateTwice(name: string) {
  expect((await call('POST', '/environments', environment(name))).status).toBe(201);
  for (const [version, os] of [[1, 'windows'], [2, 'macos']] as const) {
    const { name: _name, ...definition } = environment(name, os);
    expect((await call('PUT', `/environments/${name}`, definition, { 'if-match': `"${version}"` })).status).toBe(200);
  }
}

/** What only someone bypassing the application can do: a superuser with triggers off. */
const asSuperuser = (work: (tx: SqlClient) => Promise<unknown>) =>
  superuser.transaction(async (tx) => {
    await tx.query('SET LOCAL session_replication_role = replica');
    await work(tx);
  });

/** The careful attack: every hash of the stream after an edit recomputed with the store's own hashing, and its head. */
const recomputeChain = (streamId: string) =>
  asSuperuser(async (tx) => {
    let previousHash = GENESIS_HASH;
    for (const event of await planning.readStream(streamId, tx)) {
      const hash = hashEvent(previousHash, hashedEventFields(event));
      await tx.query(`UPDATE planning.events SET previous_hash = $2, hash = $3 WHERE event_id = $1`, [event.id, previousHash, hash]);
      previousHash = hash;
    }
    await tx.query(`UPDATE planning.streams SET last_hash = $2 WHERE stream_id = $1`, [streamId, previousHash]);
  });

const eventOf = async (streamId: string, version: number) =>
  (await superuser.query<{ event_id: string }>(`SELECT event_id::text FROM planning.events WHERE stream_id = $1 AND stream_version = $2`, [streamId, version])).rows[0]!.event_id;
const ledgerPositionOf = async (eventId: string) => Number((await superuser.query<{ position: string }>(`SELECT position FROM records.ledger WHERE event_id = $1`, [eventId])).rows[0]!.position);

/** What an auditor downloads: the ledger, then the service's store (the ledger holds only what the store had), the checkpoints and the key. */
async function download(): Promise<void> {
  for (const [file, path] of [
    ['ledger.ndjson', '/audit/export?format=ndjson'],
    ['planning.ndjson', '/event-stores/planning/export'],
    ['checkpoints.json', '/audit/checkpoints?limit=1000'],
  ]) {
    const response = await call('GET', path);
    expect(response.status).toBe(200);
    writeFileSync(join(dir, file), await response.text());
  }
  writeFileSync(join(dir, 'vkey'), (await get('/audit/log-key')).body.verifierKey);
}

const verifyOffline = () => {
  const run = spawnSync(
    process.execPath,
    [join(__dirname, '../../../scripts/verify-source-events.js'), join(dir, 'planning.ndjson'), '--service', 'planning', '--ledger', join(dir, 'ledger.ndjson'), '--vkey', `@${join(dir, 'vkey')}`, '--checkpoint', join(dir, 'checkpoints.json')],
    { encoding: 'utf8' },
  );
  return { status: run.status, result: run.stdout ? JSON.parse(run.stdout) : run.stderr };
};

/** docs/source-events.md's own Python, as an auditor would run it on the two exports. */
const verifyByThePage = () => {
  const page = readFileSync(join(__dirname, '../../../docs/source-events.md'), 'utf8');
  const [program] = [...page.matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]!);
  writeFileSync(join(dir, 'verify_source_events.py'), program!);
  const run = spawnSync('python3', [join(dir, 'verify_source_events.py'), join(dir, 'planning.ndjson'), join(dir, 'ledger.ndjson'), 'planning'], { encoding: 'utf8' });
  return { status: run.status, result: run.stdout ? JSON.parse(run.stdout) : run.stderr };
};

beforeAll(async () => {
  database = await createTestDatabase('gantry_source_events');
  dir = mkdtempSync(join(tmpdir(), 'source-events-'));
  running = await boot('standalone', {
    ...standalone,
    grpc: false,
    env: { DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', GANTRY_JWT_SECRET: secret, GANTRY_RATE_LIMIT_PER_MINUTE: '0', GANTRY_DATA_DIR: join(dir, 'data'), GANTRY_LEDGER_CHECKPOINT_ENTRIES: '4' },
  });
  superuser = Database.connect(database.url, { max: 2 });
  planning = new EventStore(superuser, 'planning');
  token = await mintToken(secret, { sub: 'dana', roles: ['deployment-manager'] });
  await registerAndUpdateTwice('env-a');
  expect((await call('POST', '/environments', environment('env-b'))).status).toBe(201);
  await registerAndUpdateTwice('env-c');
  // every planning event in the ledger: the publisher and records' consumer have caught up (the comparison reads the
  // events committed before any transaction still running, so it also waits for the last ones to be visible to it)
  await eventually(
    async () => {
      const { body } = await get('/audit/sources/verify?service=planning');
      return body.checked === 7 && body.notInLedger.count === 0;
    },
    { what: 'the ledger holding every planning event', timeoutMs: 60_000 },
  );
}, 120_000);

afterAll(async () => {
  await running?.stop();
  await superuser?.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

it('untouched, every service store verifies and agrees with the ledger, online and offline', async () => {
  for (const service of SERVICES) {
    const verified = await get(`/event-stores/${service}/verify`);
    expect({ service, ...verified }).toMatchObject({ service, status: 200, body: { service, intact: true } });
    expect({ service, ...(await get(`/audit/sources/verify?service=${service}`)) }).toMatchObject({ service, status: 200, body: { intact: true, mismatches: 0, missingFromStore: { count: 0 } } });
  }
  expect((await get('/event-stores/planning/verify')).body).toEqual({ service: 'planning', intact: true, checked: 7 });
  expect((await get('/event-stores/planning/verify?stream=Environment-env-a')).body).toEqual({ service: 'planning', stream: 'Environment-env-a', intact: true, checked: 3 });
  expect((await get('/audit/sources/verify?service=planning')).body).toMatchObject({ intact: true, checked: 7, matched: 7, notComparable: 0, notInLedger: { count: 0 } });
  await download();
  expect(verifyOffline()).toEqual({ status: 0, result: { intact: true, checked: 7, matched: 7, notComparable: 0, notInLedger: 0, ledgerVerified: true } });
  expect(verifyByThePage()).toEqual({ status: 0, result: { intact: true, checked: 7 } });
});

it('bad input at the new doors is a clear 4xx', async () => {
  for (const [path, status, message] of [
    ['/audit/sources/verify', 400, /service/],
    ['/audit/sources/verify?service=nowhere', 400, /service/],
    ['/audit/sources/verify?service=planning&from=1', 400, /from|additional/],
    ['/event-stores/planning/verify?stream=', 400, /stream/],
    ['/event-stores/planning/verify?stream=Environment-none', 404, /no stream Environment-none/],
    ['/event-stores/planning/verify?limit=5', 400, /limit|additional/],
    ['/event-stores/planning/export?from=1', 400, /from|additional/],
    ['/event-stores/nowhere/verify', 404, /Cannot GET/],
  ] as const) {
    const answer = await get(path);
    expect({ path, status: answer.status }).toEqual({ path, status });
    expect({ path, message: String(answer.body.message) }).toEqual({ path, message: expect.stringMatching(message) });
  }
});

describe('as a superuser, in order', () => {
  it('deleting a whole stream leaves the store intact, but the ledger names what it recorded there', async () => {
    const eventId = await eventOf('Environment-env-b', 1);
    await asSuperuser(async (tx) => {
      await tx.query(`DELETE FROM planning.events WHERE stream_id = 'Environment-env-b'`);
      await tx.query(`DELETE FROM planning.streams WHERE stream_id = 'Environment-env-b'`);
    });
    const ledgerPosition = await ledgerPositionOf(eventId);
    expect((await get('/event-stores/planning/verify')).body).toEqual({ service: 'planning', intact: true, checked: 6 });
    expect((await get('/audit/sources/verify?service=planning')).body).toMatchObject({
      intact: false,
      mismatches: 0,
      missingFromStore: { count: 1, first: { ledgerPosition, eventId, type: 'gantry.planning.EnvironmentRegistered.v1', stream: 'env-b', streamVersion: 1 } },
    });
    await download();
    expect(verifyOffline()).toMatchObject({ status: 1, result: { intact: false, missingFromStore: 1, firstBroken: { eventId, ledgerPosition } } });
    expect(verifyByThePage()).toEqual({ status: 1, result: { intact: false, eventId, ledgerPosition, reason: 'deleted from the store' } });
  });

  it('deleting an event from the middle of a stream is named by the store and by the ledger', async () => {
    const eventId = await eventOf('Environment-env-c', 2);
    const next = await eventOf('Environment-env-c', 3);
    await asSuperuser((tx) => tx.query(`DELETE FROM planning.events WHERE event_id = $1`, [eventId]));
    expect((await get('/event-stores/planning/verify')).body).toMatchObject({
      intact: false,
      firstBroken: { streamId: 'Environment-env-c', streamVersion: 3, eventId: next, reason: expect.stringContaining('events are missing') },
    });
    expect((await get('/audit/sources/verify?service=planning')).body).toMatchObject({ intact: false, missingFromStore: { count: 2 } });
    await download();
    expect(verifyOffline()).toMatchObject({ status: 1, result: { firstBroken: { eventId: next, streamId: 'Environment-env-c', streamVersion: 3, reason: expect.stringContaining('missing') } } });
  });

  it('an edited payload is named by the store at its stream and version, and by the ledger at its position', async () => {
    const eventId = await eventOf('Environment-env-a', 2);
    const ledgerPosition = await ledgerPositionOf(eventId);
    await asSuperuser((tx) => tx.query(`UPDATE planning.events SET data = jsonb_set(data, '{attributes,operatingSystem}', '"plan9"') WHERE event_id = $1`, [eventId]));
    expect((await get('/event-stores/planning/verify')).body).toMatchObject({
      intact: false,
      firstBroken: { streamId: 'Environment-env-a', streamVersion: 2, eventId, reason: expect.stringContaining("hash does not match the event's contents") },
    });
    expect((await get('/audit/sources/verify?service=planning')).body).toMatchObject({
      intact: false,
      firstMismatch: { eventId, streamId: 'Environment-env-a', streamVersion: 2, ledgerPosition, reason: expect.stringContaining('no longer hashes') },
    });
  });

  it('the edit with the stream\'s chain recomputed verifies in the store, but not against the ledger, online or offline', async () => {
    const eventId = await eventOf('Environment-env-a', 2);
    const ledgerPosition = await ledgerPositionOf(eventId);
    await recomputeChain('Environment-env-a');
    expect((await get('/event-stores/planning/verify?stream=Environment-env-a')).body).toEqual({ service: 'planning', stream: 'Environment-env-a', intact: true, checked: 3 });
    expect((await get('/audit/sources/verify?service=planning')).body).toMatchObject({
      intact: false,
      mismatches: 2, // the edited event and the one after it, whose hash was recomputed too
      firstMismatch: { eventId, streamId: 'Environment-env-a', streamVersion: 2, ledgerPosition, reason: expect.stringContaining('rewritten') },
    });
    // the ledger still verifies: the attack is on planning's store only
    expect((await get('/audit/verify')).body).toMatchObject({ intact: true });
    await download();
    expect(verifyOffline()).toMatchObject({
      status: 1,
      result: { intact: false, ledgerVerified: true, firstBroken: { eventId, streamId: 'Environment-env-a', streamVersion: 2, ledgerPosition, reason: expect.stringContaining('rewritten') } },
    });
    expect(verifyByThePage()).toMatchObject({ status: 1, result: { intact: false, eventId, streamVersion: 2, ledgerPosition, reason: expect.stringContaining('rewritten') } });
  });
});
