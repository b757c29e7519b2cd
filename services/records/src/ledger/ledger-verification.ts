import { GENESIS_HASH, type SqlClient } from '@gantry/event-store';
import { LEDGER_COLUMNS, toLedgerEntry, type LedgerRow } from './ledger-rows';
import { CompactRange, sameHash, verifyCheckpoint, type CheckpointTrust, type Hash } from '@gantry/transparency-log';
import { checkpointsAfter } from './ledger-checkpoints';
import { deploymentIdOf, hashesOf } from './ledger-entry';
import { readTreeHead } from './ledger-tree';

/** What an auditor keeps: the ledger's head at some moment. Written `<position>:<hash>`. */
export interface LedgerDigest {
  position: number;
  hash: string;
}

export type LedgerVerification =
  | { intact: true; from: number; to: number; checked: number; signedUpTo?: number }
  | { intact: false; from: number; to: number; checked: number; firstBroken: { position: number; eventId: string | null; reason: string } };

export const formatDigest = (digest: LedgerDigest): string => `${digest.position}:${digest.hash}`;

export function parseDigest(text: string): LedgerDigest | undefined {
  const match = /^(\d{1,18}):([0-9a-f]{64})$/.exec(text);
  return match ? { position: Number(match[1]), hash: match[2] } : undefined;
}

export async function readLedgerHead(client: SqlClient, schema: string): Promise<LedgerDigest & { recordedAt: string | null }> {
  const head = await client.query<{ position: string; hash: string; recorded_at: Date | null }>(
    `SELECT h.position, h.hash, l.recorded_at FROM ${schema}.ledger_head h LEFT JOIN ${schema}.ledger l ON l.position = h.position`,
  );
  const row = head.rows[0];
  return { position: Number(row.position), hash: row.hash, recordedAt: row.recorded_at ? new Date(row.recorded_at).toISOString() : null };
}

const PAGE = 1000;

/**
 * Recomputes the chain over positions `from`..`to`: every entry must name the hash before it and hash to what it
 * stores, its columns must be what its hash covers, and positions must follow each other without gaps. From genesis it
 * also recomputes the Merkle tree: each stored leaf must be the entry's, the head's tree the entries', and, given the
 * log's key, every stored checkpoint must carry its signature and the root of the entries up to its size (a
 * checkpoint beyond the head names entries that are gone). `signedUpTo` is then the largest size a verified
 * checkpoint vouches for. Reads in pages, so any range runs in bounded memory.
 */
