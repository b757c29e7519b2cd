import type { SqlClient } from '@gantry/event-store';
import { LEDGER_COLUMNS, toLedgerEntry, type LedgerRow } from './ledger-rows';
import { entryText, type LedgerEntry, type StoredLedgerEntry } from './ledger-entry';

export type ExportFormat = 'ndjson' | 'csv';

/** An entry as gRPC's ExportEvents sends it: the event, where it came from, and its chain links. */
export const exportRecord = (entry: LedgerEntry) => ({
  position: entry.position,
  recordedAt: entry.recordedAt,
  topic: entry.topic,
  event: entry.event,
  previousHash: entry.previousHash,
  hash: entry.hash,
});

export const CSV_HEADER = 'position,recorded_at,topic,type,event_id,deployment_id,previous_hash,hash,event\n';

const csvField = (value: string | number | null): string => {
  const text = value === null ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * One line of an export. NDJSON: the entry's bytes themselves (ledger-entry.ts, docs/ledger.md), so a verifier hashes
 * the line as it is; CSV: the columns, for reading.
 */
export const formatLine = (entry: StoredLedgerEntry, format: ExportFormat): string =>
  format === 'ndjson'
    ? `${entryText(entry)}\n`
    : `${[entry.position, entry.recordedAt, entry.topic, entry.event.type, entry.event.id, entry.deploymentId, entry.previousHash, entry.hash, JSON.stringify(entry.event)].map(csvField).join(',')}\n`;

const PAGE = 500;

/**
 * Pages through the ledger by position, so an export of any range holds one page in memory at a time.
 * Positions only grow and entries never change, so keyset paging is consistent without a long transaction.
 */
export async function* ledgerPages(client: SqlClient, schema: string, range: { from: number; to?: number }): AsyncGenerator<StoredLedgerEntry[]> {
  let next = range.from;
  for (;;) {
    const rows = await client.query<LedgerRow>(
      `SELECT ${LEDGER_COLUMNS} FROM ${schema}.ledger
       WHERE position >= $1 AND ($2::bigint IS NULL OR position <= $2) ORDER BY position LIMIT ${PAGE}`,
      [next, range.to ?? null],
    );
    if (rows.rows.length === 0) return;
    const entries = rows.rows.map(toLedgerEntry);
    yield entries;
    next = entries[entries.length - 1].position + 1;
    if (rows.rows.length < PAGE) return;
  }
}

/** The one flow-controlled write of every export (libs/platform), used by the ledger's HTTP and gRPC exports. */
export { writeWhenDrained, type ExportSink } from '@gantry/platform';
