import { execFile, spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { mintToken } from '@gantry/auth';
import { TRANSPARENCY_TOPICS } from '@gantry/contracts';
import { canonicalJson, Database, EventStore, GENESIS_HASH, hashedEventFields, hashEvent, type SqlClient } from '@gantry/event-store';
import { KafkaBus, type IncomingMessage, type Subscription } from '@gantry/messaging';
import { boot, type RunningProcess } from '@gantry/platform';
import { adminUrl, createTestDatabase, createTestDatabaseRoles, eventually, type TestDatabase, type TestDatabaseRoles } from '@gantry/testing';
import { standalone } from './standalone';

/**
 * Issue 15's attacks, each made by a database superuser (triggers off) on a copy of one installation's database: the
 * five services on a real PostgreSQL as the runtime role (migrations as the owner), publishing on a real Kafka broker.
 * An auditor held only what reached them outside the database: the log's public key and the checkpoints collected
 * from the checkpoint topic. Each attack must be named, at the first position it leaves unvouched, by the product's
 * verification (records as it runs on the attacked database: GET or POST /audit/verify, GET /audit/sources/verify) and
 * by the offline verifiers given only the key and those checkpoints (scripts/verify-ledger-export.js,
 * scripts/verify-source-events.js).
 */
const secret = 'ledger-attacks-secret-of-at-least-32-characters';
const repoRoot = join(__dirname, '..', '..', '..');
const suffix = `${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const CHECKPOINT_EVERY = 10;
const ORIGIN = 'attacks.gantry.test/ledger';

let base: TestDatabase;
let roles: TestDatabaseRoles;
let dir: string;
let keyFile: string;
let vkey: string;
let token: string;
/** the checkpoints the auditor collected from the topic, by tree size */
const collected = new Map<number, string>();
let deployments: string[] = [];
/** the honest ledger's size when the auditor last looked */
let head: number;
/** the honest export, as the auditor downloaded it */
let honestExport: string;
/** the entries of the first deployment, by position */
let firstDeployment: { position: number; type: string }[];

/** A connection string of the base database's roles, to another database (a copy of it). */
const onDatabase = (url: string, database: string) => {
  const to = new URL(url);
  to.pathname = `/${database}`;
  return to.toString();
};
const superuserUrl = (database: string) => onDatabase(roles.adminUrl, database);

/** The installation on one database: migrations as the owner, everything else as the runtime role. */
const installationOn = (database: string, env: Record<string, string> = {}) =>
  boot('standalone', {
    ...standalone,
    grpc: false,
    env: {
      DATABASE_URL: onDatabase(roles.runtimeUrl, database),
      GANTRY_MIGRATION_DATABASE_URL: onDatabase(roles.ownerUrl, database),
      PORT: '0',
      HOST: '127.0.0.1',
      GANTRY_JWT_SECRET: secret,
      GANTRY_RATE_LIMIT_PER_MINUTE: '0',
      GANTRY_DATA_DIR: join(dir, `data-${database}`),
      GANTRY_LEDGER_KEY_FILE: keyFile,
      GANTRY_LEDGER_ORIGIN: ORIGIN,
      ...env,
    },
  });

const doors = (running: RunningProcess) => {
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${running.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  const json = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const response = await call(method, path, body);
    return { status: response.status, body: await response.json() };
  };
  return { call, get: (path: string) => json('GET', path), post: (path: string, body: unknown) => json('POST', path, body) };
};

/** Two deployments of payments-api 2.4.1 into staging, as the README's "Try it" makes one, each to its outcome. */
async function deployTwice(running: RunningProcess): Promise<string[]> {
  const { call, get, post } = doors(running);
  const signed = (await promisify(execFile)(
    process.execPath,
    ['scripts/gantry.js', 'sign', '--key', 'examples/demo-signing-key.pem', '--key-id', 'gantry-demo', '--name', 'payments-api', '--version', '2.4.1', '--digest', `sha256:${'ab'.repeat(32)}`],
    { cwd: repoRoot, encoding: 'utf8' },
  )).stdout;
  expect((await call('POST', '/signing-keys', readFileSync(join(repoRoot, 'examples', 'demo-signing-key.json'), 'utf8'))).status).toBe(201);
  expect((await call('POST', '/components', signed)).status).toBe(201);
  const staging = {
    name: 'staging',
    kind: 'staging',
    position: 4,
    attributes: { operatingSystem: 'linux' },
    targets: [1, 2].map((n) => ({ name: `staging-eu-${n}`, kind: 'host' })),
    timeZone: 'Europe/Berlin',
    deploymentWindows: [],
    freezes: [],
    approvalPolicy: { roles: [], minimumApprovers: 0 },
  };
  expect((await post('/environments', staging)).status).toBe(201);
  const ids: string[] = [];
  for (const n of [1, 2]) {
    const requested = await post('/deployments', {
      changeId: `CHG00${n}`,
      changeType: 'normal',
      changeState: 'authorised',
      adHoc: true,
      service: `payments-${n}`,
      kind: 'upgrade',
      components: [{ name: 'payments-api', version: '2.4.1', kind: 'software', digest: `sha256:${'ab'.repeat(32)}` }],
      environment: 'staging',
      targets: [`staging-eu-${n}`],
      nextAvailable: { durationMinutes: 60 },
      acceptanceCriteria: [{ type: 'smoke-tests', description: 'checkout smoke suite passes', suite: 'checkout' }],
    });
    expect(requested).toMatchObject({ status: 201, body: { status: 'planned' } });
    const id = requested.body.deploymentId as string;
    await eventually(async () => (await post(`/deployments/${id}/test-results`, { suite: 'checkout', passed: 12, failed: 0 })).status === 202, {
      what: `the smoke tests of ${id} accepted`,
      timeoutMs: 60_000,
    });
    expect((await get(`/audit/deployments/${id}?waitForOutcome=30`)).body).toMatchObject({ state: { phase: 'closed', outcome: 'succeeded' } });
    ids.push(id);
  }
  return ids;
}

/** The attacked database: a copy of the installation's, changed by a superuser with triggers off. */
async function attacked(name: string, attack: (tx: SqlClient) => Promise<unknown>): Promise<string> {
  const copy = `${base.name}_${name}`;
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${copy} TEMPLATE ${base.name}`);
    await admin.query(`GRANT CONNECT ON DATABASE ${copy} TO ${roles.runtime}`);
    await admin.query(`GRANT CONNECT, CREATE, TEMPORARY ON DATABASE ${copy} TO ${roles.owner}`);
  } finally {
    await admin.end();
  }
  const db = Database.connect(superuserUrl(copy), { max: 1 });
  try {
    await db.transaction(async (tx) => {
      await tx.query('SET LOCAL session_replication_role = replica');
      await attack(tx);
    });
  } finally {
    await db.close();
  }
  return copy;
}

