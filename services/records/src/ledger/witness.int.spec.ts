import { mintToken } from '@gantry/auth';
import { Database } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';
import { boot, type RunningProcess } from '@gantry/platform';
import { createTestDatabase, eventually, type TestDatabase } from '@gantry/testing';
import {
  cosign,
  formatAddCheckpointRequest,
  generateKeyPair,
  parseNote,
  parseSigningKey,
  parseVerifierKey,
  signCheckpoint,
  verifyCheckpoint,
  type SigningKey,
  type VerifierKey,
} from '@gantry/transparency-log';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordsModule } from '../records.module';
import { appendToLedger } from './ledger';
import { evidenceForReport, latestCheckpoint } from './ledger-checkpoints';
import { LedgerLog, type LedgerLogPolicy } from './ledger-log';
import { consistencyHashes, growLedgerTree, readTreeHead } from './ledger-tree';
import { asSuperuser, exportLedger, rewriteAndRecompute } from './test-fixtures';

/**
 * A witness (npm run witness, a real child process on a port it picks) and a running records that asks it to cosign
 * each new checkpoint, on real PostgreSQL: the witness cosigns a sequence of checkpoints, refuses a checkpoint of
 * another key, a rolled-back log and a rewritten tree, keeps its state across restarts and only with the key it was
 * configured with; records serves its checkpoints cosigned; the offline verifier requires a quorum of cosignatures and
 * says when checkpoints prove that the log lied.
 */
const root = join(__dirname, '../../../..');
const schema = 'records';
const origin = 'deploy.example.com/ledger';
const SECRET = 'witness-int-secret-that-is-long-enough';
let database: TestDatabase;
let db: Database;
let dir: string;
let logKey: SigningKey;
let policy: LedgerLogPolicy;
let log: LedgerLog;
let records: RunningProcess;
let witness: Witness;
let auditorToken: string;

interface Witness {
  child: ChildProcess;
  url: string;
  verifierKey: VerifierKey;
  latestSize: number;
  /** aborts when the process exits: every wait on the witness stops at once then */
  running: AbortSignal;
  output: () => string;
  stop: () => Promise<void>;
}

