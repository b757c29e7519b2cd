import { COMMUNICATIONS_TOPICS, topicOfEvent, TRANSPARENCY_TOPICS, type Service } from '@gantry/contracts';
import { eventPages, type EventStore, type SqlClient } from '@gantry/event-store';
import { matchWithLedger, type LedgeredSource } from './ledgered-source';

interface SourceRow {
  position: string;
  event_id: string;
  event_type: string;
  source: string | null;
  stream: string | null;
  stream_version: number | null;
  source_event_hash: string | null;
}

const SOURCE_COLUMNS = `position, event_id, event_type, event->>'source' AS source, event->>'subject' AS stream,
  CASE WHEN jsonb_typeof(event->'streamversion') = 'number' THEN (event->>'streamversion')::int END AS stream_version,
  event->>'eventhash' AS source_event_hash`;

const toLedgeredSource = (row: SourceRow): LedgeredSource => ({
  ledgerPosition: Number(row.position),
  eventId: row.event_id,
  source: row.source,
  type: row.event_type,
  stream: row.stream,
  streamVersion: row.stream_version,
  sourceEventHash: row.source_event_hash,
});

/** An event of the store, named as an auditor looks it up: in the store (stream, version, position) and in the ledger. */
export interface SourceEventAt {
  eventId: string;
  streamId: string;
  streamVersion: number;
  storePosition: string;
}

export interface SourceComparison {
  service: Service;
  /** no event contradicts the ledger's record of it, and the store holds every event the ledger recorded from it */
  intact: boolean;
  /** the store's events compared (every one committed when the walk reached it) */
  checked: number;
  matched: number;
  mismatches: number;
  firstMismatch?: SourceEventAt & { ledgerPosition: number; reason: string };
  /** recorded before events carried their store hash: neither vouched for nor contradicted */
  notComparable: number;
  /** events the ledger does not hold (yet): the newest are on their way through the publisher and records' consumer */
  notInLedger: { count: number; first?: SourceEventAt };
  /** events the ledger recorded from this service that its store no longer holds */
  missingFromStore: { count: number; first?: { ledgerPosition: number; eventId: string; type: string; stream: string | null; streamVersion: number | null } };
}

const PAGE = 1000;

/**
 * Where events go that the ledger never takes in: records' announcements of its own checkpoints (each ledgered would
 * grow the tree it signs), and its notices to stakeholders (derived from ledgered events, kept in records' own
 * hash-chained store).
 */
const NOT_LEDGERED: ReadonlySet<string> = new Set([...Object.values(TRANSPARENCY_TOPICS), ...Object.values(COMMUNICATIONS_TOPICS)]);

/**
 * Compares a service's event store with the ledger's record of each of its events (by event id): every event the store
 * holds against its entry, then every entry from the service against the store. Records reads the service's events
 * table read-only for this (they share one database, in other schemas). Pages of 1000, so any store runs in bounded
 * memory. The ledger itself is vouched for by /audit/verify and its signed checkpoints, not here.
 */
export async function compareWithLedger(service: Service, store: EventStore, ledger: SqlClient, ledgerSchema: string): Promise<SourceComparison> {
  const report: SourceComparison = { service, intact: true, checked: 0, matched: 0, mismatches: 0, notComparable: 0, notInLedger: { count: 0 }, missingFromStore: { count: 0 } };
  for await (const events of eventPages(store, PAGE)) {
    const { rows } = await ledger.query<SourceRow>(`SELECT ${SOURCE_COLUMNS} FROM ${ledgerSchema}.ledger WHERE event_id = ANY($1::text[])`, [events.map((e) => e.id)]);
    const records = new Map(rows.map((row) => [row.event_id.toLowerCase(), toLedgeredSource(row)]));
    for (const event of events) {
      if (NOT_LEDGERED.has(topicOfEvent(event.type) ?? '')) continue;
      report.checked += 1;
      const at: SourceEventAt = { eventId: event.id, streamId: event.streamId, streamVersion: event.streamVersion, storePosition: event.position };
      const record = records.get(event.id.toLowerCase());
      if (!record) {
        report.notInLedger.count += 1;
        report.notInLedger.first ??= at;
        continue;
      }
      const match = matchWithLedger(service, event, record);
      if (match.kind === 'matches') report.matched += 1;
      else if (match.kind === 'not-comparable') report.notComparable += 1;
      else {
        report.mismatches += 1;
        report.firstMismatch ??= { ...at, ledgerPosition: record.ledgerPosition, reason: match.reason };
      }
    }
  }
  for (let after = 0; ; ) {
    const { rows } = await ledger.query<SourceRow>(
      `SELECT ${SOURCE_COLUMNS} FROM ${ledgerSchema}.ledger WHERE position > $1 AND event->>'source' = $2 ORDER BY position LIMIT ${PAGE}`,
      [after, `/gantry/${service}`],
    );
    const recorded = await store.recordedIds(rows.map((row) => row.event_id));
    for (const entry of rows.map(toLedgeredSource)) {
      if (recorded.has(entry.eventId.toLowerCase())) continue;
      report.missingFromStore.count += 1;
      report.missingFromStore.first ??= { ledgerPosition: entry.ledgerPosition, eventId: entry.eventId, type: entry.type, stream: entry.stream, streamVersion: entry.streamVersion };
    }
    if (rows.length < PAGE) break;
    after = Number(rows[rows.length - 1]!.position);
  }
  report.intact = report.mismatches === 0 && report.missingFromStore.count === 0;
  return report;
}
