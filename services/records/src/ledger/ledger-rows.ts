import type { CloudEvent } from '@gantry/messaging';
import type { LedgerFormat, StoredLedgerEntry } from './ledger-entry';

/** The columns an entry is read from; `LEDGER_COLUMNS` selects them. */
export interface LedgerRow {
  position: string;
  format: number;
  event_id: string;
  event_type: string;
  topic: string;
  event: CloudEvent;
  deployment_id: string | null;
  recorded_at: Date;
  previous_hash: string;
  hash: string;
}

export const LEDGER_COLUMNS = 'position, format, event_id, event_type, topic, event, deployment_id, recorded_at, previous_hash, hash';

/**
 * An entry as its columns hold it. The event's id and type are the columns' (which the entry's hash covers), so what
 * projections and auditors read is what is hashed; verification also checks the stored event agrees with them.
 */
export const toLedgerEntry = (row: LedgerRow): StoredLedgerEntry => ({
  format: row.format as LedgerFormat,
  position: Number(row.position),
  topic: row.topic,
  event: { ...row.event, id: row.event_id, type: row.event_type },
  deploymentId: row.deployment_id,
  recordedAt: new Date(row.recorded_at).toISOString(),
  previousHash: row.previous_hash,
  hash: row.hash,
});
