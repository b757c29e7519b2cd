import { GENESIS_HASH, hashEvent, hashedEventFields } from './canonical-json';
import type { Database } from './database';
import { toRecordedEvent, type EventRow, type EventStoreStatements } from './event-store-statements';
import type { IntegrityReport, RecordedEvent } from './types';

const PAGE_SIZE = 1000;

type VerifiedRow = EventRow & { head_version: number | null; head_hash: string | null };

/**
 * Verifies one stream's chain, or every stream's (ordered by stream id) when no stream is given, reading a page of
 * events at a time. Each page is one statement, so its events and their streams' heads come from one snapshot.
 */
export async function verifyChains(db: Database, sql: EventStoreStatements, streamId?: string): Promise<IntegrityReport> {
  const walk = new HashChainWalk();
  let after: [string, number] = [streamId ?? '', 0];
  for (;;) {
    const page = streamId === undefined ? sql.verifyAllPage : sql.verifyStreamPage;
    const { rows } = await db.query<VerifiedRow>({ ...page, values: [...after, PAGE_SIZE] });
    for (const row of rows) {
      const head = row.head_version === null ? undefined : { version: row.head_version, lastHash: row.head_hash! };
      const broken = walk.next({ ...toRecordedEvent(row), head });
      if (broken) return { intact: false, checked: walk.checked, firstBroken: broken };
    }
    if (rows.length < PAGE_SIZE) break;
    const last = rows[rows.length - 1]!;
    after = [last.stream_id, last.stream_version];
  }
  const broken = walk.end() ?? (walk.checked === 0 || streamId === undefined ? await streamWithoutEvents(db, sql, streamId) : undefined);
  return broken ? { intact: false, checked: walk.checked, firstBroken: broken } : { intact: true, checked: walk.checked };
}

/** A streams row left without any events has no event to name: position and event id are empty. */
async function streamWithoutEvents(db: Database, sql: EventStoreStatements, streamId?: string): Promise<BrokenLink | undefined> {
  const { rows } = await db.query<{ stream_id: string; version: number }>(
    streamId === undefined ? { ...sql.firstStreamWithoutEvents } : { ...sql.streamWithoutEvents, values: [streamId] },
  );
  const row = rows[0];
  return row && { position: '', eventId: '', streamId: row.stream_id, streamVersion: 1, reason: `streams.version is ${row.version} but the stream has no events` };
}

export type BrokenLink = Extract<IntegrityReport, { intact: false }>['firstBroken'];

/** An event as read for verification, with its stream's head (from the streams table) read in the same snapshot. */
export interface ChainedEvent extends RecordedEvent {
  head: { version: number; lastHash: string } | undefined;
}

/**
 * Walks events stream by stream, each stream in version order, and recomputes its hash chain from GENESIS_HASH.
 * Reports the first event that does not fit: a gap in versions, a previous_hash that is not the hash of the event
 * before, a hash that is not the hash of the event's contents, or a stream head that disagrees with its last event.
 */
export class HashChainWalk {
  checked = 0;
  private last: ChainedEvent | undefined;

  /** The first broken link found so far, if any, after taking in the next event. */
  next(event: ChainedEvent): BrokenLink | undefined {
    const sameStream = this.last?.streamId === event.streamId;
    if (!sameStream) {
      const broken = this.end();
      if (broken) return broken;
    }
    this.checked += 1;
    const expectedVersion = sameStream ? this.last!.streamVersion + 1 : 1;
    const expectedPrevious = sameStream ? this.last!.hash : GENESIS_HASH;
    this.last = event;
    if (event.streamVersion !== expectedVersion) {
      return brokenAt(event, `stream_version is ${event.streamVersion} where ${expectedVersion} was expected: events are missing`);
    }
    if (event.previousHash !== expectedPrevious) {
      return brokenAt(event, `previous_hash does not match the hash of the ${sameStream ? 'event before it' : 'genesis'}`);
    }
    if (hashEvent(event.previousHash, hashedEventFields(event)) !== event.hash) {
      return brokenAt(event, `hash does not match the event's contents (data, metadata or another hashed field changed)`);
    }
    return undefined;
  }

  /** Checks the head of the stream walked last against its last event; call once after the last event. */
  end(): BrokenLink | undefined {
    const last = this.last;
    if (!last) return undefined;
    if (!last.head) return brokenAt(last, `the stream has no row in streams`);
    if (last.head.version !== last.streamVersion) {
      return brokenAt(last, `streams.version is ${last.head.version} but the last event is version ${last.streamVersion}: events are missing`);
    }
    if (last.head.lastHash !== last.hash) return brokenAt(last, `streams.last_hash does not match the hash of the stream's last event`);
    return undefined;
  }
}

const brokenAt = (event: RecordedEvent, reason: string): BrokenLink => ({
  position: event.position,
  eventId: event.id,
  streamId: event.streamId,
  streamVersion: event.streamVersion,
  reason,
});
