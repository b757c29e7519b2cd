import { Client } from 'pg';
import { SAMPLE_PAYLOADS } from '../../contracts/src/samples.fixture';
import {
  assemble,
  CompactRange,
  generateKeyPair,
  leafHash,
  MerkleTree,
  nodeHashesOf,
  nodesOf,
  parseSigningKey,
  planInclusion,
  sameHash,
  signCheckpoint,
  verifyCheckpoint,
  verifyInclusion,
  type Hash,
} from '@gantry/transparency-log';
import { latency, median, round, seeded } from '../measure';
import type { Benchmark, BenchmarkResult } from '../benchmark';

/**
 * The transparency log's two goals of quality.md: an inclusion proof of one entry of a 1,000,000-entry ledger
 * (p99 ≤ 5 ms) and the offline verification of a 1,000,000-entry export (≥ 200,000 entries/s). The entries are
 * ledger-entry-sized byte strings: an export line (position, topic, recordedAt, deployment id and the CloudEvent with
 * actor and correlation) around each contract sample payload in turn, about 700 bytes on average, with the position
 * written into each. BENCH_TLOG_ENTRIES (1,000,000) sets the size, BENCH_TLOG_PROOFS (10,000) the proofs timed.
 */
const ENTRIES = Number(process.env.BENCH_TLOG_ENTRIES ?? 1_000_000);
const PROOFS = Number(process.env.BENCH_TLOG_PROOFS ?? 10_000);
const ORIGIN = 'bench.gantry.example/ledger';
const POSITION_DIGITS = 12;

/** One template per sample payload; `entryAt(i)` writes i's digits into the template's position field. */
function ledgerEntries(): { entryAt(i: number): Buffer; meanBytes: number } {
  const templates = Object.entries(SAMPLE_PAYLOADS).map(([type, data]) => {
    const line = JSON.stringify({
      position: '#'.repeat(POSITION_DIGITS),
      topic: 'gantry.planning.events',
      recordedAt: '2026-11-23T04:19:49.004Z',
      deploymentId: '5b0e5a8e-2f0b-4c3e-9a57-3f5d2f3e8d10',
      event: {
        specversion: '1.0',
        id: '0b7c6a7e-5d1f-4f5e-8f7a-2c3d4e5f6a7b',
        source: 'gantry/planning',
        type: `gantry.planning.${type}.v1`,
        subject: '5b0e5a8e-2f0b-4c3e-9a57-3f5d2f3e8d10',
        time: '2026-11-23T04:19:49.001Z',
        datacontenttype: 'application/json',
        data,
        actor: { subject: 'alice@example.com', roles: ['change-manager'], channel: 'rest' },
        correlationid: 'c0ffee00-1234-4abc-8def-0123456789ab',
      },
    });
    const bytes = Buffer.from(line, 'utf8');
    return { bytes, at: bytes.indexOf('#'.repeat(POSITION_DIGITS)) };
  });
  const meanBytes = Math.round(templates.reduce((sum, t) => sum + t.bytes.length, 0) / templates.length);
  return {
    meanBytes,
    entryAt(i) {
      const { bytes, at } = templates[i % templates.length]!;
      for (let d = POSITION_DIGITS - 1, n = i; d >= 0; d--, n = Math.floor(n / 10)) bytes[at + d] = 0x30 + (n % 10);
      return bytes;
    },
  };
}



function buildTree(log: (line: string) => void) {
  const { entryAt, meanBytes } = ledgerEntries();
  const started = performance.now();
  const tree = new MerkleTree();
  for (let i = 0; i < ENTRIES; i++) tree.appendEntry(entryAt(i));
  log(`  built a tree of ${ENTRIES} entries (mean ${meanBytes} bytes) in ${Math.round(performance.now() - started)} ms`);
  return { tree, entryAt, meanBytes };
}

/** The node table a log in PostgreSQL would keep: one row per complete subtree. */
const NODE_TABLE = `
  CREATE SCHEMA IF NOT EXISTS bench_tlog;
  CREATE TABLE bench_tlog.nodes (level smallint NOT NULL, index bigint NOT NULL, hash bytea NOT NULL, PRIMARY KEY (level, index))`;
const NODES_OF_PROOF = `
  SELECT n.level, n.index, n.hash FROM bench_tlog.nodes n
  JOIN unnest($1::smallint[], $2::bigint[]) AS wanted(level, index) ON n.level = wanted.level AND n.index = wanted.index`;

