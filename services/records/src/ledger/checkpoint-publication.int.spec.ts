import { mintToken } from '@gantry/auth';
import { EVENTS, FEEDBACK_TOPICS, SAMPLE_PAYLOADS, TRANSPARENCY_TOPICS, validatePayload, type EventName, type EventPayloads, type LedgerCheckpointSigned } from '@gantry/contracts';
import { Database, EventStore, migrate } from '@gantry/event-store';
import { KafkaBus, type CloudEvent, type IncomingMessage, type Subscription } from '@gantry/messaging';
import { boot, type RunningProcess } from '@gantry/platform';
import { createTestDatabase, eventually, type TestDatabase } from '@gantry/testing';
import { generateKeyPair, leafHash, parseVerifierKey, verifyCheckpoint, verifyInclusion, type VerifierKey } from '@gantry/transparency-log';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordsModule } from '../records.module';
import { appendToLedger, ledgerMigrations } from './ledger';
import { LedgerCheckpointer } from './ledger-checkpointer';
import { LedgerLog, type LedgerLogPolicy } from './ledger-log';

/**
 * Records as its own service on a real Kafka broker and PostgreSQL: every checkpoint it makes reaches
 * gantry.ledger.checkpoints.v1, the checkpoint directory and an HTTP endpoint, including those made before a process
 * could publish them and those an endpoint refused before a restart; the report to change enablement carries one
 * that covers the deployment; the checkpoint topic is not ledgered.
 */
const SECRET = 'records-publish-int-secret-long-enough';
const suffix = randomUUID().slice(0, 8);
/** this suite's own log: other records processes on the broker publish their checkpoints on the same topic */
const origin = `records.test/publish-${suffix}`;
const CHECKPOINT_TOPIC = TRANSPARENCY_TOPICS.ledgerCheckpoints;
/** a fresh broker's first producers wait for its coordinators: tens of seconds on a loaded machine */
const KAFKA_MS = 120_000;

/** a CloudEvent as Gantry's publisher writes it: with its data */
type Published<Data> = Omit<CloudEvent<Data>, 'data'> & { data: Data };

let database: TestDatabase;
let dir: string;
let checkpointDir: string;
let vkey: VerifierKey;
/** the same key in Go's text form, as GET /audit/log-key serves it */
let vkeyText: string;
let policy: LedgerLogPolicy;
let bus: KafkaBus;
let records: RunningProcess | undefined;
let auditor: string;
const readers: Subscription[] = [];
const onTopic: { key: string | null; event: Published<LedgerCheckpointSigned> }[] = [];
const reports: Published<EventPayloads['ChangeImplementationReported']>[] = [];

/** An HTTP endpoint that refuses (503) while `refusing` says so, and keeps what it accepted. */
const endpoint = { refusing: (): boolean => false, refusals: 0, accepted: [] as { contentType: string | undefined; authorization: string | undefined; note: string }[], url: '' };
let server: Server;

const sizeOf = (note: string) => Number(note.split('\n')[1]);
const sizesOf = (notes: readonly string[]) => [...new Set(notes.map(sizeOf))].sort((a, b) => a - b);
const topicSizes = () => sizesOf(onTopic.map((m) => m.event.data.note));
const endpointSizes = () => sizesOf(endpoint.accepted.map((a) => a.note));
const directorySizes = () => (existsSync(checkpointDir) ? readdirSync(checkpointDir).filter((f) => f.endsWith('.checkpoint')).map((f) => Number(f.split('.')[0])).sort((a, b) => a - b) : []);

/** ids of the messages this suite produced, and its deployments: what its records instance acts on */
const produced = new Set<string>();
const deployments = new Set<string>();
const ours = (event: CloudEvent) => produced.has(event.id) || deployments.has((event.data as { deploymentId?: string } | undefined)?.deploymentId ?? '');

const bootRecords = () =>
  boot('records', {
    modules: (runtime) => [
      RecordsModule.register(runtime, {
        ledger: policy,
        checkpointDelivery: { directory: checkpointDir, url: endpoint.url, retry: { initialMs: 50, maxMs: 400 }, pollMs: 100 },
        // the broker's topics hold other suites' messages too: this instance acts on this suite's only, from whenever
        // its groups join (on a fresh broker, later than it starts)
        actsOn: ours,
        fromBeginning: true,
      }),
    ],
    env: {
      DATABASE_URL: database.url,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS,
      GANTRY_CONSUMER_GROUP_PREFIX: `publish-${suffix}-`,
      PORT: '0',
      GANTRY_JWT_SECRET: SECRET,
      LOG_LEVEL: 'error',
    },
  });

