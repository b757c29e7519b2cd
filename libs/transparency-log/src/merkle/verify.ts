import { accept, reject, type Outcome } from '../outcome';
import { base64, HASH_SIZE, nodeHash, sameHash, type Hash } from './hashing';

/**
 * The verification algorithms of RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency), step by step. They walk
 * the proof from the leaf (or the older tree's edge) up, so that a proof with a hash too many or too few fails; every
 * hash must be 32 bytes. They use only arithmetic on whole numbers (no 32-bit bitwise operators): sizes to 2^53 − 1.
 */

export interface InclusionClaim {
  /** the leaf's position, from 0 */
  readonly index: number;
  /** the size of the tree the root belongs to */
  readonly size: number;
  readonly leafHash: Hash;
  readonly proof: readonly Hash[];
  readonly root: Hash;
}

export interface ConsistencyClaim {
  readonly olderSize: number;
  readonly olderRoot: Hash;
  readonly newerSize: number;
  readonly newerRoot: Hash;
  readonly proof: readonly Hash[];
}

const odd = (n: number): boolean => n % 2 === 1;
const half = (n: number): number => Math.floor(n / 2);
const isSize = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;
const isPowerOfTwo = (n: number): boolean => n > 0 && 2 ** Math.round(Math.log2(n)) === n;

function malformedHash(named: Record<string, Hash>, proof: readonly Hash[]): string | undefined {
  for (const [name, hash] of Object.entries(named)) if (hash.length !== HASH_SIZE) return `the ${name} is ${hash.length} bytes, not ${HASH_SIZE}`;
  const i = proof.findIndex((hash) => hash.length !== HASH_SIZE);
  return i < 0 ? undefined : `proof hash ${i} is ${proof[i]!.length} bytes, not ${HASH_SIZE}`;
}

/** The root an audit path leads to from a leaf, or why it leads nowhere (RFC 9162 §2.1.3.2 steps 1–5, less the comparison). */
export function rootFromInclusionProof({ index, size, leafHash, proof }: Omit<InclusionClaim, 'root'>, walks?: InclusionWalks): Outcome<Hash> {
  if (!isSize(size) || !isSize(index)) return reject(`a leaf index and a tree size are whole numbers from 0, not ${index} and ${size}`);
  if (index >= size) return reject(`leaf index ${index} is not in a tree of ${size} leaves`);
  const malformed = malformedHash({ 'leaf hash': leafHash }, proof);
  if (malformed) return reject(malformed);
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  const passed: { node: string; hash: Hash; next: number }[] = [];
  for (let i = 0; i < proof.length; i++) {
    const p = proof[i]!;
    if (sn === 0) return reject(`the proof has more hashes than a leaf at index ${index} of a tree of ${size} leaves needs`);
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
    if (walks) {
      const node = `${fn}/${sn}`;
      const root = walks.rootFrom(size, node, r, proof, i + 1);
      if (root) return accept(root);
      passed.push({ node, hash: r, next: i + 1 });
    }
  }
  if (sn !== 0) return reject(`the proof has fewer hashes than a leaf at index ${index} of a tree of ${size} leaves needs`);
  walks?.remember(size, passed, proof, r);
  return accept(r);
}

/**
 * The nodes that walks up one tree passed, to share among the proofs of several leaves (the entries of one
 * deployment): their paths meet below the root, and above the meeting point a walk computes what an earlier one
 * did. A walk that reaches a node an earlier successful walk passed, with the same hash and the same proof hashes
 * left, leads to that walk's root without hashing again: exactly what it would have computed itself.
 */
export class InclusionWalks {
  private readonly passed = new Map<string, { hash: Hash; proof: readonly Hash[]; next: number; root: Hash }>();
  private size: number | undefined;
  /** walks that ended at a node an earlier walk passed */
  shortened = 0;