async function fillNodeTable(client: Client, tree: MerkleTree, log: (line: string) => void): Promise<number> {
  const started = performance.now();
  await client.query(NODE_TABLE);
  let rows = 0;
  const batch: { level: number[]; index: number[]; hash: Buffer[] } = { level: [], index: [], hash: [] };
  const flush = async () => {
    await client.query('INSERT INTO bench_tlog.nodes SELECT * FROM unnest($1::smallint[], $2::bigint[], $3::bytea[])', [batch.level, batch.index, batch.hash]);
    rows += batch.level.length;
    batch.level = [];
    batch.index = [];
    batch.hash = [];
  };
  for (let level = 0, width = 1; width <= tree.size; level++, width *= 2) {
    for (let index = 0; index < Math.floor(tree.size / width); index++) {
      batch.level.push(level);
      batch.index.push(index);
      batch.hash.push(Buffer.from(tree.node(level, index)!));
      if (batch.level.length === 20_000) await flush();
    }
  }
  if (batch.level.length > 0) await flush();
  await client.query('VACUUM (ANALYZE) bench_tlog.nodes');
  log(`  stored ${rows} node hashes in PostgreSQL in ${Math.round(performance.now() - started)} ms`);
  return rows;
}

export const inclusionProof: Benchmark = {
  name: 'inclusion-proof',
  title: 'inclusion proof of one entry in a 1,000,000-entry ledger (transparency log)',
  goal: 'p99 ≤ 5 ms',
  async run({ databaseUrl, rounds, log }): Promise<BenchmarkResult> {
    const { tree, entryAt } = buildTree(log);
    const size = tree.size;
    const root = tree.root();
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const nodeRows = await fillNodeTable(client, tree, log);
      const random = seeded(15);
      const leaves = Array.from({ length: PROOFS }, () => Math.floor(random() * size));
      const times: Record<string, number[]> = { memory: [], postgres: [], verify: [] };
      let proofHashes = 0;
      let rowsRead = 0;
      for (let r = 0; r < rounds; r++) {
        for (const [n, index] of leaves.entries()) {
          let t0 = performance.now();
          const proof = tree.inclusionProof(index, size);
          times.memory!.push(performance.now() - t0);
          if (!proof.ok) throw new Error(proof.reason);
          // one in five leaves also from PostgreSQL: one query for the plan's nodes, then the same assembly
          if (n % 5 === 0) {
            t0 = performance.now();
            const plan = planInclusion(index, size);
            if (!plan.ok) throw new Error(plan.reason);
            const wanted = nodesOf(plan.value);
            const { rows } = await client.query<{ level: number; index: string; hash: Buffer }>({ name: 'tlog-nodes-of-proof', text: NODES_OF_PROOF, values: [wanted.map((w) => w.level), wanted.map((w) => w.index)] });
            const fromTable = assemble(plan.value, nodeHashesOf(rows.map((row) => ({ level: row.level, index: Number(row.index), hash: row.hash }))));
            times.postgres!.push(performance.now() - t0);
            if (!fromTable.ok || !fromTable.value.every((h, i) => sameHash(h, proof.value[i]!))) throw new Error(`the proof of leaf ${index} from PostgreSQL differs`);
            rowsRead += rows.length;
          }
          t0 = performance.now();
          const verified = verifyInclusion({ index, size, leafHash: leafHash(entryAt(index)), proof: proof.value, root });
          times.verify!.push(performance.now() - t0);
          if (!verified.ok) throw new Error(verified.reason);
          proofHashes += proof.value.length;
        }
        log(`  round ${r + 1}: memory p99 ${latency(times.memory!, 4).p99Ms} ms, PostgreSQL p99 ${latency(times.postgres!, 4).p99Ms} ms`);
      }
      const measured = {
        'proof from memory': latency(times.memory!, 4),
        'proof from PostgreSQL (one query)': latency(times.postgres!, 4),
        'verifying a proof (client)': latency(times.verify!, 4),
        entries: size,
        proofs: rounds * PROOFS,
        'hashes per proof': round(proofHashes / (rounds * PROOFS), 1),
        'node rows read per PostgreSQL proof': round(rowsRead / times.postgres!.length, 1),
        'node rows stored': nodeRows,
      };
      const memory = latency(times.memory!, 4).p99Ms;
      const postgres = latency(times.postgres!, 4).p99Ms;
      return { unit: 'ms', measured, ratios: { 'memory p99 ms': memory, 'PostgreSQL p99 ms': postgres }, met: memory <= 5 && postgres <= 5 };
    } finally {
      await client.query('DROP SCHEMA IF EXISTS bench_tlog CASCADE').catch(() => undefined);
      await client.end();
    }
  },
};

