import { accept, reject, type Outcome } from '../outcome';
import { EMPTY_TREE_ROOT, nodeHash, type Hash } from './hashing';
import type { NodeHashes } from './node-hashes';
import { consistencyPlan, inclusionPlan, rootPlan, type ProofPlan } from './subtrees';

/**
 * Roots and proofs of a tree whose complete subtrees' hashes are stored (node-hashes.ts). Each is planned (which
 * subtrees, subtrees.ts), then assembled from the stored hashes. Sizes and indexes usually come from a request, so
 * one outside the tree is refused with a reason, not thrown.
 */

/** Folds the hashes of consecutive complete subtrees, largest first, into the hash of the range they cover. */
export function foldFromRight(hashes: readonly Hash[]): Hash {
  let folded = hashes[hashes.length - 1]!;
  for (let i = hashes.length - 2; i >= 0; i--) folded = nodeHash(hashes[i]!, folded);
  return folded;
}

/** The hashes of a plan, from stored nodes; refused, naming the first, when a node it needs is not stored. */
export function assemble(plan: ProofPlan, nodes: NodeHashes): Outcome<Hash[]> {
  const hashes: Hash[] = [];
  for (const run of plan) {
    const subtrees: Hash[] = [];
    for (const { level, index } of run) {
      const hash = nodes.get(level, index);
      if (!hash) return reject(`the hash of the complete subtree at level ${level}, index ${index} is not stored`);
      subtrees.push(hash);
    }
    hashes.push(foldFromRight(subtrees));
  }
  return accept(hashes);
}

const isSize = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

/** The root hash of the first `size` leaves. */
export function rootAt(size: number, nodes: NodeHashes): Outcome<Hash> {
  if (!isSize(size)) return reject(`a tree size is a whole number from 0 to 2^53 − 1, not ${size}`);
  if (size === 0) return accept(EMPTY_TREE_ROOT);
  const root = assemble(rootPlan(size), nodes);
  return root.ok ? accept(root.value[0]!) : root;
}

/** The plan of an inclusion proof, or why there is none: the leaf must be inside the tree. */
export function planInclusion(index: number, size: number): Outcome<ProofPlan> {
  if (!isSize(size)) return reject(`a tree size is a whole number from 0 to 2^53 − 1, not ${size}`);
  if (!isSize(index)) return reject(`a leaf index is a whole number from 0, not ${index}`);
  if (index >= size) return reject(`leaf index ${index} is not in a tree of ${size} leaves`);
  return accept(inclusionPlan(index, size));
}

/** The plan of a consistency proof from the tree of `older` leaves to the tree of `newer` (older ≤ newer). */
export function planConsistency(older: number, newer: number): Outcome<ProofPlan> {
  if (!isSize(older) || !isSize(newer)) return reject(`tree sizes are whole numbers from 0 to 2^53 − 1, not ${older} and ${newer}`);
  if (older > newer) return reject(`a tree of ${older} leaves cannot be a prefix of one of ${newer}`);
  return accept(consistencyPlan(older, newer));
}

/** RFC 9162 §2.1.3.1: the audit path of leaf `index` in the tree of the first `size` leaves. */
export function inclusionProof(index: number, size: number, nodes: NodeHashes): Outcome<Hash[]> {
  const plan = planInclusion(index, size);
  return plan.ok ? assemble(plan.value, nodes) : plan;
}

/**
 * RFC 9162 §2.1.4.1: the consistency proof between the trees of the first `older` and `newer` leaves. Empty when
 * older = newer, and when older = 0 (the empty tree is a prefix of every tree: there is nothing to prove).
 */
export function consistencyProof(older: number, newer: number, nodes: NodeHashes): Outcome<Hash[]> {
  const plan = planConsistency(older, newer);
  return plan.ok ? assemble(plan.value, nodes) : plan;
}
