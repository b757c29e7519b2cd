import type { LedgerCheckpointSigned } from '@gantry/contracts';
import type { EventStore, SqlClient } from '@gantry/event-store';
import { actingOnItsOwn } from '@gantry/platform';
import { createHash } from 'node:crypto';

/**
 * The stream of a log's announced checkpoints in records' event store: one per origin, so that on
 * gantry.ledger.checkpoints.v1 they are keyed by the origin and arrive in the order they were signed.
 */
export const checkpointStream = (origin: string) => ({ streamId: `LedgerCheckpoints-${origin}`, streamType: 'LedgerCheckpoints' });

/**
 * The same note is the same event: its id is derived from the note (an RFC 9562 version-8 UUID of its SHA-256), so a
 * repeated announcement is recorded once. Written as PostgreSQL reads a uuid back, since the event's hash covers it.
 */
const announcementId = (note: string): string => {
  const h = createHash('sha256').update(note, 'utf8').digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/**
 * Records LedgerCheckpointSigned in records' event store, in the transaction that stores the checkpoint: the events
 * table is the outbox, so the publisher sends every checkpoint made, at least once, even when the process dies right
 * after the commit. The caller holds the ledger head's lock, which orders the stream's appends.
 */
export async function announceCheckpoint(outbox: EventStore, tx: SqlClient, data: LedgerCheckpointSigned): Promise<void> {
  const { streamId, streamType } = checkpointStream(data.origin);
  const id = announcementId(data.note);
  const version = await outbox.streamVersion(streamId, tx);
  await outbox.append(tx, streamId, streamType, version, [{ id, type: 'LedgerCheckpointSigned', data, metadata: actingOnItsOwn('records', id) }]);
}
