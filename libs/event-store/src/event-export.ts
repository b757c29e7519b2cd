import { canonicalJson, hashedEventFields } from './canonical-json';
import type { EventStore } from './event-store';
import { START, type Checkpoint, type RecordedEvent } from './types';

/**
 * Every event of a store, a page at a time, in commit-safe order (readAll): an event committed late comes late, never
 * skipped, so a stream's events come in version order and an export taken under load holds no false gap.
 */
export async function* eventPages(store: EventStore, pageSize = 1000): AsyncGenerator<RecordedEvent[]> {
  let after: Checkpoint = START;
  for (;;) {
    const page = await store.readAll(after, pageSize);
    if (page.length === 0) return;
    yield page;
    const last = page[page.length - 1]!;
    after = { transactionId: last.transactionId, position: last.position };
    if (page.length < pageSize) return;
  }
}

/**
 * An event as a store's NDJSON export carries it (docs/source-events.md): canonical JSON of the members its hash covers
 * (`hashedEventFields`), its position in the store, the previous hash and the hash. A verifier recomputes
 * hash = sha256(previousHash ‖ canonical JSON of the hashed members) from the line alone.
 */
export const exportedEvent = (event: RecordedEvent): string =>
  canonicalJson({ ...hashedEventFields(event), position: Number(event.position), previousHash: event.previousHash, hash: event.hash });
