import { reject, type Outcome } from '../outcome';
import { HASH_SIZE, leafHash, type Hash } from './hashing';
import { MemoryNodeHashes, type StoredNode } from './node-hashes';
import { CompactRange } from './compact-range';
import { consistencyProof, inclusionProof, rootAt } from './proofs';

/**
 * An append-only RFC 6962 Merkle tree held in memory: every complete subtree's hash, and the right edge to append.
 * Proofs at any earlier size come from the stored hashes (about 2 log2(n) lookups, no hashing but the edge's folds).
 * What a log keeps in a database has the same shape: `append` returns the rows to insert beside the entry.
 */
export class MerkleTree {
  private readonly nodes = new MemoryNodeHashes();
  private readonly edge = CompactRange.empty();

  get size(): number {
    return this.edge.size;
  }

  /** Appends an entry (its leaf hash is SHA-256(0x00 || entry)); returns the complete subtrees it completed. */
  appendEntry(entry: Uint8Array): StoredNode[] {
    return this.appendLeafHash(leafHash(entry));
  }

  appendLeafHash(leaf: Hash): StoredNode[] {
    if (leaf.length !== HASH_SIZE) throw new Error(`a leaf hash is ${HASH_SIZE} bytes, not ${leaf.length}`);
    const completed = this.edge.append(leaf);
    this.nodes.put(completed);
    return completed;
  }

  root(): Hash {
    return this.edge.root();
  }

  rootAt(size: number): Outcome<Hash> {
    return size > this.size ? this.beyond(size) : rootAt(size, this.nodes);
  }

  inclusionProof(index: number, size = this.size): Outcome<Hash[]> {
    return size > this.size ? this.beyond(size) : inclusionProof(index, size, this.nodes);
  }

  consistencyProof(older: number, newer = this.size): Outcome<Hash[]> {
    return newer > this.size ? this.beyond(newer) : consistencyProof(older, newer, this.nodes);
  }

  private beyond(size: number) {
    return reject(`the tree has ${this.size} leaves: there is no tree of ${size} yet`);
  }

  /** The hash of the complete subtree (level, index), if complete. */
  node(level: number, index: number): Hash | undefined {
    return this.nodes.get(level, index);
  }
}