const dropDatabase = async (name: string) => {
  const admin = new Client({ connectionString: adminUrl() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).finally(() => admin.end());
};

/** What an auditor is handed and holds, offline: the export, the key, the checkpoints from the topic. */
function offline(ledgerExport: string, ...more: string[]) {
  const work = mkdtempSync(join(dir, 'offline-'));
  writeFileSync(join(work, 'ledger.ndjson'), ledgerExport);
  mkdirSync(join(work, 'checkpoints'));
  for (const [size, note] of collected) writeFileSync(join(work, 'checkpoints', `${size}.checkpoint`), note);
  const run = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'verify-ledger-export.js'), join(work, 'ledger.ndjson'), '--vkey', vkey, '--checkpoints', join(work, 'checkpoints'), ...more], { encoding: 'utf8' });
  return { status: run.status, result: run.stdout ? JSON.parse(run.stdout) : run.stderr };
}

function offlineSources(serviceExport: string, ledgerExport: string) {
  const work = mkdtempSync(join(dir, 'sources-'));
  writeFileSync(join(work, 'planning.ndjson'), serviceExport);
  writeFileSync(join(work, 'ledger.ndjson'), ledgerExport);
  const run = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'verify-source-events.js'), join(work, 'planning.ndjson'), '--service', 'planning', '--ledger', join(work, 'ledger.ndjson')], { encoding: 'utf8' });
  return { status: run.status, result: run.stdout ? JSON.parse(run.stdout) : run.stderr };
}

/** The product on the attacked database: its answers, its export, and planning's. */
async function productOn(database: string) {
  const running = await installationOn(database);
  try {
    const { call, get, post } = doors(running);
    const ledgerExport = await (await call('GET', '/audit/export?format=ndjson')).text();
    return {
      verify: (await get('/audit/verify')).body,
      verifyHeld: (await post('/audit/verify', { checkpoints: [...collected.values()] })).body,
      sources: (await get('/audit/sources/verify?service=planning')).body,
      planningStore: (await get('/event-stores/planning/verify')).body,
      audit: await Promise.all(deployments.map(async (id) => (await get(`/audit/deployments/${id}`)).body)),
      ledgerExport,
      planningExport: await (await call('GET', '/event-stores/planning/export')).text(),
      /** the log's public key, as anyone fetches it without an account */
      wellKnownKey: await (await fetch(`${running.url}/.well-known/gantry/ledger-key`)).text(),
    };
  } finally {
    await running.stop();
  }
}


beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ledger-attacks-'));
  base = await createTestDatabase('gantry_attacks');
  roles = await createTestDatabaseRoles(base);
  // the operator's key, made as the README says (an Ed25519 PKCS #8 PEM), and its verifier key as docs/ledger.md defines it
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  keyFile = join(dir, 'ledger-key.pem');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const raw = Buffer.concat([Buffer.from([0x01]), publicKey.export({ type: 'spki', format: 'der' }).subarray(-32)]);
  const keyId = createHash('sha256').update(Buffer.concat([Buffer.from(`${ORIGIN}\n`), raw])).digest().subarray(0, 4).toString('hex');
  vkey = `${ORIGIN}+${keyId}+${raw.toString('base64')}`;
  token = await mintToken(secret, { sub: 'dana', roles: ['deployment-manager'] });

  const prefix = `attacks-${suffix}.`;
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set: this suite needs the broker from the test setup');
  const auditor = new KafkaBus({ clientId: `auditor-${suffix}`, brokers, topicPrefix: prefix });
  let subscription: Subscription | undefined;
  const running = await installationOn(base.name, {
    KAFKA_BROKERS: brokers.join(','),
    GANTRY_TOPIC_PREFIX: prefix,
    GANTRY_LEDGER_CHECKPOINT_ENTRIES: String(CHECKPOINT_EVERY),
    GANTRY_LEDGER_CHECKPOINT_SECONDS: '1',
  });
  try {
    subscription = await auditor.subscribe({ group: `auditor-${suffix}`, topics: [TRANSPARENCY_TOPICS.ledgerCheckpoints], fromBeginning: true }, async (batch: IncomingMessage[]) => {
      for (const message of batch) {
        const { data } = JSON.parse(message.value!.toString()) as { data: { treeSize: number; note: string } };
        collected.set(data.treeSize, data.note);
      }
    });
    deployments = await deployTwice(running);
    const { get } = doors(running);
    // the ledger at rest (the last events of both deployments recorded), and a checkpoint of all of it on the topic
    await eventually(
      async () => {
        const before = (await get('/audit/digest')).body.position as number;
        const after = (await get('/audit/digest')).body.position as number;
        head = after;
        return before === after && collected.has(after);
      },
      { what: 'a checkpoint of the whole ledger on the topic', timeoutMs: 90_000, intervalMs: 1500 },
    );
    honestExport = await (await doors(running).call('GET', '/audit/export?format=ndjson')).text();
    firstDeployment = ((await get(`/audit/deployments/${deployments[0]}`)).body.history as { position: number; type: string }[]).sort((a, b) => a.position - b.position);
  } finally {
    await subscription?.close();
    await auditor.close();
    await running.stop();
  }
}, 300_000);

afterAll(async () => {
  await base?.drop();
  await roles?.drop();
  rmSync(dir, { recursive: true, force: true });
});

it('untouched, the installation verifies against what the auditor collected, online and offline', async () => {
  expect(head).toBeGreaterThan(3 * CHECKPOINT_EVERY);
  // checkpoints every 10 entries, every second, and at each record's close, each taken from the topic
  expect(collected.size).toBeGreaterThanOrEqual(3);
  expect(Math.max(...collected.keys())).toBe(head);
  const product = await afterAttack('untouched', async () => undefined);
  expect(product.wellKnownKey).toBe(`${vkey}\n`);
  expect(product.verify).toMatchObject({ intact: true, to: head, signedUpTo: head });
  expect(product.verifyHeld).toMatchObject({ intact: true, to: head, signedUpTo: head });
  expect(product.sources).toMatchObject({ intact: true });
  expect(product.planningStore).toMatchObject({ intact: true });
  expect(product.audit.map((a) => a.integrity)).toEqual(deployments.map(() => expect.objectContaining({ verified: true })));
  expect(offline(product.ledgerExport, '--all-signed')).toMatchObject({ status: 0, result: { intact: true, checked: head, signedUpTo: head } });
  expect(offlineSources(product.planningExport, product.ledgerExport)).toMatchObject({ status: 0, result: { intact: true } });
});