/** Runs the witness command as an operator would and waits for the line it prints when it listens. */
async function startWitness(logVkey: string, state = 'witness-state'): Promise<Witness> {
  const args = ['--log-key', logVkey, '--key-file', join(dir, 'witness-key'), '--name', 'itsm.example/witness', '--state', join(dir, state), '--port', '0'];
  const child = spawn(process.execPath, [join(root, 'scripts/run.js'), 'scripts/witness.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new AbortController();
  const closed = new Promise<void>((resolve) => child.once('close', (code) => (exited.abort(new Error(`the witness exited with code ${code}: ${stderr}`)), resolve())));
  const started = await eventually(() => stdout.includes('\n') && (JSON.parse(stdout.split('\n')[0]!) as { url: string; verifierKey: string; logs: { latestSize: number }[] }), {
    timeoutMs: 60_000,
    what: 'the witness to print its address',
    signal: exited.signal,
  });
  const key = parseVerifierKey(started.verifierKey);
  if (!key.ok) throw new Error(key.reason);
  return {
    child,
    url: started.url,
    verifierKey: key.value,
    latestSize: started.logs[0]!.latestSize,
    running: exited.signal,
    output: () => stderr,
    stop: async () => {
      if (!exited.signal.aborted) child.kill('SIGTERM');
      await closed;
    },
  };
}

/** The witness command run to its end: what it says when it refuses to start. */
const witnessRefusingToStart = (logVkey: string) =>
  spawnSync(process.execPath, [join(root, 'scripts/run.js'), 'scripts/witness.ts', '--log-key', logVkey, '--key-file', join(dir, 'witness-key'), '--state', join(dir, 'witness-state')], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });

const event = (n: number): CloudEvent => ({
  specversion: '1.0',
  id: randomUUID(),
  source: '/gantry/planning',
  type: 'gantry.planning.DeploymentRequested.v1',
  subject: `d-${n % 3}`,
  time: '2026-12-01T10:00:00.000Z',
  data: { deploymentId: `d-${n % 3}`, n },
});

let appended = 0;
/** Entries appended beside the running records, and the tree grown over them as its checkpointer would. */
const append = async (count: number) => {
  for (let i = 0; i < count; i++) await db.transaction((tx) => appendToLedger(tx, schema, 'gantry.planning.v1', event(++appended), new Date('2026-12-01T10:00:00.000Z'), log));
  await db.transaction((tx) => growLedgerTree(tx, schema));
};

const served = async (path = '/audit/checkpoint') => {
  const response = await fetch(`${records.url}${path}`, { headers: { authorization: `Bearer ${auditorToken}` } });
  return { status: response.status, body: await response.text() };
};

/** Records as it runs, asking the witness as it now listens. */
const bootRecords = async () => {
  records = await boot('records', {
    modules: (runtime) => [RecordsModule.register(runtime, { ledger: { ...policy, witnesses: [{ key: witness.verifierKey, url: witness.url }] } })],
    env: { DATABASE_URL: database.url, PORT: '0', GANTRY_JWT_SECRET: SECRET, LOG_LEVEL: 'error' },
  });
};

const trust = (quorum = 1) => ({ origin, logKeys: [logKey.verifierKey], witnesses: [witness.verifierKey], quorum });

/** Waits until records serves a checkpoint of `size` that the witness cosigned, as a verifier that requires it reads it. */
const cosignedCheckpoint = (size: number) =>
  eventually(
    async () => {
      const { body } = await served();
      const verified = verifyCheckpoint(body, trust());
      return verified.ok && verified.value.checkpoint.size === size && body;
    },
    { timeoutMs: 30_000, what: `records to serve the checkpoint of size ${size} cosigned by the witness`, signal: witness.running },
  );

const submit = async (body: string) => {
  const response = await fetch(`${witness.url}/add-checkpoint`, { method: 'POST', body });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
};

const verifyOffline = (...args: string[]) => {
  const run = spawnSync(process.execPath, [join(root, 'scripts/verify-ledger-export.js'), join(dir, 'export.ndjson'), '--vkey', logKey.verifierKey.text, ...args], { encoding: 'utf8' });
  return { status: run.status, result: run.stdout ? JSON.parse(run.stdout) : run.stderr };
};

const file = (name: string, content: string) => {
  writeFileSync(join(dir, name), content);
  return join(dir, name);
};

beforeAll(async () => {
  database = await createTestDatabase('gantry_ledger_witness');
  db = Database.connect(database.url, { max: 4 });
  dir = mkdtempSync(join(tmpdir(), 'ledger-witness-'));
  mkdirSync(join(dir, 'checkpoints'));
  const pair = generateKeyPair(origin);
  writeFileSync(join(dir, 'ledger-key'), pair.signingKey);
  logKey = (parseSigningKey(pair.signingKey) as { ok: true; value: SigningKey }).value;
  witness = await startWitness(pair.verifierKey);
  policy = { origin, keyFile: join(dir, 'ledger-key'), checkpointEveryEntries: 5, checkpointEverySeconds: 1, witnesses: [{ key: witness.verifierKey, url: witness.url }] };
  await bootRecords();
  log = new LedgerLog(schema, { ...policy, witnesses: [] });
  auditorToken = await mintToken(SECRET, { sub: 'auditor-1', roles: ['auditor'] });
}, 120_000);

afterAll(async () => {
  await records?.stop();
  await witness?.stop();
  await db?.close();
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

it('the witness cosigns each new checkpoint of a running records, which serves it with the cosignature', async () => {
  expect(witness.latestSize).toBe(0);
  await append(5);
  const five = await cosignedCheckpoint(5);
  await append(7);
  const twelve = await cosignedCheckpoint(12);
  writeFileSync(join(dir, 'checkpoints', 'cosigned-5.txt'), five);
  writeFileSync(join(dir, 'checkpoints', 'cosigned-12.txt'), twelve);
  // the note the log signed, then the witness's line: a valid signed note with two signatures
  expect(parseNote(twelve)).toMatchObject({ ok: true, value: { signatures: [{ keyName: origin }, { keyName: 'itsm.example/witness' }] } });
  const listed = JSON.parse((await served('/audit/checkpoints')).body) as { checkpoints: { treeSize: number; note: string }[] };
  expect(listed.checkpoints.find((c) => c.treeSize === 12)?.note).toBe(twelve);
  expect((await served('/audit/checkpoint?size=5')).body).toBe(five);
  // the witness keeps what it cosigned last, on disk
  expect(readFileSync(join(dir, 'witness-state', 'logs', `${encodeURIComponent(origin)}.checkpoint`), 'utf8')).toBe(twelve.slice(0, twelve.indexOf('— itsm.example/witness')));
  // what the witness told the log stays as it was told
  await expect(db.query(`UPDATE ${schema}.ledger_cosignatures SET signature_line = 'x'`)).rejects.toThrow(/append-only/);
  await expect(db.query(`DELETE FROM ${schema}.ledger_cosignatures`)).rejects.toThrow(/append-only/);
  // a report closing a deployment now carries the checkpoint covering its entries and the latest the witness cosigned
  const evidence = await db.transaction((tx) => evidenceForReport(tx, log, new Date('2026-12-01T10:00:00.000Z')));
  expect(evidence).toEqual({ ledgerCheckpoint: twelve, witnessedCheckpoint: twelve });
});

it('the offline verifier with --quorum 1 accepts cosigned checkpoints and refuses, naming it, one without the cosignature', async () => {
  await exportLedger(db, schema, join(dir, 'export.ndjson'), { from: 1, to: 12 });
  const witnessKey = ['--witness-key', witness.verifierKey.text];
  expect(verifyOffline('--checkpoints', join(dir, 'checkpoints'), ...witnessKey, '--quorum', '1')).toEqual({ status: 0, result: expect.objectContaining({ intact: true, checked: 12, signedUpTo: 12 }) });
  const bare = (await db.query<{ note: string }>(`SELECT note FROM ${schema}.ledger_checkpoints WHERE tree_size = 12`)).rows[0]!.note;
  const uncosigned = file('uncosigned.txt', bare);
  expect(verifyOffline('--checkpoint', uncosigned)).toMatchObject({ status: 0, result: { intact: true, signedUpTo: 12 } });
  expect(verifyOffline('--checkpoint', uncosigned, ...witnessKey, '--quorum', '1')).toEqual({
    status: 1,
    result: { intact: false, checked: 0, refused: { checkpoint: uncosigned, reason: 'the checkpoint cosigned by 0 of the 1 witnesses given (none), fewer than the quorum of 1' } },
  });
  // a cosignature by a witness the auditor does not trust does not count; one that claims the trusted witness and does not verify is refused
  const stranger = (parseSigningKey(generateKeyPair('stranger.example/witness', 'cosignature/v1').signingKey) as { ok: true; value: SigningKey }).value;
  const text = bare.slice(0, bare.indexOf('\n\n') + 1);
  const byStranger = file('stranger.txt', bare + cosign(text, stranger, 1_796_000_000));
  expect(verifyOffline('--checkpoint', byStranger, ...witnessKey, '--quorum', '1')).toMatchObject({ status: 1, result: { refused: { checkpoint: byStranger, reason: expect.stringContaining('0 of the 1 witnesses') } } });
  const cosigned = readFileSync(join(dir, 'checkpoints', 'cosigned-12.txt'), 'utf8');
  const tampered = file('tampered.txt', cosigned.replace(/(itsm\.example\/witness \S{10})(\S)/, (_, head: string, c: string) => `${head}${c === 'A' ? 'B' : 'A'}`));
  expect(verifyOffline('--checkpoint', tampered, ...witnessKey, '--quorum', '1')).toMatchObject({ status: 1, result: { refused: { checkpoint: tampered, reason: expect.stringMatching(/^the checkpoint cosigned by witness itsm\.example\/witness\+[0-9a-f]{8} with a cosignature that does not verify/) } } });
  expect(verifyOffline('--checkpoint', uncosigned, ...witnessKey, '--quorum', '2')).toMatchObject({ status: 2 });
  expect(verifyOffline('--checkpoint', uncosigned, '--witness-key', logKey.verifierKey.text, '--quorum', '1')).toMatchObject({ status: 2 });
});

it('the witness refuses a checkpoint of another key (403), of a log it does not follow (404), and malformed requests (400), with the spec statuses', async () => {
  const size = 12;
  const rootOf12 = (await readTreeHead(db, schema)).tree.root();
  const otherKey = (parseSigningKey(generateKeyPair(origin).signingKey) as { ok: true; value: SigningKey }).value;
  const forged = signCheckpoint({ origin, size: 17, root: Buffer.alloc(32, 1), extensions: [] }, otherKey);
  expect(await submit(formatAddCheckpointRequest({ oldSize: size, proof: [], checkpoint: forged }))).toMatchObject({ status: 403 });
  const elsewhere = (parseSigningKey(generateKeyPair('elsewhere.example/log').signingKey) as { ok: true; value: SigningKey }).value;
  expect(await submit(formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: signCheckpoint({ origin: 'elsewhere.example/log', size: 1, root: rootOf12, extensions: [] }, elsewhere) }))).toEqual({
    status: 404,
    type: 'text/plain; charset=utf-8',
    body: 'this witness does not follow the log "elsewhere.example/log"\n',
  });
  expect(await submit('old 12\n')).toMatchObject({ status: 400, body: 'the request has no blank line before the checkpoint\n' });
  expect(await submit('old 12\n\nnot a note')).toMatchObject({ status: 400, body: expect.stringMatching(/^malformed checkpoint note/) });
  expect((await fetch(`${witness.url}/add-checkpoint`)).status).toBe(405);
});

it('the witness keeps its state across a restart: a rolled-back log is refused, the log goes on from what it cosigned, and a state signed by another log key stops it from starting', async () => {
  await witness.stop();
  const otherLogKey = generateKeyPair(origin).verifierKey;
  const refused = witnessRefusingToStart(otherLogKey);
  expect(refused.status).toBe(2);
  expect(refused.stderr).toMatch(/--state: the state of "deploy\.example\.com\/ledger" .* is not a checkpoint signed by the configured log key/);
  witness = await startWitness(logKey.verifierKey.text);
  expect(witness.latestSize).toBe(12);
  // the log rolled back to its checkpoint of 5 entries: the witness holds 12
  const five = readFileSync(join(dir, 'checkpoints', 'cosigned-5.txt'), 'utf8');
  expect(await submit(formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: five }))).toEqual({ status: 409, type: 'text/x.tlog.size', body: '12\n' });
  expect(await submit(formatAddCheckpointRequest({ oldSize: 12, proof: [], checkpoint: five }))).toMatchObject({ status: 400, body: "the old size 12 is past the checkpoint's size 5\n" });
  // records, which knows nothing of the restart, goes on: the next checkpoint is cosigned by the restarted witness
  await records.stop();
  await bootRecords();
  await append(3);
  writeFileSync(join(dir, 'checkpoints', 'cosigned-15.txt'), await cosignedCheckpoint(15));
});

