import fc from 'fast-check';
import { leafHash } from './hashing';
import { MerkleTree } from './merkle-tree';
import { InclusionWalks, rootFromInclusionProof, verifyConsistency, verifyInclusion } from './verify';
import probes from './testdata/transparency-dev-merkle-probes.json';

const bytes = (b64: string) => Buffer.from(b64, 'base64');
const proofOf = (outcome: { ok: true; value: Uint8Array[] } | { ok: false; reason: string }) => {
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.value;
};

/**
 * Where we are stricter than transparency-dev/merkle: it accepts two trees of one size with equal roots whatever the
 * roots are; here a root must be a 32-byte SHA-256 hash, and that probe's roots are the 12 bytes "don't care 2".
 */
const STRICTER = new Set(['consistency/additional/sizes-are-equal-one-and-proof-is-empty.json']);

describe('verification against transparency-dev/merkle probes (every probe of testdata/inclusion and testdata/consistency)', () => {
  it.each(probes.inclusion.map((p) => [p.file, p] as const))('inclusion %s', (_, p) => {
    const outcome = verifyInclusion({ index: p.leafIdx, size: p.treeSize, leafHash: bytes(p.leafHash), proof: (p.proof ?? []).map(bytes), root: bytes(p.root) });
    expect(outcome.ok).toBe(!p.wantErr);
  });

  it.each(probes.consistency.map((p) => [p.file, p] as const))('consistency %s', (_, p) => {
    const outcome = verifyConsistency({ olderSize: p.size1, olderRoot: bytes(p.root1), newerSize: p.size2, newerRoot: bytes(p.root2), proof: (p.proof ?? []).map(bytes) });
    expect(outcome.ok).toBe(!p.wantErr && !STRICTER.has(p.file));
  });
});

/** A tree of n entries, one of its leaves and an earlier size, chosen by fast-check. */
const trees = fc.integer({ min: 1, max: 300 }).chain((n) => fc.record({ n: fc.constant(n), index: fc.nat({ max: n - 1 }), older: fc.integer({ min: 1, max: n }), seed: fc.nat() }));
const build = (n: number, seed: number) => {
  const tree = new MerkleTree();
  const entries = Array.from({ length: n }, (_, i) => Buffer.from(`${seed}:${i}`));
  for (const e of entries) tree.appendEntry(e);
  return { tree, entries };
};
const flip = (hash: Uint8Array, bit: number) => {
  const copy = Buffer.from(hash);
  copy[(bit >> 3) % copy.length]! ^= 1 << (bit & 7);
  return copy;
};

describe('walks that share the nodes where their paths meet (InclusionWalks)', () => {
  it('give each leaf exactly the outcome of its own walk, whichever leaves and proofs are forged', () => {
    const forgery = fc.constantFrom('none', 'leaf', 'proof hash', 'last proof hash', 'shorter proof');
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 300 }), fc.nat(), fc.array(fc.tuple(fc.nat(), forgery, fc.nat(255)), { minLength: 1, maxLength: 40 }), (n, seed, picks) => {
        const { tree, entries } = build(n, seed);
        const claims = picks.map(([pick, forged, bit]) => {
          const index = pick % n;
          const proof = proofOf(tree.inclusionProof(index));
          const at = forged === 'last proof hash' ? proof.length - 1 : bit % proof.length;
          return {
            index,
            size: n,
            leafHash: forged === 'leaf' ? flip(leafHash(entries[index]!), bit) : leafHash(entries[index]!),
            proof: forged === 'proof hash' || forged === 'last proof hash' ? proof.map((h, i) => (i === at ? flip(h, bit) : h)) : forged === 'shorter proof' ? proof.slice(0, -1) : proof,
          };
        });
        const walks = new InclusionWalks();
        expect(claims.map((claim) => rootFromInclusionProof(claim, walks))).toEqual(claims.map((claim) => rootFromInclusionProof(claim)));
      }),
      { numRuns: 300 },
    );
  });

  it('end the walks of neighbouring leaves where they meet an earlier one', () => {
    const { tree, entries } = build(1024, 7);
    const walks = new InclusionWalks();
    for (let index = 512; index < 528; index++) {
      expect(rootFromInclusionProof({ index, size: 1024, leafHash: leafHash(entries[index]!), proof: proofOf(tree.inclusionProof(index)) }, walks)).toEqual({ ok: true, value: tree.root() });
    }
    expect(walks.shortened).toBe(15);
    // another tree size starts afresh: nothing of the first tree's walks is shared with a walk up the second
    const { tree: other, entries: otherEntries } = build(1000, 7);
    expect(rootFromInclusionProof({ index: 512, size: 1000, leafHash: leafHash(otherEntries[512]!), proof: proofOf(other.inclusionProof(512)) }, walks)).toEqual({ ok: true, value: other.root() });
    expect(walks.shortened).toBe(15);
  });
});

