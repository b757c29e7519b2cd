/**
 * The complete subtrees of an append-only Merkle tree, and which of them a root or a proof is made of.
 *
 * A complete subtree is named by its level and index: (level, index) covers the 2^level leaves from index × 2^level
 * on; level 0 holds the leaf hashes. Once its last leaf is appended its hash never changes, so a log stores each one
 * once, as `(level, index) → hash`. Every hash of RFC 6962's recursive definitions (a root, a member of an audit path
 * or of a consistency proof) is the hash of a range of leaves that starts at a multiple of a power of two at least its
 * size; such a range is a run of complete subtrees of decreasing size, and its hash folds them from the right.
 *
 * Sizes and indexes are JavaScript numbers: integers up to 2^53 − 1 (arithmetic, not 32-bit bitwise operators).
 */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** Each element is one hash of a root or proof: the fold, from the right, of the complete subtrees listed. */
export type ProofPlan = readonly (readonly NodeId[])[];

/** The largest power of two smaller than n (n ≥ 2): RFC 6962's k, where a tree of n leaves splits. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The complete subtrees covering `size` leaves from `start` (a multiple of a power of two ≥ size), largest first. */
export function subtreesOf(start: number, size: number): NodeId[] {
  const nodes: NodeId[] = [];
  let width = 1;
  let level = 0;
  while (width * 2 <= size) {
    width *= 2;
    level += 1;
  }
  for (let offset = start, left = size; left > 0; width /= 2, level -= 1) {
    if (left < width) continue;
    nodes.push({ level, index: offset / width });
    offset += width;
    left -= width;
  }
  return nodes;
}

/** The root of a tree of `size` leaves (size ≥ 1): one fold of the complete subtrees that cover it. */
export const rootPlan = (size: number): ProofPlan => [subtreesOf(0, size)];

/** RFC 6962 §2.1.1 PATH(m, D[n]): the audit path of leaf `index` in a tree of `size` leaves, lowest first. */
export function inclusionPlan(index: number, size: number): ProofPlan {
  const plan: NodeId[][] = [];
  const path = (m: number, start: number, n: number): void => {
    if (n === 1) return;
    const k = splitPoint(n);
    if (m < k) {
      path(m, start, k);
      plan.push(subtreesOf(start + k, n - k));
    } else {
      path(m - k, start + k, n - k);
      plan.push(subtreesOf(start, k));
    }
  };
  path(index, 0, size);
  return plan;
}

/** RFC 6962 §2.1.2 PROOF(m, D[n]): the consistency proof from the tree of `older` leaves to the tree of `newer`. */
export function consistencyPlan(older: number, newer: number): ProofPlan {
  const plan: NodeId[][] = [];
  const subproof = (m: number, start: number, n: number, known: boolean): void => {
    if (m === n) {
      if (!known) plan.push(subtreesOf(start, m));
      return;
    }
    const k = splitPoint(n);
    if (m <= k) {
      subproof(m, start, k, known);
      plan.push(subtreesOf(start + k, n - k));
    } else {
      subproof(m - k, start + k, n - k, false);
      plan.push(subtreesOf(start, k));
    }
  };
  if (older > 0 && older < newer) subproof(older, 0, newer, true);
  return plan;
}

/** The distinct complete subtrees a plan reads: what to fetch from storage, in one query, before assembling it. */
export function nodesOf(plan: ProofPlan): NodeId[] {
  const seen = new Set<string>();
  return plan.flat().filter(({ level, index }) => {
    const key = `${level}/${index}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
