import { createHash } from 'node:crypto';
import { CanonicalText } from './canonical-text';
import type { RecordedEvent } from './types';

/** The previous hash of a stream's first event. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Canonical JSON: one text per value, so a hash over it can be recomputed anywhere.
 * Object keys sorted by UTF-16 code units (as RFC 8785 JCS), no whitespace, numbers as JSON.stringify prints
 * them (the ECMAScript form JCS prescribes), undefined members omitted (undefined array items become null, as
 * JSON.stringify does), Dates as ISO strings. Refuses what JSON cannot carry faithfully: non-finite numbers,
 * bigints, functions, symbols, Maps, Sets and cycles.
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined) throw new TypeError('canonicalJson: undefined is not JSON');
  return serialize(value, []);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The members of a recorded event that its hash covers: everything the author and the store decided. */
export interface HashedEventFields {
  id: string;
  streamId: string;
  streamType: string;
  streamVersion: number;
  type: string;
  schemaVersion: number;
  data: unknown;
  metadata: unknown;
  /** ISO 8601 with milliseconds, e.g. 2025-01-31T09:00:00.000Z */
  recordedAt: string;
}

export type HashableEvent = Pick<
  RecordedEvent,
  'id' | 'streamId' | 'streamType' | 'streamVersion' | 'type' | 'schemaVersion' | 'data' | 'metadata'
> & { recordedAt: Date | string };

/** The hashed fields of an event as read back from a store or an export (recordedAt as a Date or an ISO string). */
export function hashedEventFields(event: HashableEvent): HashedEventFields {
  return {
    id: event.id,
    streamId: event.streamId,
    streamType: event.streamType,
    streamVersion: event.streamVersion,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    recordedAt: new Date(event.recordedAt).toISOString(),
  };
}

/** hash = sha256(previous hash ‖ canonical JSON of the hashed fields), lowercase hex. */
export function hashEvent(previousHash: string, fields: HashedEventFields): string {
  return sha256Hex(previousHash + canonicalJson(fields));
}

function serialize(value: unknown, ancestors: object[]): string {
  switch (typeof value) {
    case 'string':
      return quoted(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a finite number`);
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return serializeArray(value, ancestors);
      return isPlainObject(value) ? serializeMembers(value as Record<string, unknown>, ancestors) : serializeInstance(value, ancestors);
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} is not JSON`);
  }
}

const isPlainObject = (value: object): boolean => {
  const prototype = Object.getPrototypeOf(value);
  return (prototype === Object.prototype || prototype === null) && typeof (value as { toJSON?: unknown }).toJSON !== 'function';
};

/** What JSON.stringify escapes in a string: quote, backslash, control characters and (lone) surrogates. */
const ESCAPED = /["\\\u0000-\u001f\ud800-\udfff]/;

/**
 * A string as JSON.stringify writes it. Most strings (ids, names, timestamps) need no escape; quoting them here is
 * about twice as fast over a whole payload as calling JSON.stringify for each.
 */
const quoted = (text: string): string => (ESCAPED.test(text) ? JSON.stringify(text) : `"${text}"`);

function serializeInstance(value: object, ancestors: object[]): string {
  if (value instanceof CanonicalText) return value.text;
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('canonicalJson: invalid Date');
    return JSON.stringify(value.toISOString());
  }
  if (value instanceof Map || value instanceof Set) throw new TypeError('canonicalJson: a Map or Set is not JSON');
  if (value instanceof Number || value instanceof String || value instanceof Boolean) return serialize(value.valueOf(), ancestors);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    if (ancestors.includes(value)) throw new TypeError('canonicalJson: cyclic structure');
    return serialize(toJSON.call(value), ancestors);
  }
  return serializeMembers(value as Record<string, unknown>, ancestors);
}

function serializeArray(items: readonly unknown[], ancestors: object[]): string {
  if (ancestors.includes(items)) throw new TypeError('canonicalJson: cyclic structure');
  ancestors.push(items);
  let text = '[';
  for (let n = 0; n < items.length; n++) {
    if (n > 0) text += ',';
    const item = items[n];
    text += item === undefined ? 'null' : serialize(item, ancestors);
  }
  ancestors.pop();
  return `${text}]`;
}

function serializeMembers(record: Record<string, unknown>, ancestors: object[]): string {
  if (ancestors.includes(record)) throw new TypeError('canonicalJson: cyclic structure');
  ancestors.push(record);
  // Array.prototype.sort compares strings by UTF-16 code units, which is the order JCS prescribes.
  const keys = Object.keys(record).sort();
  let text = '{';
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    if (text.length > 1) text += ',';
    text += `${quoted(key)}:${serialize(member, ancestors)}`;
  }
  ancestors.pop();
  return `${text}}`;
}
