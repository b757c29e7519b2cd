import { eventType, type Service } from '@gantry/contracts';
import { hashedEventFields, hashEvent, type RecordedEvent } from '@gantry/event-store';
import { aggregateIdOf } from '@gantry/messaging';

/**
 * The ledger's record of a source event: what the entry at `ledgerPosition` says of the event it holds. Its members
 * are inside the entry's hash (format 2: `sourceEventHash`, `stream`, `streamVersion`, `type`; format 1: the whole
 * event), so once /audit/verify and the checkpoints vouch for the ledger, they are what the service published.
 */
export interface LedgeredSource {
  ledgerPosition: number;
  eventId: string;
  /** the CloudEvents source, `/gantry/<service>` */
  source: string | null;
  type: string;
  /** the CloudEvents subject: the stream id without its type prefix */
  stream: string | null;
  streamVersion: number | null;
  /** the event's hash in its store (the `eventhash` it was published with); null before events carried it */
  sourceEventHash: string | null;
}

/** How a store's event stands against the ledger's record of it. */
export type SourceMatch =
  | { kind: 'matches' }
  | { kind: 'not-comparable'; reason: string }
  | { kind: 'mismatch'; reason: string };

/**
 * Compares an event as its service's store holds it with the ledger's record of it. The event's hash is recomputed
 * from its content (the store's own hashing), so an event edited with its hash left alone and one rewritten with every
 * hash of its stream recomputed both differ from what the ledger recorded when the event was published.
 */
export function matchWithLedger(service: Service, event: RecordedEvent, record: LedgeredSource): SourceMatch {
  if (record.source !== `/gantry/${service}`) return { kind: 'mismatch', reason: `the ledger recorded this event id from ${record.source ?? 'no source'}, not from /gantry/${service}` };
  const type = eventType(service, event.type, event.schemaVersion);
  if (record.type !== type) return { kind: 'mismatch', reason: `the ledger recorded type ${record.type}, the store holds ${type}` };
  const stream = aggregateIdOf(event.streamId);
  if (record.stream !== stream) return { kind: 'mismatch', reason: `the ledger recorded stream ${record.stream ?? 'none'}, the store holds ${stream}` };
  if (record.streamVersion !== null && record.streamVersion !== event.streamVersion) {
    return { kind: 'mismatch', reason: `the ledger recorded stream version ${record.streamVersion}, the store holds ${event.streamVersion}` };
  }
  if (record.sourceEventHash === null) return { kind: 'not-comparable', reason: 'the ledger recorded this event before events carried their store hash (eventhash)' };
  const content = hashEvent(event.previousHash, hashedEventFields(event));
  if (content === record.sourceEventHash) return { kind: 'matches' };
  if (event.hash === record.sourceEventHash) return { kind: 'mismatch', reason: `its content no longer hashes to the hash the store and the ledger recorded (data, metadata or another hashed field changed)` };
  if (content === event.hash) return { kind: 'mismatch', reason: `the event and its hash were rewritten after it was published: the ledger recorded hash ${record.sourceEventHash}, the store now holds ${event.hash}` };
  return { kind: 'mismatch', reason: `its content hashes to neither its own hash nor the one the ledger recorded (${record.sourceEventHash})` };
}
