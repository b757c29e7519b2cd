import { spawnSync } from 'node:child_process';
import { hash } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { EVENTS, SAMPLE_PAYLOADS, type EventName } from '@gantry/contracts';
import { Database, migrate, type SqlClient } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';
import { CompactRange, generateKeyPair, parseSigningKey, signCheckpoint, type StoredNode } from '@gantry/transparency-log';
import { appendToLedger, ledgerMigrations } from '../../services/records/src/ledger/ledger';
import { deploymentIdOf, entryText, leafHashOfText, LEDGER_GENESIS_HASH } from '../../services/records/src/ledger/ledger-entry';
import { LedgerLog } from '../../services/records/src/ledger/ledger-log';
import { proveEntry } from '../../services/records/src/ledger/ledger-proofs';
import { LedgerCheckpointer } from '../../services/records/src/ledger/ledger-checkpointer';
import { edgeBytes, readTreeHead } from '../../services/records/src/ledger/ledger-tree';
import { systemClock } from '@gantry/platform';
import type { Benchmark, BenchmarkResult } from '../benchmark';
import { latency, median, round, seeded, runFor } from '../measure';

/**
 * Records' ledger as a transparency log (issue 15), measured with records' own code: appends with the Merkle tree and
 * checkpoints against the same appends without them, inclusion proofs from a large ledger, and the offline verifier
 * (scripts/verify-ledger-export.js) on a large export. Entries are the contract's sample payloads in CloudEvents as
 * Gantry's publisher writes them (actor, correlation, stream version, event hash), about 1 KB each as a ledger line.
 * BENCH_LEDGER_ENTRIES (1,000,000) sets the size of the large ledger and export, BENCH_TLOG_PROOFS (10,000) the proofs.
 */
const ENTRIES = Number(process.env.BENCH_LEDGER_ENTRIES ?? 1_000_000);
const PROOFS = Number(process.env.BENCH_TLOG_PROOFS ?? 10_000);
const ORIGIN = 'bench.gantry.example/ledger';
const NAMES = Object.keys(SAMPLE_PAYLOADS) as EventName[];
const WRITERS = 8;

/** The n-th event: each contract sample in turn, about one of 2,000 deployments. */
function eventNumber(n: number): { topic: string; event: CloudEvent } {
  const name = NAMES[n % NAMES.length]!;
  const data = SAMPLE_PAYLOADS[name] as unknown as Record<string, unknown>;
  const deploymentId = `5b0e5a8e-2f0b-4c3e-9a57-${String(n % 2000).padStart(12, '0')}`;
  const { service, type, topic } = EVENTS[name];
  return {
    topic,
    event: {
      specversion: '1.0',
      id: `0b7c6a7e-5d1f-4f5e-8f7a-${String(n).padStart(12, '0')}`,
      source: `/gantry/${service}`,
      type,
      subject: deploymentId,
      time: '2026-11-23T04:19:49.001Z',
      datacontenttype: 'application/json',
      data: 'deploymentId' in data ? { ...data, deploymentId } : data,
      correlationid: 'c0ffee00-1234-4abc-8def-0123456789ab',
      actor: 'alice@example.com',
      actorroles: 'change-manager',
      actorchannel: 'rest',
      streamversion: 3,
      eventhash: 'ab'.repeat(32),
    } as CloudEvent,
  };
}

/** A ledger's signing key in a file of its own, as GANTRY_LEDGER_KEY_FILE names one. */
function keyFile(dir: string): { file: string; verifierKey: string } {
  const pair = generateKeyPair(ORIGIN);
  const file = join(dir, 'ledger-key');
  writeFileSync(file, pair.signingKey, { mode: 0o600 });
  return { file, verifierKey: pair.verifierKey };
}