it('records brings a witness that answers 409 up from the size it says it holds: here one that lost its state and holds nothing', async () => {
  await witness.stop();
  witness = await startWitness(logKey.verifierKey.text, 'witness-state-new');
  expect(witness.latestSize).toBe(0);
  await records.stop();
  await bootRecords();
  await append(5);
  await cosignedCheckpoint(20);
  // records asked from 15, the size this witness's key last cosigned; the witness answered 409 with 0; records asked again from 0
  expect(witness.output()).toMatch(/refused \(409\): the latest checkpoint this witness cosigned for "deploy\.example\.com\/ledger" has size 0, not 15[\s\S]*cosigned deploy\.example\.com\/ledger at size 20/);
});

it('the offline verifier says when checkpoints prove the log lied: two roots for one size, or a checkpoint the export contradicts while a larger one matches it', async () => {
  await exportLedger(db, schema, join(dir, 'export.ndjson'), { from: 1, to: 15 });
  const honest = join(dir, 'checkpoints', 'cosigned-15.txt');
  expect(verifyOffline('--checkpoint', honest)).toMatchObject({ status: 0, result: { intact: true, signedUpTo: 15 } });
  // the log's key signed another root for 15 (shown to someone else)
  const other = file('other-15.txt', signCheckpoint({ origin, size: 15, root: Buffer.alloc(32, 9), extensions: [] }, logKey));
  expect(verifyOffline('--checkpoint', honest, '--checkpoint', other)).toMatchObject({
    status: 1,
    result: { intact: false, misbehaviour: { proof: 'split view', checkpoints: [honest, other], reason: expect.stringMatching(/^proof of misbehaviour: split view: the log signed two roots for tree size 15/) } },
  });
  // and a root for 10 that no history ending in the honest 15 has
  const ten = file('other-10.txt', signCheckpoint({ origin, size: 10, root: Buffer.alloc(32, 10), extensions: [] }, logKey));
  expect(verifyOffline('--checkpoint', ten, '--checkpoint', honest)).toMatchObject({
    status: 1,
    result: {
      firstBroken: { position: 1, reason: expect.stringContaining('are not those the checkpoint of size 10 signed') },
      misbehaviour: { proof: 'inconsistent checkpoints', checkpoints: [ten, honest], reason: expect.stringMatching(/^proof of misbehaviour: the log signed the checkpoint of size 10/) },
    },
  });
  // an export the superuser edited contradicts every later checkpoint: an attack on the export, not proof against the log
  await asSuperuser(db, (tx) => tx.query(`UPDATE ${schema}.ledger SET event = jsonb_set(event, '{data,n}', '999') WHERE position = 4`));
  await exportLedger(db, schema, join(dir, 'export.ndjson'), { from: 1, to: 15 });
  const edited = verifyOffline('--checkpoints', join(dir, 'checkpoints'));
  expect(edited).toMatchObject({ status: 1, result: { firstBroken: { position: 4 } } });
  expect(edited.result.misbehaviour).toBeUndefined();
});