it('the same attacks made as the runtime role, what the services connect as, are refused by the database', async () => {
  const runtime = new Client({ connectionString: roles.runtimeUrl });
  await runtime.connect();
  try {
    for (const sql of [
      `UPDATE records.ledger SET event = jsonb_set(event, '{data,edited}', 'true') WHERE position = 5`,
      'DELETE FROM records.ledger WHERE position = 15',
      'TRUNCATE records.ledger',
      'ALTER TABLE records.ledger DISABLE TRIGGER ALL',
      'SET session_replication_role = replica',
      'UPDATE records.ledger_head SET position = 25',
      'UPDATE records.ledger_tree SET size = 25',
      'DELETE FROM records.ledger_checkpoints',
      'DELETE FROM records.ledger_nodes',
      `UPDATE planning.events SET data = jsonb_set(data, '{service}', '"payments-forged"')`,
      'ALTER TABLE planning.events DISABLE TRIGGER ALL',
    ]) {
      const refused = await runtime.query(sql).then(
        () => undefined,
        (error: { code?: string }) => error.code,
      );
      expect({ sql, refused }).toEqual({ sql, refused: '42501' });
    }
  } finally {
    await runtime.end();
  }
});

/** The checkpoints the auditor holds around a position: the last one before it and the first one at or after it. */
const heldAround = (position: number) => {
  const sizes = [...collected.keys()].sort((a, b) => a - b);
  return { before: Math.max(0, ...sizes.filter((size) => size < position)), covering: sizes.find((size) => size >= position)! };
};

/**
 * The offline verifier names an attack at `position` at the first position no checkpoint the auditor collected vouches
 * for: at the latest the attacked position, at the earliest the first after the last checkpoint before it (a checkpoint
 * whose range holds the attack vouches for none of that range).
 */
function expectNamedOffline(run: ReturnType<typeof offline>, position: number): void {
  const vouchedUpTo = Math.max(0, ...[...collected.keys()].filter((size) => size < position));
  expect(run).toMatchObject({ status: 1, result: { intact: false } });
  expect(run.result.firstBroken.position).toBeGreaterThan(vouchedUpTo);
  expect(run.result.firstBroken.position).toBeLessThanOrEqual(position);
}

/** Each attack on a copy of the installation's database, then the product and the offline verifiers on it. */
async function afterAttack(name: string, attack: (tx: SqlClient) => Promise<unknown>) {
  const copy = await attacked(name, attack);
  try {
    return await productOn(copy);
  } finally {
    await dropDatabase(copy);
  }
}

/** The entry at a position of the honest export, as its bytes give it. */
const honestEntry = (position: number) => JSON.parse(honestExport.split('\n')[position - 1]!) as Record<string, any>;

/** A careful superuser's forged entry: the documented bytes (docs/ledger.md) of a copy of an entry, as a new event, chained to the head. */
async function appendForged(tx: SqlClient, model: number): Promise<void> {
  const row = (await tx.query<{ position: string; hash: string }>('SELECT position, hash FROM records.ledger_head')).rows[0]!;
  const position = Number(row.position) + 1;
  const eventId = randomUUID();
  const fields = { ...honestEntry(model), position, previousHash: row.hash, sourceEventId: eventId, payload: { ...honestEntry(model).payload, forged: true } };
  const hash = createHash('sha256').update(Buffer.from([0])).update(canonicalJson(fields), 'utf8').digest('hex');
  await tx.query(
    `INSERT INTO records.ledger (position, event_id, topic, event_type, deployment_id, event, recorded_at, previous_hash, hash, format)
     SELECT $1, $2, topic, event_type, deployment_id, jsonb_set(jsonb_set(event, '{id}', to_jsonb($2::text)), '{data,forged}', 'true'), recorded_at, $3, $4, 2 FROM records.ledger WHERE position = $5`,
    [position, eventId, row.hash, hash, model],
  );
  await tx.query('UPDATE records.ledger_head SET position = $1, hash = $2', [position, hash]);
}