const stopRecords = async () => {
  await records?.stop();
  records = undefined;
};

beforeAll(async () => {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set: this suite needs the broker from the test setup');
  database = await createTestDatabase('gantry_checkpoint_publication');
  dir = mkdtempSync(join(tmpdir(), 'checkpoint-publication-'));
  checkpointDir = join(dir, 'checkpoints');
  const key = generateKeyPair(origin);
  writeFileSync(join(dir, 'key'), key.signingKey);
  vkeyText = key.verifierKey;
  const parsed = parseVerifierKey(key.verifierKey);
  if (!parsed.ok) throw new Error(parsed.reason);
  vkey = parsed.value;
  policy = { origin, keyFile: join(dir, 'key'), checkpointEveryEntries: 4, checkpointEverySeconds: 0 };

  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (endpoint.refusing()) {
        endpoint.refusals++;
        response.writeHead(503).end();
        return;
      }
      endpoint.accepted.push({ contentType: request.headers['content-type'], authorization: request.headers.authorization, note: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint.url = `http://witness:s3cret@127.0.0.1:${(server.address() as AddressInfo).port}/checkpoints`;

  bus = new KafkaBus({ clientId: `records-publish-int-${suffix}`, brokers });
  await bus.ensureTopics([CHECKPOINT_TOPIC, FEEDBACK_TOPICS.changeEnablement, ...new Set(Object.values(EVENTS).map((e) => e.topic))]);
  const read = (batch: IncomingMessage[]) => {
    for (const message of batch) {
      const event = JSON.parse(message.value!.toString()) as Published<Record<string, unknown>>;
      if (message.topic === CHECKPOINT_TOPIC && event.data.origin === origin) onTopic.push({ key: message.key, event: event as unknown as Published<LedgerCheckpointSigned> });
      // other suites' records instances share the broker, ledger what this suite publishes and report on it too:
      // only this instance's reports (its checkpoints name this suite's origin) count here
      const ours = typeof event.data.ledgerCheckpoint === 'string' && event.data.ledgerCheckpoint.startsWith(`${origin}\n`);
      if (message.topic === FEEDBACK_TOPICS.changeEnablement && deployments.has(String(event.data.deploymentId)) && ours) reports.push(event as unknown as Published<EventPayloads['ChangeImplementationReported']>);
    }
  };
  readers.push(await bus.subscribe({ group: `records-publish-int-reader-${suffix}`, topics: [CHECKPOINT_TOPIC, FEEDBACK_TOPICS.changeEnablement], fromBeginning: true }, async (batch) => read(batch)));
  auditor = await mintToken(SECRET, { sub: 'alice.auditor', roles: ['auditor'] });
}, 120_000);

afterAll(async () => {
  await stopRecords();
  for (const reader of readers) await reader.close();
  await bus?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string) => fetch(`${records!.url}${path}`, { headers: { authorization: `Bearer ${auditor}` } });

/** Publishes a Gantry event as its service would, on its topic, with a payload valid against the contract. */
const publish = async <N extends EventName>(name: N, data: Partial<EventPayloads[N]> & { deploymentId: string }) => {
  const { service, type, topic } = EVENTS[name];
  const id = randomUUID();
  produced.add(id);
  const event = { specversion: '1.0', id, source: `/gantry/${service}`, type, time: new Date().toISOString(), datacontenttype: 'application/json', data: { ...SAMPLE_PAYLOADS[name], ...data } };
  await bus.produce(topic, [{ key: data.deploymentId, value: JSON.stringify(event), headers: {} }]);
  return id;
};

/** A deployment requested, planned, executed and verified: its record closes with the last event. */
async function deploy(): Promise<{ deploymentId: string; events: string[] }> {
  const deploymentId = randomUUID();
  deployments.add(deploymentId);
  const base = { deploymentId, changeId: `CHG-${deploymentId.slice(0, 8)}` };
  const events = [
    await publish('DeploymentRequested', { ...base, releaseId: undefined }),
    await publish('DeploymentPlanned', base),
    await publish('DeploymentStarted', { deploymentId }),
    await publish('DeploymentExecuted', { deploymentId }),
    await publish('DeploymentVerified', { deploymentId }),
  ];
  return { deploymentId, events };
}

const reportOf = (deploymentId: string) =>
  eventually(() => reports.find((r) => r.data.deploymentId === deploymentId), { timeoutMs: KAFKA_MS, what: `the report to change enablement of ${deploymentId}` });

const openNote = (note: string) => {
  const opened = verifyCheckpoint(note, { origin, logKeys: [vkey] });
  if (!opened.ok) throw new Error(opened.reason);
  return opened.value.checkpoint;
};

it('checkpoints committed while no process published them reach the topic, the directory and an endpoint that refuses the first attempts, once records runs', async () => {
  // what a records process that died right after committing them leaves behind: checkpoints made, nothing sent
  const db = Database.connect(database.url, { max: 2 });
  try {
    const store = new EventStore(db, 'records');
    await store.migrate();
    await migrate(db, 'records', ledgerMigrations);
    const log = new LedgerLog('records', policy, store);
    const at = new Date('2026-12-01T10:00:00.000Z');
    for (let n = 1; n <= 9; n++) {
      const event: CloudEvent = { specversion: '1.0', id: randomUUID(), source: '/gantry/planning', type: 'gantry.planning.DeploymentRequested.v1', data: { deploymentId: `before-${n}` } };
      await db.transaction((tx) => appendToLedger(tx, 'records', 'gantry.planning.v1', event, at, log));
    }
    const checkpointer = new LedgerCheckpointer(db, log, { now: () => at, newId: randomUUID });
    for (const size of log.takeDue()) expect(await checkpointer.checkpointNow(size)).toMatchObject({ made: { treeSize: size } });
  } finally {
    await db.close();
  }
  let refused = 0;
  endpoint.refusing = () => refused++ < 3;

  records = await bootRecords();
  await eventually(() => topicSizes().length >= 3 && endpointSizes().length >= 3 && directorySizes().length >= 3, { timeoutMs: KAFKA_MS, what: 'the checkpoints of sizes 4, 8 and 9 everywhere' });
  // and the one the log makes as it starts, of the whole ledger
  expect({ topic: topicSizes(), directory: directorySizes(), endpoint: endpointSizes(), refusals: endpoint.refusals }).toEqual({ topic: [4, 8, 9], directory: [4, 8, 9], endpoint: [4, 8, 9], refusals: 3 });

  const stored = (await (await get('/audit/checkpoints?limit=1000')).json()) as { checkpoints: { treeSize: number; note: string }[] };
  for (const { key, event } of onTopic) {
    expect(event).toMatchObject({ type: 'gantry.records.LedgerCheckpointSigned.v1', source: '/gantry/records', subject: origin });
    expect(key).toBe(origin);
    expect(validatePayload(event.type, event.data)).toBeNull();
    const checkpoint = openNote(event.data.note);
    expect({ size: checkpoint.size, root: Buffer.from(checkpoint.root).toString('hex') }).toEqual({ size: event.data.treeSize, root: event.data.rootHash });
    expect(stored.checkpoints).toContainEqual(expect.objectContaining({ treeSize: event.data.treeSize, note: event.data.note }));
  }
  for (const size of [4, 8]) expect(readFileSync(join(checkpointDir, `${size}.checkpoint`), 'utf8')).toBe(stored.checkpoints.find((c) => c.treeSize === size)!.note);
  const basic = `Basic ${Buffer.from('witness:s3cret').toString('base64')}`;
  expect(endpoint.accepted.map((a) => [a.contentType, a.authorization])).toEqual(endpoint.accepted.map(() => ['text/plain; charset=utf-8', basic]));
  expect(readdirSync(checkpointDir).filter((f) => !f.endsWith('.checkpoint'))).toEqual([]);
}, 300_000);

describe('a deployment closed over Kafka', () => {
  let deployment: { deploymentId: string; events: string[] };
  let report: Published<EventPayloads['ChangeImplementationReported']>;

  beforeAll(async () => {
    endpoint.refusing = () => false;
    records ??= await bootRecords();
    deployment = await deploy();
    report = await reportOf(deployment.deploymentId);
  }, 300_000);

  it('the report to change enablement carries a signed checkpoint that covers every entry of the deployment', async () => {
    expect(validatePayload(report.type, report.data)).toBeNull();
    const checkpoint = openNote(report.data.ledgerCheckpoint!);
    const response = await get(`/audit/deployments/${deployment.deploymentId}/bundle?treeSize=${checkpoint.size}`);
    expect(response.status).toBe(200);
    const { entries } = (await response.json()) as { entries: { leafIndex: number; treeSize: number; leafHash: string; hashes: string[]; entry: string }[] };
    // by type and id, so that an entry nobody published for this deployment names itself and its position
    const ledgered = entries.map((e) => JSON.parse(e.entry) as { type: string; sourceEventId: string; position: number });
    const published = new Set(deployment.events);
    expect({ closedAt: checkpoint.size, unpublished: ledgered.filter((e) => !published.has(e.sourceEventId)) }).toEqual({ closedAt: checkpoint.size, unpublished: [] });
    expect(ledgered.map((e) => e.sourceEventId).sort()).toEqual([...deployment.events].sort());
    for (const proof of entries) {
      expect(Buffer.from(leafHash(Buffer.from(proof.entry, 'utf8'))).toString('hex')).toBe(proof.leafHash);
      const proven = verifyInclusion({ index: proof.leafIndex, size: checkpoint.size, leafHash: Buffer.from(proof.leafHash, 'hex'), proof: proof.hashes.map((h) => Buffer.from(h, 'hex')), root: checkpoint.root });
      expect(proven).toEqual({ ok: true, value: true });
    }
  }, 300_000);

  it('that checkpoint and every other reach the topic, the directory and the endpoint; the checkpoint topic is not ledgered', async () => {
    const size = sizeOf(report.data.ledgerCheckpoint!);
    await eventually(() => topicSizes().includes(size) && directorySizes().includes(size) && endpointSizes().includes(size), { timeoutMs: KAFKA_MS, what: `the checkpoint of size ${size} everywhere` });
    // records' own DeploymentRecordClosed is ledgered (its topic is consumed), the checkpoints' topic never is
    const db = records!.runtime.db;
    await eventually(async () => (await db.query(`SELECT 1 FROM records.ledger WHERE deployment_id = $1 AND event_type = $2`, [deployment.deploymentId, EVENTS.DeploymentRecordClosed.type])).rowCount, { timeoutMs: KAFKA_MS, what: 'the closed record in the ledger' });
    const ledgered = await db.query(`SELECT position FROM records.ledger WHERE topic = $1 OR event_type = $2`, [CHECKPOINT_TOPIC, EVENTS.LedgerCheckpointSigned.type]);
    expect(ledgered.rows).toEqual([]);
    const made = ((await (await get('/audit/checkpoints?limit=1000')).json()) as { checkpoints: { treeSize: number }[] }).checkpoints.map((c) => c.treeSize);
    await eventually(() => [topicSizes(), directorySizes(), endpointSizes()].every((sizes) => made.every((s) => sizes.includes(s))), { timeoutMs: KAFKA_MS, what: `every checkpoint made (${made.join(', ')}) everywhere` });
  }, 300_000);

  it("the directory's files are what the offline verifier takes, with the log key alone", async () => {
    const exported = join(dir, 'export.ndjson');
    const response = await get('/audit/export?format=ndjson');
    expect(response.status).toBe(200);
    writeFileSync(exported, await response.text());
    const entries = readFileSync(exported, 'utf8').split('\n').filter(Boolean).length;
    const files = directorySizes().filter((size) => size <= entries);
    expect(files).toContain(sizeOf(report.data.ledgerCheckpoint!));
    const args = [exported, '--vkey', vkeyText, '--origin', origin, ...files.flatMap((size) => ['--checkpoint', join(checkpointDir, `${size}.checkpoint`)])];
    const run = spawnSync(process.execPath, [join(__dirname, '../../../../scripts/verify-ledger-export.js'), ...args], { encoding: 'utf8' });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toMatchObject({ intact: true, signedUpTo: Math.max(...files) });
  }, 300_000);
});

it('an endpoint down while deployments close holds up nothing, and gets every checkpoint it missed after a restart', async () => {
  endpoint.refusing = () => true;
  const refusalsBefore = endpoint.refusals;
  const { deploymentId } = await deploy();
  const report = await reportOf(deploymentId);
  const size = sizeOf(report.data.ledgerCheckpoint!);
  await eventually(() => topicSizes().includes(size) && directorySizes().includes(size) && endpoint.refusals > refusalsBefore, { timeoutMs: KAFKA_MS, what: 'the topic and the directory served while the endpoint refuses' });
  expect(endpointSizes()).not.toContain(size);
  await stopRecords();

  endpoint.refusing = () => false;
  records = await bootRecords();
  const made = ((await (await get('/audit/checkpoints?limit=1000')).json()) as { checkpoints: { treeSize: number }[] }).checkpoints.map((c) => c.treeSize);
  expect(made).toContain(size);
  await eventually(() => made.every((s) => endpointSizes().includes(s)), { timeoutMs: KAFKA_MS, what: `every checkpoint made (${made.join(', ')}) at the endpoint` });
}, 400_000);

