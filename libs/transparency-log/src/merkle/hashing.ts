import { hash } from 'node:crypto';
import { sha256OfNode } from './node-sha256';

/**
 * A SHA-256 hash of 32 bytes. RFC 6962 §2.1 (RFC 9162 §2.1.1) separates the two kinds of hash of a Merkle tree so
 * that no leaf can pass for an inner node: a leaf hash is SHA-256(0x00 || entry), a node hash SHA-256(0x01 || left ||
 * right), and the tree of no leaves has the hash of the empty string.
 */
export type Hash = Uint8Array;

export const HASH_SIZE = 32;

export const EMPTY_TREE_ROOT: Hash = hash('sha256', Buffer.alloc(0), 'buffer');

// one buffer for prefixing entries up to 64 KiB: hashing is synchronous, so no two calls share it at once
const prefixed = Buffer.alloc(64 * 1024);

export function leafHash(entry: Uint8Array): Hash {
  const buffer = entry.length < prefixed.length ? prefixed : Buffer.allocUnsafe(entry.length + 1);
  buffer[0] = 0x00;
  buffer.set(entry, 1);
  return hash('sha256', buffer.subarray(0, entry.length + 1), 'buffer');
}

export function nodeHash(left: Hash, right: Hash): Hash {
  if (left.length === HASH_SIZE && right.length === HASH_SIZE) return sha256OfNode(left, right);
  return hash('sha256', Buffer.concat([Buffer.from([0x01]), left, right]), 'buffer');
}

export const sameHash = (a: Hash, b: Hash): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

export const base64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/** The bytes of standard base64 (RFC 4648 §4, padded) written the one way it encodes them, or undefined. */
export function strictBase64(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}