/** The rows, nodes, tree, head and checkpoints after `keep`, gone, as if the ledger had ended there. */
async function cutTail(tx: SqlClient, keep: number): Promise<void> {
  const kept = (await tx.query<{ hash: string }>('SELECT hash FROM records.ledger WHERE position = $1', [keep])).rows[0]!;
  await tx.query('DELETE FROM records.ledger WHERE position > $1', [keep]);
  await tx.query('DELETE FROM records.ledger_cosignatures WHERE tree_size > $1', [keep]);
  await tx.query('DELETE FROM records.ledger_checkpoints WHERE tree_size > $1', [keep]);
  await tx.query('DELETE FROM records.ledger_nodes WHERE (index + 1) * (1::bigint << level) > $1', [keep]);
  await tx.query('UPDATE records.ledger_head SET position = $1, hash = $2', [keep, kept.hash]);
  // the tree as it was at `keep`: its edge recomputed from the nodes kept (the compact range of [0, keep))
  const edge: Buffer[] = [];
  for (let level = 30, start = 0; level >= 0; level--) {
    if ((keep >> level) & 1) {
      const node = (await tx.query<{ hash: Buffer }>('SELECT hash FROM records.ledger_nodes WHERE level = $1 AND index = $2', [level, start >> level])).rows[0]!;
      edge.push(node.hash);
      start += 1 << level;
    }
  }
  await tx.query('UPDATE records.ledger_tree SET size = $1, edge = $2', [keep, Buffer.concat(edge)]);
}

