import { GENESIS_HASH, type SqlClient } from '@gantry/event-store';
import { LEDGER_COLUMNS, toLedgerEntry, type LedgerRow } from './ledger';
import { deploymentIdOf, hashesOf } from './ledger-entry';

/** What an auditor keeps: the ledger's head at some moment. Written `<position>:<hash>`. */
export interface LedgerDigest {
  position: number;
  hash: string;
}

export type LedgerVerification =
  | { intact: true; from: number; to: number; checked: number }
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
 * stores, its columns must be what its hash covers, and positions must follow each other without gaps. Reads in pages, so any range runs in bounded memory.
 */
export async function verifyLedger(client: SqlClient, schema: string, range: { from?: number; to?: number } = {}): Promise<LedgerVerification> {
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
  let expected = from;
  let checked = 0;
  let formatBefore = from > 1 ? await formatAt(client, schema, from - 1) : 1;
  while (expected <= to) {
    const page = await client.query<LedgerRow>(`SELECT ${LEDGER_COLUMNS} FROM ${schema}.ledger WHERE position >= $1 AND position <= $2 ORDER BY position LIMIT ${PAGE}`, [expected, to]);
    if (page.rows.length === 0) return broken(from, to, checked, expected, null, 'entry missing');
    for (const row of page.rows) {
      const entry = toLedgerEntry(row);
      if (entry.position !== expected) return broken(from, to, checked, expected, null, 'entry missing');
      const problem = entryProblem(row, previousHash, formatBefore);
      if (problem) return broken(from, to, checked, entry.position, row.event_id, problem);
      formatBefore = entry.format;
      previousHash = entry.hash;
      expected++;
      checked++;
    }
  }
  return { intact: true, from, to, checked };
}

/**
 * What is wrong with one stored entry, given the hash before it: the chain, the hash of its bytes, and the stored
 * event against the columns its hash covers. A format-1 entry's deployment id and type were outside its hash: they
 * must be what the event it hashed gives.
 */
function entryProblem(row: LedgerRow, previousHash: string, formatBefore: number): string | undefined {
  const entry = toLedgerEntry(row);
  if (entry.previousHash !== previousHash) return 'previous hash does not match the entry before it';
  if (entry.format < formatBefore) return `a format-${entry.format} entry after a format-${formatBefore} one`;
  if (row.event.id !== row.event_id) return 'event id column differs from the event';
  if (row.event.type !== row.event_type) return 'event type column differs from the event';
  if (entry.format === 1 && deploymentIdOf(row.event) !== row.deployment_id) return "deployment id column differs from the event's deployment";
  if (hashesOf(entry).hash !== entry.hash) return 'content does not match its hash';
  return undefined;
}

async function formatAt(client: SqlClient, schema: string, position: number): Promise<number> {
  const row = await client.query<{ format: number }>(`SELECT format FROM ${schema}.ledger WHERE position = $1`, [position]);
  return row.rows[0]?.format ?? 1;
}

/** Proves that the ledger up to a digest kept earlier is unchanged: the chain verifies up to it and ends in its hash. */
export async function verifyDigest(client: SqlClient, schema: string, digest: LedgerDigest): Promise<LedgerVerification> {
  if (digest.position === 0) {
    return digest.hash === GENESIS_HASH ? { intact: true, from: 1, to: 0, checked: 0 } : broken(1, 0, 0, 0, null, 'an empty ledger has the genesis hash');
  }
  const result = await verifyLedger(client, schema, { from: 1, to: digest.position });
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