describe('every proof the tree makes verifies, and any change to it fails', () => {
  it('inclusion', () => {
    fc.assert(
      fc.property(trees, fc.nat(255), ({ n, index, seed }, bit) => {
        const { tree, entries } = build(n, seed);
        const claim = { index, size: n, leafHash: leafHash(entries[index]!), proof: proofOf(tree.inclusionProof(index)), root: tree.root() };
        expect(verifyInclusion(claim)).toEqual({ ok: true, value: true });
        expect(verifyInclusion({ ...claim, leafHash: leafHash(Buffer.from('forged')) }).ok).toBe(false);
        expect(verifyInclusion({ ...claim, leafHash: flip(claim.leafHash, bit) }).ok).toBe(false);
        expect(verifyInclusion({ ...claim, root: flip(claim.root, bit) }).ok).toBe(false);
        expect(verifyInclusion({ ...claim, size: index }).ok).toBe(false);
        // (A root and a size are bound by the checkpoint that signs them both: a proof alone cannot always tell a
        // tree of n leaves from one of n + 1 whose audit path has the same shape.)
        if (n > 1) {
          expect(verifyInclusion({ ...claim, index: (index + 1) % n }).ok).toBe(false);
          const at = bit % claim.proof.length;
          expect(verifyInclusion({ ...claim, proof: claim.proof.map((h, i) => (i === at ? flip(h, bit) : h)) }).ok).toBe(false);
          expect(verifyInclusion({ ...claim, proof: claim.proof.slice(0, -1) }).ok).toBe(false);
          expect(verifyInclusion({ ...claim, proof: [...claim.proof].reverse() }).ok).toBe(claim.proof.length === 1);
        }
        expect(verifyInclusion({ ...claim, proof: [...claim.proof, claim.root] }).ok).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it('consistency', () => {
    fc.assert(
      fc.property(trees, fc.nat(255), ({ n, older, seed }, bit) => {
        const { tree } = build(n, seed);
        const olderRoot = tree.rootAt(older);
        if (!olderRoot.ok) throw new Error(olderRoot.reason);
        const claim = { olderSize: older, olderRoot: olderRoot.value, newerSize: n, newerRoot: tree.root(), proof: proofOf(tree.consistencyProof(older)) };
        expect(verifyConsistency(claim)).toEqual({ ok: true, value: true });
        expect(verifyConsistency({ ...claim, olderRoot: flip(claim.olderRoot, bit) }).ok).toBe(false);
        expect(verifyConsistency({ ...claim, newerRoot: flip(claim.newerRoot, bit) }).ok).toBe(false);
        expect(verifyConsistency({ ...claim, newerSize: older - 1 }).ok).toBe(false);
        expect(verifyConsistency({ ...claim, proof: [...claim.proof, claim.newerRoot] }).ok).toBe(false);
        if (claim.proof.length > 0) {
          const at = bit % claim.proof.length;
          expect(verifyConsistency({ ...claim, proof: claim.proof.map((h, i) => (i === at ? flip(h, bit) : h)) }).ok).toBe(false);
          expect(verifyConsistency({ ...claim, proof: claim.proof.slice(1) }).ok).toBe(false);
        }
        if (older > 1) expect(verifyConsistency({ ...claim, olderSize: older - 1 }).ok).toBe(false);
        // the entries of another log of the same sizes
        const other = build(n, seed + 1).tree;
        expect(verifyConsistency({ ...claim, newerRoot: other.root() }).ok).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it('says what is wrong', () => {
    const { tree, entries } = build(8, 1);
    const claim = { index: 5, size: 8, leafHash: leafHash(entries[5]!), proof: proofOf(tree.inclusionProof(5)), root: tree.root() };
    expect(verifyInclusion({ ...claim, proof: claim.proof.slice(1) })).toEqual({ ok: false, reason: 'the proof has fewer hashes than a leaf at index 5 of a tree of 8 leaves needs' });
    expect(verifyInclusion({ ...claim, proof: [...claim.proof, claim.root] })).toEqual({ ok: false, reason: 'the proof has more hashes than a leaf at index 5 of a tree of 8 leaves needs' });
    expect(verifyInclusion({ ...claim, proof: [claim.proof[0]!.subarray(1)] })).toEqual({ ok: false, reason: 'proof hash 0 is 31 bytes, not 32' });
    expect(verifyInclusion({ ...claim, index: 8 })).toEqual({ ok: false, reason: 'leaf index 8 is not in a tree of 8 leaves' });
    expect(verifyInclusion({ ...claim, leafHash: leafHash(entries[4]!) })).toMatchObject({ ok: false, reason: expect.stringMatching(/^the proof leads from the leaf at index 5 to root .* not to .* of the tree of 8 leaves$/) });
    expect(verifyConsistency({ olderSize: 0, olderRoot: tree.root(), newerSize: 8, newerRoot: tree.root(), proof: [] })).toEqual({ ok: false, reason: 'a consistency proof from the empty tree proves nothing' });
  });
});