describe('each attack is named at the first position it leaves unvouched, by the product and offline', () => {
  it('an edited payload', async () => {
    const after = await afterAttack('edited', (tx) => tx.query(`UPDATE records.ledger SET event = jsonb_set(event, '{data,edited}', 'true') WHERE position = 5`));
    expect(after.verify).toMatchObject({ intact: false, firstBroken: { position: 5, reason: 'content does not match its hash' } });
    expectNamedOffline(offline(after.ledgerExport), 5);
  });

  it('a deleted entry', async () => {
    const after = await afterAttack('deleted', (tx) => tx.query('DELETE FROM records.ledger WHERE position = 15'));
    expect(after.verify).toMatchObject({ intact: false, firstBroken: { position: 15 } });
    expectNamedOffline(offline(after.ledgerExport), 15);
  });

  it('two entries swapped', async () => {
    const after = await afterAttack('swapped', async (tx) => {
      await tx.query('UPDATE records.ledger SET position = -12 WHERE position = 12');
      await tx.query('UPDATE records.ledger SET position = 12 WHERE position = 13');
      await tx.query('UPDATE records.ledger SET position = 13 WHERE position = -12');
    });
    expect(after.verify).toMatchObject({ intact: false, firstBroken: { position: 12 } });
    expectNamedOffline(offline(after.ledgerExport), 12);
  });

  it('a forged entry appended with its hash and the head computed as the docs say: signed by nothing the auditor holds, and held by no store', async () => {
    const model = firstDeployment[0]!.position;
    const after = await afterAttack('forged', (tx) => appendForged(tx, model));
    // well formed: the chain verifies, and the log, restarted on it, even signs it; its source names it
    expect(after.verify).toMatchObject({ intact: true, to: head + 1 });
    expect(after.sources).toMatchObject({ intact: false, missingFromStore: { count: 1, first: { ledgerPosition: head + 1 } } });
    expect(offline(after.ledgerExport, '--all-signed')).toMatchObject({ status: 1, result: { intact: false, firstBroken: { position: head + 1 } } });
    expect(offlineSources(after.planningExport, after.ledgerExport)).toMatchObject({ status: 1, result: { intact: false, firstBroken: { ledgerPosition: head + 1 } } });
  });

  it("an entry moved to another deployment, and one given another type", async () => {
    const [moved, retyped] = [firstDeployment[2]!.position, firstDeployment[3]!.position];
    const movedAway = await afterAttack('moved', (tx) => tx.query('UPDATE records.ledger SET deployment_id = $1 WHERE position = $2', [deployments[1], moved]));
    expect(movedAway.verify).toMatchObject({ intact: false, firstBroken: { position: moved } });
    expect(movedAway.audit[1].integrity).toMatchObject({ verified: false, firstFailure: { position: moved } });
    expectNamedOffline(offline(movedAway.ledgerExport), moved);
    const given = await afterAttack('retyped', (tx) =>
      tx.query(`UPDATE records.ledger SET event_type = 'gantry.x.Nothing.v1', event = jsonb_set(event, '{type}', '"gantry.x.Nothing.v1"') WHERE position = $1`, [retyped]),
    );
    expect(given.verify).toMatchObject({ intact: false, firstBroken: { position: retyped } });
    expect(given.audit[0].integrity).toMatchObject({ verified: false, firstFailure: { position: retyped } });
    expectNamedOffline(offline(given.ledgerExport), retyped);
  });

  it('the tail cut off with the head, the tree and the checkpoints put back: only what left the database names it', async () => {
    const keep = 25;
    const after = await afterAttack('cut', (tx) => cutTail(tx, keep));
    expect(after.verify).toMatchObject({ intact: true, to: keep });
    const { covering } = heldAround(keep + 1);
    expect(after.verifyHeld).toMatchObject({ intact: false, firstBroken: { position: keep + 1, reason: `the ledger ends at position ${keep}, but the checkpoint of size ${covering} signed entries up to ${covering}` } });
    expectNamedOffline(offline(after.ledgerExport), keep + 1);
  });

  it('a middle entry rewritten, every later hash, the tree, the head recomputed and the checkpoints since deleted', async () => {
    const after = await afterAttack('rewritten', async (tx) => {
      await tx.query(`UPDATE records.ledger SET event = jsonb_set(event, '{data,rewritten}', 'true') WHERE position = 14`);
      let previousHash = honestEntry(14).previousHash as string;
      for (let position = 14; position <= head; position++) {
        const fields = { ...honestEntry(position), previousHash, ...(position === 14 ? { payload: { ...honestEntry(14).payload, rewritten: true } } : {}) };
        const hash = createHash('sha256').update(Buffer.from([0])).update(canonicalJson(fields), 'utf8').digest('hex');
        await tx.query('UPDATE records.ledger SET previous_hash = $2, hash = $3 WHERE position = $1', [position, previousHash, hash]);
        previousHash = hash;
      }
      await tx.query('UPDATE records.ledger_head SET hash = $1', [previousHash]);
      // the tree to be grown again over the rewritten entries, and no stored checkpoint that would contradict it
      await tx.query('DELETE FROM records.ledger_nodes');
      await tx.query(`UPDATE records.ledger_tree SET size = 0, edge = '\\x'`);
      await tx.query('DELETE FROM records.ledger_cosignatures WHERE tree_size >= 14');
      await tx.query('DELETE FROM records.ledger_checkpoints WHERE tree_size >= 14');
    });
    // the log, restarted on it, signs the rewritten tree (it extends the last checkpoint left, before the rewrite)
    expect(after.verify).toMatchObject({ intact: true, to: head });
    const { before, covering } = heldAround(14);
    expect(after.verifyHeld).toMatchObject({ intact: false, firstBroken: { position: before + 1, reason: `the entries from position ${before + 1} to ${covering} are not those the checkpoint of size ${covering} signed` } });
    expectNamedOffline(offline(after.ledgerExport), 14);
  });

  it('an export that starts mid-way is refused by the offline verifier, naming where it should start', async () => {
    const fromEleven = honestExport.split('\n').slice(10).join('\n');
    expect(offline(fromEleven)).toMatchObject({ status: 1, result: { intact: false, firstBroken: { position: 1, reason: expect.stringMatching(/not at genesis/) } } });
  });

  it("a service's own event edited, its stream's chain recomputed: the store verifies, the ledger names it", async () => {
    let edited = { eventId: '', streamId: '' };
    const after = await afterAttack('source', async (tx) => {
      const row = (await tx.query<{ event_id: string; stream_id: string }>(`SELECT event_id::text, stream_id FROM planning.events WHERE event_type LIKE '%DeploymentRequested%' ORDER BY position LIMIT 1`)).rows[0]!;
      edited = { eventId: row.event_id, streamId: row.stream_id };
      await tx.query(`UPDATE planning.events SET data = jsonb_set(data, '{service}', '"payments-forged"') WHERE event_id = $1`, [row.event_id]);
      let previousHash = GENESIS_HASH;
      for (const event of await new EventStore(tx as never, 'planning').readStream(row.stream_id, tx)) {
        const hash = hashEvent(previousHash, hashedEventFields(event));
        await tx.query('UPDATE planning.events SET previous_hash = $2, hash = $3 WHERE event_id = $1', [event.id, previousHash, hash]);
        previousHash = hash;
      }
      await tx.query('UPDATE planning.streams SET last_hash = $2 WHERE stream_id = $1', [row.stream_id, previousHash]);
    });
    const ledgerPosition = JSON.parse(after.ledgerExport.split('\n').find((line) => line.includes(edited.eventId))!).position as number;
    expect(after.planningStore).toMatchObject({ intact: true });
    expect(after.verify).toMatchObject({ intact: true });
    expect(after.sources).toMatchObject({ intact: false, firstMismatch: { eventId: edited.eventId, ledgerPosition } });
    expect(offlineSources(after.planningExport, after.ledgerExport)).toMatchObject({ status: 1, result: { intact: false, firstBroken: { eventId: edited.eventId, ledgerPosition } } });
  });
});