export async function verifyLedger(
  client: SqlClient,
  schema: string,
  range: { from?: number; to?: number } = {},
  trust?: CheckpointTrust,
  held: readonly HeldCheckpoint[] = [],
): Promise<LedgerVerification> {
  const head = await readLedgerHead(client, schema);
  const from = Math.max(1, range.from ?? 1);
  const to = Math.min(head.position, range.to ?? head.position);
  if (from > head.position) return broken(from, to, 0, from, null, `the ledger ends at position ${head.position}, before the range`);
  let previousHash = GENESIS_HASH;
  if (from > 1) {
    const before = await client.query<{ hash: string }>(`SELECT hash FROM ${schema}.ledger WHERE position = $1`, [from - 1]);
    if (before.rows.length === 0) return broken(from, to, 0, from - 1, null, 'the entry before the range is missing');
    previousHash = before.rows[0].hash;
  }
  const tree = from === 1 ? CompactRange.empty() : undefined;
  const signatures = tree && trust ? new SignedSizes(trust) : undefined;
  const treeSize = (await readTreeHead(client, schema)).size;
  let expected = from;
  let checked = 0;
  let formatBefore = from > 1 ? await formatAt(client, schema, from - 1) : 1;
  while (expected <= to) {
    const page = await client.query<LedgerRow>(`SELECT ${LEDGER_COLUMNS} FROM ${schema}.ledger WHERE position >= $1 AND position <= $2 ORDER BY position LIMIT ${PAGE}`, [expected, to]);
    if (page.rows.length === 0) return broken(from, to, checked, expected, null, 'entry missing');
    const last = Number(page.rows[page.rows.length - 1].position);
    const storedLeaves = await leavesOf(client, schema, expected, last);
    const checkpoints = signatures ? inSizeOrder(await checkpointsAfter(client, schema, expected - 1, Number.MAX_SAFE_INTEGER, last), held, expected, last) : [];
    for (const row of page.rows) {
      const entry = toLedgerEntry(row);
      if (entry.position !== expected) return broken(from, to, checked, expected, null, 'entry missing');
      const { leaf, hash } = hashesOf(entry);
      const problem = entryProblem(row, previousHash, formatBefore, hash) ?? leafProblem(storedLeaves.get(entry.position - 1), leaf, entry.position <= treeSize);
      if (problem) return broken(from, to, checked, entry.position, row.event_id, problem);
      tree?.push(leaf);
      while (checkpoints.length > 0 && checkpoints[0]!.treeSize === entry.position) {
        const unsigned = signatures!.check(checkpoints.shift()!, tree!.root());
        if (unsigned) return broken(from, to, checked + 1, unsigned.position, null, unsigned.reason);
      }
      formatBefore = entry.format;
      previousHash = entry.hash;
      expected++;
      checked++;
    }
  }
  if (tree && to === head.position) {
    const { tree: stored } = await readTreeHead(client, schema);
    if (stored.size === tree.size && !sameHash(stored.root(), tree.root())) return broken(from, to, checked, to, null, "the ledger head's tree is not the entries' tree");
    const [beyond] = signatures ? inSizeOrder(await checkpointsAfter(client, schema, to, 1), held, to + 1, Number.MAX_SAFE_INTEGER) : [];
    if (beyond) return broken(from, to, checked, to + 1, null, `the ledger ends at position ${to}, but the checkpoint of size ${beyond.treeSize} signed entries up to ${beyond.treeSize}`);
  }
  return { intact: true, from, to, checked, ...(signatures ? { signedUpTo: signatures.upTo } : {}) };
}

/**
 * A checkpoint an auditor kept (collected from the checkpoint topic, a directory or a witness): the signed note and the
 * size it says. The ledger is verified against it as against the ones records stored, so that checkpoints deleted from
 * the database, or a tail cut with its checkpoints, are still caught.
 */
export interface HeldCheckpoint {
  treeSize: number;
  note: string;
}

/** The stored and held checkpoints of sizes `first`..`last`, smallest first. */
const inSizeOrder = (stored: readonly HeldCheckpoint[], held: readonly HeldCheckpoint[], first: number, last: number): HeldCheckpoint[] =>
  [...stored, ...held.filter((c) => c.treeSize >= first && c.treeSize <= last)].sort((a, b) => a.treeSize - b.treeSize);

/**
 * The checkpoints an auditor gives, each opened with the log's key and origin (never a key a note names): the ones
 * that do not verify are refused by what they are, so that a caller knows which.
 */
export function heldCheckpoints(notes: readonly string[], trust: CheckpointTrust): { ok: true; value: HeldCheckpoint[] } | { ok: false; reason: string } {
  const held: HeldCheckpoint[] = [];
  for (const [n, note] of notes.entries()) {
    const opened = verifyCheckpoint(note, trust);
    if (!opened.ok) return { ok: false, reason: `checkpoints[${n}] does not verify with the log's key: ${opened.reason}` };
    held.push({ treeSize: opened.value.checkpoint.size, note });
  }
  return { ok: true, value: held };
}

/** The stored checkpoints met while the tree is recomputed: each must verify with the log's key and name its root. */
class SignedSizes {
  upTo = 0;

  constructor(private readonly trust: CheckpointTrust) {}

