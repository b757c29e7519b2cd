import { Database, migrate } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';
import { testClock } from '@gantry/platform';
import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import { generateKeyPair } from '@gantry/transparency-log';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendToLedger, ledgerMigrations } from './ledger';
import { bundleOfDeployment, type DeploymentBundle } from './ledger-bundle';
import { LedgerCheckpointer } from './ledger-checkpointer';
import { hashV1, LEDGER_GENESIS_HASH, leafHashOfText } from './ledger-entry';
import { LedgerLog } from './ledger-log';
import { proveConsistency, proveEntry } from './ledger-proofs';
import { readTreeHead } from './ledger-tree';
import { asSuperuser, collectCheckpoints, exportLedger, startCheckpointer } from './test-fixtures';

/**
 * docs/ledger.md is enough to verify the ledger: its Python programs (another language and style than the product's,
 * read from the page as it stands) verify a real export with format-1 and format-2 entries against the checkpoints,
 * refuse a tampered one, and verify the proofs the REST doors answer. Needs python3 and openssl 3, as an auditor would.
 */
const schema = 'records';
const origin = 'deploy.example.com/ledger';
const page = readFileSync(join(__dirname, '../../../../docs/ledger.md'), 'utf8');
const pythonBlocks = [...page.matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]!);
let database: TestDatabase;
let db: Database;
let dir: string;
let log: LedgerLog;

const event = (n: number): CloudEvent =>
  ({
    specversion: '1.0',
    id: randomUUID(),
    source: '/gantry/planning',
    type: 'gantry.planning.DeploymentPlanned.v1',
    subject: `d-${n % 3}`,
    time: '2026-12-01T09:00:00.123Z',
    datacontenttype: 'application/json',
    data: { deploymentId: `d-${n % 3}`, n, score: 0.5, note: 'café ✓ "q"', waves: [{ targets: ['a', 'b'] }] },
    actor: 'alice',
    actorroles: 'deployment-manager',
    actorchannel: 'rest',
    correlationid: 'corr-1',
  }) as CloudEvent;

const python = (code: string, ...args: string[]) => {
  const file = join(dir, `program-${randomUUID()}.py`);
  writeFileSync(file, code);
  return spawnSync('python3', [file, ...args], { cwd: dir, encoding: 'utf8' });
};