export const ledgerAppends: Benchmark = {
  name: 'ledger-appends',
  title: "records' ledger: command-sized appends (1–3 entries a transaction, 8 concurrent writers) with the Merkle tree and checkpoints",
  goal: '≥ 0.95× the same appends without the tree and checkpoints',
  async run({ databaseUrl, rounds, durationMs, log }): Promise<BenchmarkResult> {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-ledger-'));
    const db = Database.connect(databaseUrl, { max: WRITERS });
    let checkpointer: LedgerCheckpointer | undefined;
    try {
      const schemas = { 'with tree and checkpoints': 'ledger_tree', 'without tree and checkpoints': 'ledger_chain' };
      for (const schema of Object.values(schemas)) await migrate(db, schema, ledgerMigrations);
      const key = keyFile(dir);
      const ledgerLog = new LedgerLog(schemas['with tree and checkpoints'], { origin: ORIGIN, keyFile: key.file, checkpointEveryEntries: 1000, checkpointEverySeconds: 10 });
      await ledgerLog.signingKey();
      // as in records: the checkpointer grows the tree and signs once an append that makes a checkpoint due commits,
      // and every 10 s; on the same pool and the same cores as the appends
      checkpointer = new LedgerCheckpointer(db, ledgerLog, systemClock);
      checkpointer.start();
      let next = 0;
      const contestants: Record<string, (tx: SqlClient, topic: string, event: CloudEvent, at: Date) => Promise<unknown>> = {
        'with tree and checkpoints': (tx, topic, event, at) => appendToLedger(tx, ledgerLog.schema, topic, event, at, ledgerLog),
        'without tree and checkpoints': (tx, topic, event, at) => appendToLedger(tx, schemas['without tree and checkpoints'], topic, event, at),
      };
      const results: Record<string, number[]> = {};
      for (let r = 0; r < rounds; r++) {
        for (const [name, append] of Object.entries(contestants)) {
          const measured = await runFor(durationMs, WRITERS, async (_, n) => {
            const count = 1 + (n % 3);
            await db.transaction(async (tx) => {
              for (let i = 0; i < count; i++) {
                const { topic, event } = eventNumber(next++);
                await append(tx, topic, event, new Date());
              }
            });
            return count;
          });
          (results[name] ??= []).push(measured.perSecond);
          log(`  round ${r + 1} ${name}: ${measured.perSecond} entries/s, p99 ${measured.p99Ms} ms`);
        }
      }
      // the tree the checkpointer grew while the appends ran: after the last due checkpoint, a last one covers the rest
      await checkpointer.settled();
      const made = await checkpointer.checkpointNow();
      const entries = Number((await db.query<{ n: string }>(`SELECT position AS n FROM ${ledgerLog.schema}.ledger_head`)).rows[0]!.n);
      if (!('made' in made || 'unchanged' in made) || (await readTreeHead(db, ledgerLog.schema)).size !== entries) throw new Error(`the tree does not cover the ${entries} entries: ${JSON.stringify(made)}`);
      const checkpoints = Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${ledgerLog.schema}.ledger_checkpoints`)).rows[0]!.n);
      const withTree = median(results['with tree and checkpoints']!);
      const without = median(results['without tree and checkpoints']!);
      return {
        unit: 'entries/s',
        measured: { 'with tree and checkpoints': { perSecond: withTree }, 'without tree and checkpoints': { perSecond: without }, 'checkpoints signed': checkpoints },
        ratios: { 'with ÷ without': round(withTree / without) },
        met: withTree / without >= 0.95,
      };
    } finally {
      await checkpointer?.onApplicationShutdown();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/**
 * A ledger of `count` entries as records keeps it (entries, every node of the tree, the head's compact range, a
 * checkpoint every 10,000 entries), written in bulk; and the export of it with the checkpoints as files.
 */
async function fillLedger(databaseUrl: string, schema: string, count: number, dir: string, log: (line: string) => void): Promise<{ verifierKey: string; exportFile: string; checkpointsDir: string; meanBytes: number }> {
  const started = performance.now();
  const db = Database.connect(databaseUrl, { max: 2 });
  const key = keyFile(dir);
  const signer = parseSigningKey(readFileSync(key.file, 'utf8'));
  if (!signer.ok) throw new Error(signer.reason);
  const exportFile = join(dir, 'export.ndjson');
  const checkpointsDir = join(dir, 'checkpoints');
  mkdirSync(checkpointsDir);
  const out = openSync(exportFile, 'w');
  try {
    await migrate(db, schema, ledgerMigrations);
    const tree = CompactRange.empty();
    let previousHash = LEDGER_GENESIS_HASH;
    let bytes = 0;
    const BATCH = 2000;
    for (let first = 1; first <= count; first += BATCH) {
      const rows: unknown[][] = [];
      const nodes: StoredNode[] = [];
      const lines: string[] = [];
      const checkpoints: unknown[][] = [];
      for (let position = first; position < Math.min(first + BATCH, count + 1); position++) {
        const { topic, event } = eventNumber(position);
        const entry = { format: 2 as const, position, topic, event, deploymentId: deploymentIdOf(event), recordedAt: '2026-11-23T04:19:49.004Z', previousHash };
        const text = entryText(entry);
        const leaf = leafHashOfText(text);
        const entryHash = leaf.toString('hex');
        nodes.push(...tree.append(leaf));
        rows.push([position, event.id, topic, event.type, entry.deploymentId, JSON.stringify(event), entry.recordedAt, previousHash, entryHash]);
        lines.push(text);
        bytes += Buffer.byteLength(text);
        previousHash = entryHash;
        if (position % 10_000 === 0 || position === count) {
          const note = signCheckpoint({ origin: ORIGIN, size: position, root: tree.root(), extensions: [] }, signer.value);
          checkpoints.push([position, Buffer.from(tree.root()), '2026-11-23T04:19:49.004Z', note]);
          writeFileSync(join(checkpointsDir, `${String(position).padStart(9, '0')}.txt`), note);
        }
      }
      writeSync(out, `${lines.join('\n')}\n`);
      const column = (table: unknown[][], i: number) => table.map((r) => r[i]);
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO ${schema}.ledger (position, event_id, topic, event_type, deployment_id, event, recorded_at, previous_hash, hash, format)
           SELECT *, 2 FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::timestamptz[], $8::text[], $9::text[])`,
          [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => column(rows, i)),
        );
        await tx.query(`INSERT INTO ${schema}.ledger_nodes (level, index, hash) SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])`, [
          nodes.map((n) => n.level),
          nodes.map((n) => n.index),
          nodes.map((n) => Buffer.from(n.hash)),
        ]);
        if (checkpoints.length > 0) {
          await tx.query(`INSERT INTO ${schema}.ledger_checkpoints (tree_size, root, made_at, note) SELECT * FROM unnest($1::bigint[], $2::bytea[], $3::timestamptz[], $4::text[])`, [0, 1, 2, 3].map((i) => column(checkpoints, i)));
        }
        await tx.query(`UPDATE ${schema}.ledger_head SET position = $1, hash = $2`, [tree.size, previousHash]);
        await tx.query(`UPDATE ${schema}.ledger_tree SET size = $1, edge = $2`, [tree.size, edgeBytes(tree)]);
      });
      if ((first - 1 + BATCH) % 100_000 === 0) log(`  filled ${first - 1 + BATCH} entries in ${Math.round((performance.now() - started) / 1000)} s`);
    }
    await db.query(`VACUUM (ANALYZE) ${schema}.ledger, ${schema}.ledger_nodes, ${schema}.ledger_checkpoints`);
    log(`  a ledger of ${count} entries (mean ${Math.round(bytes / count)} bytes), its tree and checkpoints, in ${Math.round((performance.now() - started) / 1000)} s`);
    return { verifierKey: key.verifierKey, exportFile, checkpointsDir, meanBytes: Math.round(bytes / count) };
  } finally {
    closeSync(out);
    await db.close();
  }
}