  /** Whether the checkpoint vouches for the tree as recomputed; if not, the first position it leaves unvouched. */
  check(checkpoint: HeldCheckpoint, root: Hash): { position: number; reason: string } | undefined {
    const unvouched = (reason: string) => ({ position: this.upTo + 1, reason });
    const opened = verifyCheckpoint(checkpoint.note, this.trust);
    if (!opened.ok) return unvouched(`the checkpoint of size ${checkpoint.treeSize} does not verify with the log's key: ${opened.reason}`);
    if (opened.value.checkpoint.size !== checkpoint.treeSize) return unvouched(`the checkpoint stored at size ${checkpoint.treeSize} is of size ${opened.value.checkpoint.size}`);
    if (!sameHash(opened.value.checkpoint.root, root)) {
      return unvouched(`the entries from position ${this.upTo + 1} to ${checkpoint.treeSize} are not those the checkpoint of size ${checkpoint.treeSize} signed`);
    }
    this.upTo = checkpoint.treeSize;
    return undefined;
  }
}

/**
 * What is wrong with one stored entry, given the hash before it and the hash its bytes give: the chain, its hash, and
 * the stored event against the columns its hash covers. A format-1 entry's deployment id and type were outside its
 * hash: they must be what the event it hashed gives.
 */
function entryProblem(row: LedgerRow, previousHash: string, formatBefore: number, hash: string): string | undefined {
  const entry = toLedgerEntry(row);
  if (entry.previousHash !== previousHash) return 'previous hash does not match the entry before it';
  if (entry.format < formatBefore) return `a format-${entry.format} entry after a format-${formatBefore} one`;
  if (row.event.id !== row.event_id) return 'event id column differs from the event';
  if (row.event.type !== row.event_type) return 'event type column differs from the event';
  if (entry.format === 1 && deploymentIdOf(row.event) !== row.deployment_id) return "deployment id column differs from the event's deployment";
  if (hash !== entry.hash) return 'content does not match its hash';
  return undefined;
}

/** The tree's stored leaf must be the entry's (after an upgrade, the tree may not have reached the entry yet). */
function leafProblem(stored: Buffer | undefined, leaf: Buffer, inTree: boolean): string | undefined {
  if (!stored) return inTree ? "the tree has no leaf for the entry" : undefined;
  return stored.equals(leaf) ? undefined : "the tree's leaf is not the entry's";
}

async function leavesOf(client: SqlClient, schema: string, first: number, last: number): Promise<Map<number, Buffer>> {
  const rows = await client.query<{ index: string; hash: Buffer }>(`SELECT index, hash FROM ${schema}.ledger_nodes WHERE level = 0 AND index >= $1 AND index <= $2`, [first - 1, last - 1]);
  return new Map(rows.rows.map((row) => [Number(row.index), row.hash]));
}

async function formatAt(client: SqlClient, schema: string, position: number): Promise<number> {
  const row = await client.query<{ format: number }>(`SELECT format FROM ${schema}.ledger WHERE position = $1`, [position]);
  return row.rows[0]?.format ?? 1;
}

/** Proves that the ledger up to a digest kept earlier is unchanged: the chain verifies up to it and ends in its hash. */
export async function verifyDigest(client: SqlClient, schema: string, digest: LedgerDigest, trust?: CheckpointTrust, held: readonly HeldCheckpoint[] = []): Promise<LedgerVerification> {
  if (digest.position === 0) {
    return digest.hash === GENESIS_HASH ? { intact: true, from: 1, to: 0, checked: 0 } : broken(1, 0, 0, 0, null, 'an empty ledger has the genesis hash');
  }
  const result = await verifyLedger(client, schema, { from: 1, to: digest.position }, trust, held);
  if (!result.intact) return result;
  if (result.to < digest.position) return broken(1, digest.position, result.checked, result.to + 1, null, 'the ledger is shorter than the digest');
  const at = await client.query<{ hash: string; event_id: string }>(`SELECT hash, event_id FROM ${schema}.ledger WHERE position = $1`, [digest.position]);
  if (at.rows[0]?.hash !== digest.hash) return broken(1, digest.position, result.checked, digest.position, at.rows[0]?.event_id ?? null, 'the entry at the digest has another hash');
  return result;
}

const broken = (from: number, to: number, checked: number, position: number, eventId: string | null, reason: string): LedgerVerification => ({
  intact: false,
  from,
  to,
  checked,
  firstBroken: { position, eventId, reason },
});