beforeAll(async () => {
  database = await createTestDatabase('gantry_ledger_doc');
  db = Database.connect(database.url, { max: 2 });
  dir = mkdtempSync(join(tmpdir(), 'ledger-doc-'));
  mkdirSync(join(dir, 'checkpoints'));
  // five entries from before the upgrade, then format 2
  await migrate(db, schema, ledgerMigrations.slice(0, 1));
  let previousHash = LEDGER_GENESIS_HASH;
  for (let position = 1; position <= 5; position++) {
    const entry = { position, topic: 'gantry.planning.v1', event: event(position), recordedAt: '2026-11-01T09:00:00.200Z' };
    const hash = hashV1(previousHash, entry);
    await db.query(
      `INSERT INTO ${schema}.ledger (position, event_id, topic, event_type, deployment_id, event, recorded_at, previous_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [position, entry.event.id, entry.topic, entry.event.type, `d-${position % 3}`, JSON.stringify(entry.event), entry.recordedAt, previousHash, hash],
    );
    await db.query(`UPDATE ${schema}.ledger_head SET position = $1, hash = $2`, [position, hash]);
    previousHash = hash;
  }
  await migrate(db, schema, ledgerMigrations);
  const key = generateKeyPair(origin);
  writeFileSync(join(dir, 'key'), key.signingKey);
  writeFileSync(join(dir, 'vkey'), `${key.verifierKey}\n`);
  log = new LedgerLog(schema, { origin, keyFile: join(dir, 'key'), checkpointEveryEntries: 8, checkpointEverySeconds: 0 });
  const checkpointer = startCheckpointer(db, log, new Date('2026-12-01T09:00:00.200Z'));
  for (let n = 6; n <= 40; n++) await db.transaction((tx) => appendToLedger(tx, schema, 'gantry.planning.v1', event(n), new Date('2026-12-01T09:00:00.200Z'), log));
  await checkpointer.settled();
  await checkpointer.onApplicationShutdown();
  await collectCheckpoints(db, schema, join(dir, 'checkpoints'));
  await exportLedger(db, schema, join(dir, 'ledger.ndjson'));
}, 60_000);

afterAll(async () => {
  await db?.close();
  await database?.drop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const checkpointFiles = () => ['8', '16', '24', '32', '40'].map((size) => join('checkpoints', `checkpoint-${size.padStart(12, '0')}.txt`));

it("the page's Python verifier verifies an export from genesis against the checkpoints", async () => {
  const root = Buffer.from((await readTreeHead(db, schema)).tree.root()).toString('base64');
  const run = python(pythonBlocks[pythonBlocks.length - 1]!, 'ledger.ndjson', 'vkey', ...checkpointFiles());
  expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 0, stdout: `intact: 40 entries, root ${root}\n`, stderr: '' });
});

it("the page's Python verifier refuses an export whose entry moved to another deployment, and one cut short of a checkpoint", async () => {
  await asSuperuser(db, (tx) => tx.query(`UPDATE ${schema}.ledger SET deployment_id = 'd-9' WHERE position = 21`));
  await exportLedger(db, schema, join(dir, 'tampered.ndjson'));
  const moved = python(pythonBlocks[pythonBlocks.length - 1]!, 'tampered.ndjson', 'vkey', ...checkpointFiles());
  expect(moved.status).toBe(1);
  expect(moved.stderr).toMatch(/AssertionError: position 22 does not name the hash of the entry before/);
  const lines = readFileSync(join(dir, 'ledger.ndjson'), 'utf8').split('\n');
  writeFileSync(join(dir, 'short.ndjson'), `${lines.slice(0, 35).join('\n')}\n`);
  const cut = python(pythonBlocks[pythonBlocks.length - 1]!, 'short.ndjson', 'vkey', ...checkpointFiles());
  expect(cut.stderr).toMatch(/AssertionError: checkpoints of sizes \[40\] sign entries the export lacks/);
  await asSuperuser(db, (tx) => tx.query(`UPDATE ${schema}.ledger SET deployment_id = 'd-0' WHERE position = 21`));
});

it("the page's proof verifications accept the proofs the REST doors answer, against the checkpoints' roots", async () => {
  const proofs = [];
  for (const position of [1, 5, 6, 17, 33]) {
    const proof = await proveEntry(db, schema, position);
    if (!proof.ok) throw new Error(proof.reason);
    proofs.push(proof.value);
  }
  const consistency = await proveConsistency(db, schema, 8, 40);
  if (!consistency.ok) throw new Error(consistency.reason);
  writeFileSync(join(dir, 'answers.json'), JSON.stringify({ proofs, consistency: consistency.value }));
  const check = `${pythonBlocks[0]}
import base64, json
def root_of(note): return base64.b64decode(note.rpartition("\\n\\n")[0].split("\\n")[2])
answers = json.load(open("answers.json"))
for answer in answers["proofs"]:
    for p in answer["entries"]:
        leaf = hashlib.sha256(b"\\x00" + p["entry"].encode()).digest()
        assert root_from_inclusion(p["leafIndex"], p["treeSize"], leaf, [bytes.fromhex(h) for h in p["hashes"]]) == root_of(answer["checkpoint"])
c = answers["consistency"]
assert consistent(c["from"], c["to"], root_of(c["checkpoints"]["from"]), root_of(c["checkpoints"]["to"]), [bytes.fromhex(h) for h in c["hashes"]])
assert not consistent(c["from"], c["to"], root_of(c["checkpoints"]["to"]), root_of(c["checkpoints"]["to"]), [bytes.fromhex(h) for h in c["hashes"]])
print("proofs verified")
`;
  const run = python(check);
  expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 0, stdout: 'proofs verified\n', stderr: '' });
});

describe("a deployment's bundle, verified by the page's own Python", () => {
  const program = () => pythonBlocks.find((block) => block.includes('verify_bundle.py'))!;
  const bundleOf = async (deploymentId: string): Promise<DeploymentBundle> => {
    const answer = await bundleOfDeployment(db, log, new LedgerCheckpointer(db, log, testClock('2026-12-01T10:00:00.000Z')), deploymentId);
    if (!answer.ok) throw new Error(answer.reason);
    return answer.value;
  };
  const verify = (bundle: unknown) => {
    writeFileSync(join(dir, 'bundle.json'), JSON.stringify(bundle));
    return python(program(), 'bundle.json', 'vkey');
  };

  it('verifies a real bundle with format-1 and format-2 entries, as the offline script does', async () => {
    const bundle = await bundleOf('d-1');
    expect(bundle.entries.map((e) => JSON.parse(e.entry).format)).toEqual([1, 1, ...Array(bundle.entries.length - 2).fill(2)]);
    const run = verify(bundle);
    expect({ status: run.status, stdout: run.stdout, stderr: run.stderr }).toEqual({ status: 0, stdout: `intact: ${bundle.entries.length} entries of deployment d-1 in the tree of 40\n`, stderr: '' });
    const script = spawnSync(process.execPath, [join(__dirname, '../../../../scripts/verify-ledger-export.js'), '--bundle', join(dir, 'bundle.json'), '--vkey', `@${join(dir, 'vkey')}`], { encoding: 'utf8' });
    expect({ status: script.status, result: JSON.parse(script.stdout) }).toMatchObject({ status: 0, result: { intact: true, checked: bundle.entries.length, treeSize: 40 } });
  });

  it("refuses a bundle with another deployment's entry, an entry edited in the database, and one signed by another key", async () => {
    const [d1, d2] = [await bundleOf('d-1'), await bundleOf('d-2')];
    const mixed = verify({ ...d1, entries: [...d1.entries, d2.entries.at(-1)!].sort((a, b) => a.position - b.position) });
    expect(mixed.stderr).toMatch(new RegExp(`AssertionError: position ${d2.entries.at(-1)!.position} is filed under deployment d-2`));

    await asSuperuser(db, (tx) => tx.query(`UPDATE ${schema}.ledger SET event = jsonb_set(event, '{data,n}', '999') WHERE position = 16`));
    const edited = await bundleOf('d-1');
    const withLeaf = verify(edited);
    expect(withLeaf.stderr).toMatch(/AssertionError: position 16: its bytes do not hash to its leaf hash/);
    const recomputed = verify({ ...edited, entries: edited.entries.map((e) => ({ ...e, leafHash: leafHashOfText(e.entry).toString('hex') })) });
    expect(recomputed.stderr).toMatch(/AssertionError: position 16: its proof does not lead to the signed root/);
    await asSuperuser(db, (tx) => tx.query(`UPDATE ${schema}.ledger SET event = jsonb_set(event, '{data,n}', '16') WHERE position = 16`));

    const other = generateKeyPair(origin);
    writeFileSync(join(dir, 'other-vkey'), `${other.verifierKey}\n`);
    writeFileSync(join(dir, 'bundle.json'), JSON.stringify(d1));
    const foreign = python(program(), 'bundle.json', 'other-vkey');
    expect(foreign.stderr).toMatch(/checkpoint not signed by deploy\.example\.com\/ledger\+/);
    expect(foreign.status).not.toBe(0);
  });
});