it('the witness refuses a rewritten tree, even signed with the log key, and keeps the signed request as evidence', async () => {
  // a superuser who also holds the log key rewrites an entry the witness has seen, recomputes everything and signs
  const held = 20;
  await rewriteAndRecompute(db, schema, 3);
  await append(2);
  const rewritten = (await readTreeHead(db, schema)).tree;
  expect(rewritten.size).toBe(held + 2);
  const proof = await consistencyHashes(db, schema, held, held + 2);
  if (!proof.ok) throw new Error(proof.reason);
  const signedRewrite = signCheckpoint({ origin, size: held + 2, root: rewritten.root(), extensions: [] }, logKey);
  const answer = await submit(formatAddCheckpointRequest({ oldSize: held, proof: proof.value, checkpoint: signedRewrite }));
  expect(answer).toMatchObject({ status: 422, body: expect.stringContaining(`is not shown to extend the one of ${held} entries this witness cosigned`) });
  // the same size with another root: a split view, 409 with the size it holds
  const split = signCheckpoint({ origin, size: held, root: Buffer.alloc(32, 3), extensions: [] }, logKey);
  expect(await submit(formatAddCheckpointRequest({ oldSize: held, proof: [], checkpoint: split }))).toEqual({ status: 409, type: 'text/x.tlog.size', body: `${held}\n` });
  const evidence = readdirSync(join(dir, 'witness-state-new', 'refused')).map((name) => readFileSync(join(dir, 'witness-state-new', 'refused', name), 'utf8'));
  expect(evidence).toEqual(expect.arrayContaining([expect.stringContaining(signedRewrite), expect.stringContaining(split)]));
  // the log itself never signs the rewritten tree
  expect((await latestCheckpoint(db, schema))?.treeSize).toBe(held);
  expect(witness.child.exitCode).toBeNull();
  expect(witness.output()).toMatch(/refused \(422\)/);
});
