import { EMPTY_TREE_ROOT, nodeHash, type Hash } from './hashing';
import type { StoredNode } from './node-hashes';
import { foldFromRight } from './proofs';
import { subtreesOf } from './subtrees';

/**
 * The right edge of an append-only tree: the hashes of the complete subtrees that cover its leaves, largest first
 * (at most 53 of them; `subtreesOf(0, size)`). It is all a log needs to append and to know its root, and what a
 * verifier keeps while it recomputes a tree from an export, entry by entry, without holding the tree.
 */
export class CompactRange {
  // the edge as two parallel stacks, largest subtree first: their levels and their hashes
  private constructor(
    private leaves: number,
    private readonly levels: number[],
    private readonly edge: Hash[],
  ) {}

  static empty(): CompactRange {
    return new CompactRange(0, [], []);
  }

  /** Resumes from a stored tree: the hashes of `subtreesOf(0, size)`, in that order. */
  static of(size: number, edge: readonly Hash[]): CompactRange {
    const subtrees = subtreesOf(0, size);
    if (edge.length !== subtrees.length) throw new Error(`a tree of ${size} leaves has ${subtrees.length} complete subtrees on its edge, not ${edge.length}`);
    return new CompactRange(
      size,
      subtrees.map(({ level }) => level),
      [...edge],
    );
  }

  get size(): number {
    return this.leaves;
  }

  /**
   * Appends one leaf hash and returns the complete subtrees it completes, from the leaf itself up: the rows to store
   * beside the entry (on average two a leaf).
   */
  append(leaf: Hash): StoredNode[] {
    const completed: StoredNode[] = [{ level: 0, index: this.leaves, hash: leaf }];
    const size = this.leaves + 1;
    this.push(leaf, (level, hash) => completed.push({ level, index: size / 2 ** level - 1, hash }));
    return completed;
  }

  /** Appends one leaf hash; `completed` hears of each complete subtree above the leaf that it completes. */
  push(leaf: Hash, completed?: (level: number, hash: Hash) => void): void {
    this.leaves += 1;
    let hash = leaf;
    let level = 0;
    while (this.levels.length > 0 && this.levels[this.levels.length - 1] === level) {
      this.levels.pop();
      hash = nodeHash(this.edge.pop()!, hash);
      level += 1;
      completed?.(level, hash);
    }
    this.levels.push(level);
    this.edge.push(hash);
  }

  root(): Hash {
    return this.edge.length === 0 ? EMPTY_TREE_ROOT : foldFromRight(this.edge);
  }

  /** The hashes of the edge, largest subtree first (what `CompactRange.of` takes back). */
  hashes(): Hash[] {
    return [...this.edge];
  }
}