  /** The root an earlier walk reached from this node, when the rest of this walk is the same as that one's. */
  rootFrom(size: number, node: string, hash: Hash, proof: readonly Hash[], next: number): Hash | undefined {
    const earlier = size === this.size ? this.passed.get(node) : undefined;
    if (!earlier || !sameHash(earlier.hash, hash) || proof.length - next !== earlier.proof.length - earlier.next) return undefined;
    for (let k = 0; next + k < proof.length; k++) if (!sameHash(proof[next + k]!, earlier.proof[earlier.next + k]!)) return undefined;
    this.shortened++;
    return earlier.root;
  }

  remember(size: number, passed: readonly { node: string; hash: Hash; next: number }[], proof: readonly Hash[], root: Hash): void {
    if (size !== this.size) {
      this.passed.clear();
      this.size = size;
    }
    for (const { node, hash, next } of passed) this.passed.set(node, { hash, proof, next, root });
  }
}

/** Whether `proof` shows the leaf with `leafHash` at `index` in the tree of `size` leaves whose root is `root`. */
export function verifyInclusion(claim: InclusionClaim): Outcome<true> {
  const malformed = malformedHash({ root: claim.root }, []);
  if (malformed) return reject(malformed);
  const computed = rootFromInclusionProof(claim);
  if (!computed.ok) return computed;
  if (!sameHash(computed.value, claim.root)) {
    return reject(`the proof leads from the leaf at index ${claim.index} to root ${base64(computed.value)}, not to ${base64(claim.root)} of the tree of ${claim.size} leaves`);
  }
  return accept(true);
}

/**
 * Whether `proof` shows the tree of `olderSize` leaves with `olderRoot` to be a prefix of the tree of `newerSize`
 * with `newerRoot` (RFC 9162 §2.1.4.2). Equal sizes need equal roots and an empty proof. The empty tree is a prefix of
 * every tree, so a proof from size 0 proves nothing and is refused: a caller that starts from nothing (a witness's
 * first checkpoint of a log) has nothing to check.
 */
export function verifyConsistency({ olderSize, olderRoot, newerSize, newerRoot, proof }: ConsistencyClaim): Outcome<true> {
  if (!isSize(olderSize) || !isSize(newerSize)) return reject(`tree sizes are whole numbers from 0, not ${olderSize} and ${newerSize}`);
  const malformed = malformedHash({ 'older root': olderRoot, 'newer root': newerRoot }, proof);
  if (malformed) return reject(malformed);
  if (olderSize > newerSize) return reject(`a tree of ${olderSize} leaves cannot be a prefix of one of ${newerSize}`);
  if (olderSize === 0) return reject('a consistency proof from the empty tree proves nothing');
  if (olderSize === newerSize) {
    if (proof.length > 0) return reject(`the trees have the same size (${olderSize}), so the proof must be empty; it has ${proof.length} hashes`);
    return sameHash(olderRoot, newerRoot) ? accept(true) : reject(`two trees of ${olderSize} leaves have different roots: ${base64(olderRoot)} and ${base64(newerRoot)}`);
  }
  if (proof.length === 0) return reject(`the proof is empty, but a tree of ${olderSize} leaves and one of ${newerSize} need one`);
  const path = isPowerOfTwo(olderSize) ? [olderRoot, ...proof] : proof;
  let fn = olderSize - 1;
  let sn = newerSize - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return reject(`the proof has more hashes than the trees of ${olderSize} and ${newerSize} leaves need`);
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!odd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) return reject(`the proof has fewer hashes than the trees of ${olderSize} and ${newerSize} leaves need`);
  if (!sameHash(fr, olderRoot)) return reject(`the proof does not lead to the older root ${base64(olderRoot)} of the tree of ${olderSize} leaves`);
  if (!sameHash(sr, newerRoot)) return reject(`the proof does not lead to the newer root ${base64(newerRoot)} of the tree of ${newerSize} leaves`);
  return accept(true);
}
