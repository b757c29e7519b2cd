// The ledger export under load: fills records' ledger with N events (default 200,000), exports it over HTTP from the
// records service running as its own process, samples that process's memory (/proc/<pid>/status VmRSS, VmHWM) while
// it streams, and verifies the export offline with scripts/verify-ledger-export.js against the digest.
//   node -r @swc-node/register bench/ledger-export.ts [--events 200000] [--format ndjson|csv] [--heap <MiB>] [--keep]
// --heap caps the service's V8 old space (--max-old-space-size): an export that held the range would fail under it.
// Needs PostgreSQL (GANTRY_TEST_PG_ADMIN_URL, default postgres://postgres@127.0.0.1:5432/postgres); Linux (/proc).
// Prints one JSON document of measurements; exit 1 if the export does not verify.
import { mintToken } from '@gantry/auth';
import { EVENTS, SAMPLE_PAYLOADS, type EventName } from '@gantry/contracts';
import { Database } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';
import { createTestDatabase } from '@gantry/testing';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { childEnv, startGantryProcess } from '../e2e/support/processes';
import { ensureLedgerKey } from './ledger-key';
import { hashesOf } from '../services/records/src/ledger/ledger-entry';

const SECRET = 'bench-secret-that-is-long-enough-for-hs256';
const root = join(__dirname, '..');
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const total = Number(option('events', '200000'));
const format = option('format', 'ndjson');
const heap = option('heap', '');

const memoryOf = (pid: number) => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMiB: kib('VmRSS') / 1024, hwmMiB: kib('VmHWM') / 1024 };
};

/** Realistic events: the contract's sample of each event in turn, each about one of 2,000 deployments. */
const NAMES = Object.keys(SAMPLE_PAYLOADS) as EventName[];
const eventNumber = (n: number) => {
  const name = NAMES[n % NAMES.length];
  const data = SAMPLE_PAYLOADS[name] as unknown as Record<string, unknown>;
  const deploymentId = `00000000-0000-4000-8000-${String(n % 2000).padStart(12, '0')}`;
  return {
    topic: EVENTS[name].topic,
    event: {
      specversion: '1.0',
      id: randomUUID(),
      source: `/gantry/${EVENTS[name].service}`,
      type: EVENTS[name].type,
      subject: deploymentId,
      time: new Date(Date.UTC(2026, 11, 1) + n * 1000).toISOString(),
      datacontenttype: 'application/json',
      data: 'deploymentId' in data ? { ...data, deploymentId } : data,
    },
    deploymentId: 'deploymentId' in data ? deploymentId : null,
  };
};

/** Appends like the ledger writer does (hash chain under the head's lock), a thousand entries per statement for speed. */
async function fill(db: Database, count: number) {
  for (let start = 1; start <= count; start += 1000) {
    await db.transaction(async (tx) => {
      const head = (await tx.query<{ position: string; hash: string }>('SELECT position, hash FROM records.ledger_head FOR UPDATE')).rows[0];
      let previous = head.hash;
      const rows: unknown[][] = [];
      for (let n = start; n < Math.min(start + 1000, count + 1); n++) {
        const { topic, event, deploymentId } = eventNumber(n);
        const entry = { format: 2 as const, position: Number(head.position) + rows.length + 1, topic, event: event as CloudEvent, deploymentId, recordedAt: new Date().toISOString(), previousHash: previous };
        const { hash } = hashesOf(entry);
        rows.push([entry.position, event.id, topic, event.type, deploymentId, JSON.stringify(event), entry.recordedAt, previous, hash]);
        previous = hash;
      }
      const column = (i: number) => rows.map((r) => r[i]);
      await tx.query(
        `INSERT INTO records.ledger (position, event_id, topic, event_type, deployment_id, event, recorded_at, previous_hash, hash, format)
         SELECT *, 2 FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::timestamptz[], $8::text[], $9::text[])`,
        [0, 1, 2, 3, 4, 5, 6, 7, 8].map(column),
      );
      await tx.query('UPDATE records.ledger_head SET position = $1, hash = $2', [rows[rows.length - 1][0], previous]);
    });
  }
}

async function main() {
  ensureLedgerKey();
  const database = await createTestDatabase('gantry_bench_ledger');
  const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-'));
  const records = await startGantryProcess(
    'records',
    'services/records/src/main.ts',
    childEnv({ DATABASE_URL: database.url, GANTRY_JWT_SECRET: SECRET, GANTRY_DATA_DIR: dir, LOG_LEVEL: 'warn', ...(heap ? { NODE_OPTIONS: `--max-old-space-size=${Number(heap)}` } : {}) }),
    { timeoutMs: 60_000 },
  );
  const { url, child } = records;
  const db = Database.connect(database.url, { max: 2 });
  try {
    const fillStarted = Date.now();
    await fill(db, total);
    const fillMs = Date.now() - fillStarted;
    const token = await mintToken(SECRET, { sub: 'bench.auditor', roles: ['auditor'] });
    const headers = { authorization: `Bearer ${token}` };
    const digest = ((await (await fetch(`${url}/audit/digest`, { headers })).json()) as { digest: string }).digest;

    const before = memoryOf(child.pid!);
    let peakRss = before.rssMiB;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, memoryOf(child.pid!).rssMiB)), 50);
    const file = join(dir, `export.${format}`);
    const exportStarted = Date.now();
    const response = await fetch(`${url}/audit/export?format=${format}`, { headers });
    if (response.status !== 200 || !response.body) throw new Error(`export answered ${response.status}`);
    await pipeline(Readable.fromWeb(response.body as never), createWriteStream(file));
    const exportMs = Date.now() - exportStarted;
    clearInterval(sampler);
    const after = memoryOf(child.pid!);

    const verifyStarted = Date.now();
    const verified = format === 'ndjson' ? spawnSync(process.execPath, [join(root, 'scripts/verify-ledger-export.js'), file, '--digest', digest], { encoding: 'utf8' }) : undefined;
    const result = {
      events: total,
      format,
      serviceHeapLimitMiB: heap ? Number(heap) : 'V8 default',
      fillSeconds: fillMs / 1000,
      exportSeconds: exportMs / 1000,
      exportMiB: Math.round((statSync(file).size / 1048576) * 10) / 10,
      eventsPerSecond: Math.round(total / (exportMs / 1000)),
      recordsRss: { beforeExportMiB: round(before.rssMiB), peakDuringExportMiB: round(Math.max(peakRss, after.rssMiB)), afterExportMiB: round(after.rssMiB) },
      recordsVmHWM: { beforeExportMiB: round(before.hwmMiB), afterExportMiB: round(after.hwmMiB) },
      offlineVerification: verified ? { exitCode: verified.status, seconds: (Date.now() - verifyStarted) / 1000, ...JSON.parse(verified.stdout || '{}') } : 'only NDJSON is verified offline',
      digest,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (verified && verified.status !== 0) process.exitCode = 1;
  } finally {
    await records.stop();
    await db.close();
    if (!args.includes('--keep')) {
      rmSync(dir, { recursive: true, force: true });
      await database.drop();
    }
  }
}

const round = (mib: number) => Math.round(mib * 10) / 10;

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
