import { GENESIS_HASH, type SqlClient } from '@gantry/event-store';
import { ledgerHash, toLedgerEntry, type LedgerEntry } from './ledger';

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
 * stores, and positions must follow each other without gaps. Reads in pages, so any range runs in bounded memory.
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
  while (expected <= to) {
    const page = await client.query<Parameters<typeof toLedgerEntry>[0] & { event_id: string }>(
      `SELECT position, event_id, topic, event, deployment_id, recorded_at, previous_hash, hash FROM ${schema}.ledger
       WHERE position >= $1 AND position <= $2 ORDER BY position LIMIT ${PAGE}`,
      [expected, to],
    );
    if (page.rows.length === 0) return broken(from, to, checked, expected, null, 'entry missing');
    for (const row of page.rows) {
      const entry: LedgerEntry = toLedgerEntry(row);
      if (entry.position !== expected) return broken(from, to, checked, expected, null, 'entry missing');
      if (entry.previousHash !== previousHash) return broken(from, to, checked, entry.position, row.event_id, 'previous hash does not match the entry before it');
      if (row.event_id !== entry.event.id) return broken(from, to, checked, entry.position, row.event_id, 'event id column differs from the event');
      if (ledgerHash(previousHash, entry) !== entry.hash) return broken(from, to, checked, entry.position, row.event_id, 'content does not match its hash');
      previousHash = entry.hash;
      expected++;
      checked++;
    }
  }
  return { intact: true, from, to, checked };
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