/** Recomputes the tree of an export entry by entry, checks the root at each checkpoint held, verifies the last one. */
function recomputeTree(entryAt: (i: number) => Buffer, checkpoints: Map<number, Hash>, lastNote: string, trust: Parameters<typeof verifyCheckpoint>[1]): void {
  const range = CompactRange.empty();
  const sizes = [...checkpoints.keys()].sort((a, b) => a - b);
  for (let i = 0, next = 0; i < ENTRIES; i++) {
    range.push(leafHash(entryAt(i)));
    if (i + 1 !== sizes[next]) continue;
    if (!sameHash(range.root(), checkpoints.get(i + 1)!)) throw new Error(`the export's tree of ${i + 1} entries does not have the checkpoint's root`);
    next += 1;
  }
  const last = verifyCheckpoint(lastNote, trust);
  if (!last.ok) throw new Error(last.reason);
  if (last.value.checkpoint.size !== ENTRIES || !sameHash(range.root(), last.value.checkpoint.root)) throw new Error('the export does not match the last checkpoint');
}

/** The floor of any verifier that hashes each entry: SHA-256 of every entry, nothing else. */
function hashEachEntry(entryAt: (i: number) => Buffer): void {
  let last: Hash | undefined;
  for (let i = 0; i < ENTRIES; i++) last = leafHash(entryAt(i));
  if (!last) throw new Error('no entries');
}

export const offlineVerification: Benchmark = {
  name: 'offline-verification',
  title: 'offline verification of a 1,000,000-entry export: the Merkle tree recomputed, checked against its checkpoints (transparency log)',
  goal: '≥ 200,000 entries/s',
  async run({ rounds, log }): Promise<BenchmarkResult> {
    const { entryAt, meanBytes } = ledgerEntries();
    const logKey = parseSigningKey(generateKeyPair(ORIGIN).signingKey);
    if (!logKey.ok) throw new Error(logKey.reason);
    // the export's checkpoints, one every 10,000 entries, as an auditor would have collected them
    const checkpoints = new Map<number, Hash>();
    const range = CompactRange.empty();
    for (let i = 0; i < ENTRIES; i++) {
      range.push(leafHash(entryAt(i)));
      if ((i + 1) % 10_000 === 0) checkpoints.set(i + 1, range.root());
    }
    const lastNote = signCheckpoint({ origin: ORIGIN, size: ENTRIES, root: range.root(), extensions: [] }, logKey.value);
    const trust = { origin: ORIGIN, logKeys: [logKey.value.verifierKey] };
    const contestants = { 'recompute the tree': () => recomputeTree(entryAt, checkpoints, lastNote, trust), 'SHA-256 of each entry only': () => hashEachEntry(entryAt) };
    const rates: Record<string, { wall: number[]; cpu: number[] }> = {};
    for (let r = 0; r < rounds; r++) {
      for (const [name, run] of Object.entries(contestants)) {
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        run();
        const wallS = (performance.now() - t0) / 1000;
        const cpu = process.cpuUsage(cpu0);
        const cpuS = (cpu.user + cpu.system) / 1e6;
        (rates[name] ??= { wall: [], cpu: [] }).wall.push(ENTRIES / wallS);
        rates[name]!.cpu.push(ENTRIES / cpuS);
        log(`  round ${r + 1} ${name}: ${Math.round(ENTRIES / wallS)} entries/s (${Math.round(ENTRIES / cpuS)} per CPU-second)`);
      }
    }
    const tree = median(rates['recompute the tree']!.wall);
    const floor = median(rates['SHA-256 of each entry only']!.wall);
    return {
      unit: 'entries/s',
      measured: {
        'recompute the tree': { perSecond: round(tree, 0) },
        'recompute the tree, per CPU-second': round(median(rates['recompute the tree']!.cpu), 0),
        'SHA-256 of each entry only': { perSecond: round(floor, 0) },
        entries: ENTRIES,
        'mean entry bytes': meanBytes,
        'checkpoints checked': checkpoints.size + 1,
      },
      ratios: { 'entries/s': round(tree, 0), 'tree ÷ hashing alone': round(tree / floor) },
      met: tree >= 200_000,
    };
  },
};
