import { createHash } from 'node:crypto';
import { canonicalJson, GENESIS_HASH, sha256Hex } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';

/**
 * An entry of the audit ledger as projections read it: the event as received, where it came from, and its place in
 * the chain. `event.id` and `event.type` are those of the ledger's own columns, which the entry's hash covers.
 */
export interface LedgerEntry {
  position: number;
  topic: string;
  event: CloudEvent;
  deploymentId: string | null;
  recordedAt: string;
  previousHash: string;
  hash: string;
}

/**
 * The format an entry was written in. 1: before the Merkle tree (hash = sha256(previous hash ‖ canonical JSON of
 * {position, topic, event, recordedAt}), deployment id and type outside it); 2: every field an auditor reads inside
 * the hash (`entryFieldsV2`). Entries keep the format they were written in: an upgrade re-hashes nothing.
 */
export type LedgerFormat = 1 | 2;

export interface StoredLedgerEntry extends LedgerEntry {
  format: LedgerFormat;
}

/** The previous hash of the first entry. */
export const LEDGER_GENESIS_HASH = GENESIS_HASH;

/**
 * The deployment an event is about, as the ledger files it: `data.deploymentId` when it is a string. Format 1
 * entries were filed by this rule, so a verifier checks their deployment id against it.
 */
export const deploymentIdOf = (event: CloudEvent): string | null => {
  const data = event.data as { deploymentId?: unknown } | undefined;
  return typeof data?.deploymentId === 'string' ? data.deploymentId : null;
};

/**
 * The fields of a format-2 entry, each one an auditor reads (docs/ledger.md, "An entry's bytes"). The event is taken
 * apart so that nothing of it is outside: what a CloudEvent attribute does not name here goes into `metadata`.
 */
export function entryFieldsV2(entry: Omit<LedgerEntry, 'hash'>) {
  const { id, type, subject, time, data, actor, actorroles, actorchannel, streamversion, eventhash, ...metadata } = entry.event as CloudEvent & { eventhash?: string };
  const hasActor = actor !== undefined || actorroles !== undefined || actorchannel !== undefined;
  return {
    format: 2,
    position: entry.position,
    previousHash: entry.previousHash,
    recordedAt: entry.recordedAt,
    topic: entry.topic,
    deploymentId: entry.deploymentId,
    type,
    stream: subject ?? null,
    streamVersion: streamversion ?? null,
    sourceEventId: id,
    sourceEventHash: eventhash ?? null,
    time: time ?? null,
    actor: hasActor ? { subject: actor ?? null, roles: actorroles ?? null, channel: actorchannel ?? null } : null,
    payload: data ?? null,
    metadata,
  };
}

/** A format-1 entry as its leaf carries it: what its hash covered, the columns it did not, and the hash itself. */
export const entryFieldsV1 = (entry: LedgerEntry) => ({
  format: 1,
  position: entry.position,
  previousHash: entry.previousHash,
  hash: entry.hash,
  recordedAt: entry.recordedAt,
  topic: entry.topic,
  deploymentId: entry.deploymentId,
  type: entry.event.type,
  event: entry.event,
});

/**
 * An entry's bytes: canonical JSON (RFC 8785 key order, no whitespace, UTF-8) of its fields. They are the leaf of the
 * Merkle tree, what a format-2 entry's hash covers, and the entry's line in an NDJSON export.
 */
export function entryText(entry: Omit<StoredLedgerEntry, 'hash'> & { hash?: string }): string {
  if (entry.format === 2) return canonicalJson(entryFieldsV2(entry));
  if (entry.hash === undefined) throw new Error('a format-1 entry carries its hash');
  return canonicalJson(entryFieldsV1({ ...entry, hash: entry.hash }));
}

/** RFC 6962 leaf hash: SHA-256(0x00 ‖ bytes). */
export const leafHashOfText = (text: string): Buffer => createHash('sha256').update(LEAF_PREFIX).update(text, 'utf8').digest();

const LEAF_PREFIX = Buffer.from([0x00]);

/** A format-1 entry's chain hash, as it was written. */
export const hashV1 = (previousHash: string, entry: Pick<LedgerEntry, 'position' | 'topic' | 'event' | 'recordedAt'>): string =>
  sha256Hex(previousHash + canonicalJson({ position: entry.position, topic: entry.topic, event: entry.event, recordedAt: entry.recordedAt }));

/**
 * An entry's bytes and hashes: the chain hash it stores and the leaf hash of the tree. For format 2 they are one
 * (hex and bytes of SHA-256(0x00 ‖ bytes), the bytes holding the previous hash); a format-1 entry keeps its chain hash.
 */
export function hashesOf(entry: Omit<StoredLedgerEntry, 'hash'> & { hash?: string }): { text: string; leaf: Buffer; hash: string } {
  const text = entryText(entry);
  const leaf = leafHashOfText(text);
  return { text, leaf, hash: entry.format === 2 ? leaf.toString('hex') : hashV1(entry.previousHash, entry) };
}
