import { EMPTY_TREE_ROOT, leafHash, nodeHash, type Hash } from './hashing';
import { splitPoint } from './subtrees';

/**
 * RFC 6962 §2.1's recursive definitions, written literally over the whole list of entries: MTH, PATH and PROOF.
 * Slow (it rehashes everything each time) and obviously right; the tests compare the stored-subtree tree with it.
 */
export function referenceRoot(entries: readonly Uint8Array[]): Hash {
  if (entries.length === 0) return EMPTY_TREE_ROOT;
  if (entries.length === 1) return leafHash(entries[0]!);
  const k = splitPoint(entries.length);
  return nodeHash(referenceRoot(entries.slice(0, k)), referenceRoot(entries.slice(k)));
}

export function referencePath(m: number, entries: readonly Uint8Array[]): Hash[] {
  if (entries.length <= 1) return [];
  const k = splitPoint(entries.length);
  return m < k
    ? [...referencePath(m, entries.slice(0, k)), referenceRoot(entries.slice(k))]
    : [...referencePath(m - k, entries.slice(k)), referenceRoot(entries.slice(0, k))];
}

export function referenceProof(m: number, entries: readonly Uint8Array[]): Hash[] {
  const subproof = (m: number, d: readonly Uint8Array[], known: boolean): Hash[] => {
    if (m === d.length) return known ? [] : [referenceRoot(d)];
    const k = splitPoint(d.length);
    return m <= k
      ? [...subproof(m, d.slice(0, k), known), referenceRoot(d.slice(k))]
      : [...subproof(m - k, d.slice(k), false), referenceRoot(d.slice(0, k))];
  };
  return m > 0 && m < entries.length ? subproof(m, entries, true) : [];
}
