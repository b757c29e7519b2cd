import { HASH_SIZE, type Hash } from './hashing';
import type { NodeId } from './subtrees';

/**
 * Where a log keeps the hashes of its complete subtrees, `(level, index) → hash` (see subtrees.ts). A store in a
 * database answers a proof in one query: fetch `nodesOf(plan)`, put the rows in `nodeHashesOf(rows)`, assemble.
 */
export interface NodeHashes {
  /** The hash of the complete subtree (level, index), or undefined when it is not stored (not yet complete). */
  get(level: number, index: number): Hash | undefined;
}

/** A complete subtree's hash, as appending a leaf produces it: a row to store. */
export interface StoredNode extends NodeId {
  readonly hash: Hash;
}

/** The hashes of some complete subtrees, such as the rows a query returned. */
export function nodeHashesOf(nodes: Iterable<StoredNode>): NodeHashes {
  const byId = new Map<string, Hash>();
  for (const { level, index, hash } of nodes) byId.set(`${level}/${index}`, hash);
  return { get: (level, index) => byId.get(`${level}/${index}`) };
}

/**
 * Every complete subtree of a tree in memory, level by level in contiguous buffers (32 bytes a node: a tree of
 * 1,000,000 leaves holds about 2,000,000 nodes, 64 MB). Nodes arrive in the order an append-only tree completes them:
 * each level grows by one at its end.
 */
export class MemoryNodeHashes implements NodeHashes {
  private readonly levels: Buffer[] = [];
  private readonly counts: number[] = [];

  get(level: number, index: number): Hash | undefined {
    if (!(index >= 0 && index < (this.counts[level] ?? 0))) return undefined;
    return this.levels[level]!.subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE);
  }

  /** Keeps nodes completed by appends; each must be the next of its level (a gap or a rewrite is a caller's bug). */
  put(nodes: Iterable<StoredNode>): void {
    for (const { level, index, hash } of nodes) {
      const count = this.counts[level] ?? 0;
      if (hash.length !== HASH_SIZE) throw new Error(`node (${level}, ${index}) has a hash of ${hash.length} bytes`);
      if (index !== count) throw new Error(`node (${level}, ${index}) is not the next of level ${level}, which holds ${count}`);
      let buffer = this.levels[level] ?? Buffer.alloc(0);
      if ((count + 1) * HASH_SIZE > buffer.length) {
        const grown = Buffer.alloc(Math.max(1024, buffer.length * 2));
        buffer.copy(grown);
        buffer = grown;
        this.levels[level] = buffer;
      }
      buffer.set(hash, count * HASH_SIZE);
      this.counts[level] = count + 1;
    }
  }
}