/** One benchmark for both: the ledger is filled once, then proofs are asked of it and its export is verified. */
export const ledgerProofsAndVerification: Benchmark = {
  name: 'ledger-proofs',
  title: "records' ledger of 1,000,000 entries: an entry's inclusion proof as GET /audit/proofs/inclusion makes it, and the offline verifier on its export",
  goal: 'proof p99 ≤ 5 ms; verification ≥ 200,000 entries/s',
  async run({ databaseUrl, rounds, log }): Promise<BenchmarkResult> {
    const dir = mkdtempSync(join(tmpdir(), 'gantry-bench-ledger-'));
    const schema = 'records';
    try {
      const filled = await fillLedger(databaseUrl, schema, ENTRIES, dir, log);
      const db = Database.connect(databaseUrl, { max: 1 });
      const random = seeded(15);
      const positions = Array.from({ length: PROOFS }, () => 1 + Math.floor(random() * ENTRIES));
      const proofs: number[] = [];
      try {
        for (let r = 0; r < rounds; r++) {
          for (const position of positions) {
            const t0 = performance.now();
            const proof = await proveEntry(db, schema, position);
            proofs.push(performance.now() - t0);
            if (!proof.ok || proof.value.checkpoint === null) throw new Error(`no proof of ${position}`);
          }
          log(`  round ${r + 1}: inclusion proof p99 ${latency(proofs).p99Ms} ms`);
        }
      } finally {
        await db.close();
      }

      const verifier = join(__dirname, '..', '..', 'scripts', 'verify-ledger-export.js');
      const rates: Record<string, number[]> = {};
      const cpuRates: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const t0 = performance.now();
        const run = spawnSync(process.execPath, [verifier, filled.exportFile, '--vkey', filled.verifierKey, '--checkpoints', filled.checkpointsDir], { encoding: 'utf8', maxBuffer: 1 << 20 });
        const seconds = (performance.now() - t0) / 1000;
        const result = JSON.parse(run.stdout || '{}') as { intact?: boolean; checked?: number; signedUpTo?: number };
        if (run.status !== 0 || result.checked !== ENTRIES || result.signedUpTo !== ENTRIES) throw new Error(`the verifier answered ${run.status}: ${run.stdout}${run.stderr}`);
        (rates['the offline verifier'] ??= []).push(ENTRIES / seconds);
        // the floor of any verifier, in this process: SHA-256 of each line, nothing else
        const lines = readFileSync(filled.exportFile);
        const cpu0 = process.cpuUsage();
        const t1 = performance.now();
        for (let start = 0; start < lines.length; ) {
          const end = lines.indexOf(0x0a, start);
          hash('sha256', lines.subarray(start, end), 'buffer');
          start = end + 1;
        }
        const floorSeconds = (performance.now() - t1) / 1000;
        const cpu = process.cpuUsage(cpu0);
        (rates['SHA-256 of each line alone, one thread'] ??= []).push(ENTRIES / floorSeconds);
        cpuRates.push(ENTRIES / ((cpu.user + cpu.system) / 1e6));
        log(`  round ${r + 1}: the offline verifier ${Math.round(ENTRIES / seconds)} entries/s; SHA-256 of each line alone ${Math.round(ENTRIES / floorSeconds)} entries/s`);
      }
      const proof = latency(proofs);
      const verified = median(rates['the offline verifier']!);
      const floor = median(rates['SHA-256 of each line alone, one thread']!);
      return {
        unit: 'entries/s',
        measured: {
          'inclusion proof (entry, checkpoint, one query for the nodes)': proof,
          'the offline verifier': { perSecond: round(verified, 0) },
          'SHA-256 of each line alone, one thread': { perSecond: round(floor, 0) },
          entries: ENTRIES,
          'mean entry bytes': filled.meanBytes,
          proofs: proofs.length,
        },
        ratios: { 'proof p99 ms': proof.p99Ms, 'verifier entries/s': round(verified, 0), 'verifier ÷ hashing alone': round(verified / floor) },
        met: proof.p99Ms <= 5 && verified >= 200_000,
      };
    } finally {
      const client = new Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
      await client.end();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
