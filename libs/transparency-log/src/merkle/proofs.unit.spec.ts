import fc from 'fast-check';
import { MerkleTree } from './merkle-tree';
import { CompactRange } from './compact-range';
import { leafHash } from './hashing';
import { nodeHashesOf } from './node-hashes';
import { assemble, consistencyProof, inclusionProof, rootAt } from './proofs';
import { referencePath, referenceProof, referenceRoot } from './reference-tree';
import { consistencyPlan, inclusionPlan, nodesOf, subtreesOf } from './subtrees';
import probes from './testdata/transparency-dev-merkle-probes.json';

const hex = (h: Uint8Array) => Buffer.from(h).toString('hex');
const b64 = (h: Uint8Array) => Buffer.from(h).toString('base64');
const value = <T>(outcome: { ok: true; value: T } | { ok: false; reason: string }): T => {
  if (!outcome.ok) throw new Error(outcome.reason);
  return outcome.value;
};

// transparency-dev/merkle testonly/constants.go: the eight leaves of RFC 6962's test tree, the hashes of every complete
// subtree of it by level, and the root of each prefix of it.
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));
const NODE_HASHES = [
  [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
    '0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7',
    '07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7',
    'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
    '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
    'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
    '46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1',
  ],
  [
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
    '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
    'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
  ],
  ['d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4'],
  ['5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328'],
];
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

const treeOf = (entries: readonly Uint8Array[]) => {
  const tree = new MerkleTree();
  for (const entry of entries) tree.appendEntry(entry);
  return tree;
};
const entriesOf = (n: number) => Array.from({ length: n }, (_, i) => Buffer.from(`entry ${i}`));

describe('the tree of complete subtrees, against RFC 6962 test vectors', () => {
  const tree = new MerkleTree();

  it('has the published root after each append, and the same at every earlier size', () => {
    expect(hex(tree.root())).toBe(ROOTS[0]);
    LEAVES.forEach((leaf, i) => {
      tree.appendEntry(leaf);
      expect(hex(tree.root())).toBe(ROOTS[i + 1]);
    });
    ROOTS.forEach((root, size) => expect(hex(value(tree.rootAt(size)))).toBe(root));
  });

  it('stores exactly the published hashes of the complete subtrees', () => {
    NODE_HASHES.forEach((level, l) => level.forEach((hash, i) => expect(hex(tree.node(l, i)!)).toBe(hash)));
    expect(tree.node(0, 8)).toBeUndefined();
    expect(tree.node(4, 0)).toBeUndefined();
  });

  it('produces the audit paths and consistency proofs of the published happy paths', () => {
    const happy = <T extends { desc: string }>(list: T[]) => list.filter((p) => p.desc === 'happy path');
    for (const p of happy(probes.inclusion)) {
      expect(value(tree.inclusionProof(p.leafIdx, p.treeSize)).map(b64)).toEqual(p.proof ?? []);
    }
    for (const p of happy(probes.consistency)) {
      expect(value(tree.consistencyProof(p.size1, p.size2)).map(b64)).toEqual(p.proof ?? []);
    }
    expect(happy(probes.inclusion).length + happy(probes.consistency).length).toBeGreaterThanOrEqual(8);
  });
});

describe('roots and proofs, against the RFC definitions written literally', () => {
  it('agree for every leaf and every pair of sizes of trees up to 40 leaves', () => {
    const entries = entriesOf(40);
    const tree = treeOf(entries);
    for (let n = 0; n <= entries.length; n++) {
      const prefix = entries.slice(0, n);
      expect(hex(value(tree.rootAt(n)))).toBe(hex(referenceRoot(prefix)));
      for (let m = 0; m < n; m++) expect(value(tree.inclusionProof(m, n)).map(hex)).toEqual(referencePath(m, prefix).map(hex));
      for (let m = 0; m <= n; m++) expect(value(tree.consistencyProof(m, n)).map(hex)).toEqual(referenceProof(m, prefix).map(hex));
    }
  });

  it('agree on random trees of up to 600 leaves', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 600 }).chain((n) => fc.tuple(fc.constant(n), fc.nat({ max: n - 1 }), fc.nat({ max: n }))), ([n, m, older]) => {
        const entries = entriesOf(n);
        const tree = treeOf(entries);
        expect(value(tree.inclusionProof(m)).map(hex)).toEqual(referencePath(m, entries).map(hex));
        expect(value(tree.consistencyProof(older)).map(hex)).toEqual(referenceProof(older, entries).map(hex));
      }),
      { numRuns: 60 },
    );
  });
});

describe('proofs from stored rows', () => {
  it('are assembled from the nodes a plan names, fetched at once, and name a missing node', () => {
    const tree = treeOf(entriesOf(1000));
    const plan = inclusionPlan(777, 1000);
    const rows = nodesOf(plan).map(({ level, index }) => ({ level, index, hash: tree.node(level, index)! }));
    expect(rows.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(1000)));
    expect(value(assemble(plan, nodeHashesOf(rows))).map(hex)).toEqual(value(tree.inclusionProof(777, 1000)).map(hex));
    const missing = assemble(plan, nodeHashesOf(rows.slice(1)));
    expect(missing).toEqual({ ok: false, reason: `the hash of the complete subtree at level ${rows[0]!.level}, index ${rows[0]!.index} is not stored` });
  });

  it('are the same from the rows each append returned as from the tree that made them', () => {
    const tree = new MerkleTree();
    const rows = entriesOf(300).flatMap((entry) => tree.appendEntry(entry));
    const stored = nodeHashesOf(rows);
    // 300 leaves, 150 pairs, 75 of four, … : every complete subtree once
    expect(rows.length).toBe(300 + 150 + 75 + 37 + 18 + 9 + 4 + 2 + 1);
    expect(hex(value(rootAt(300, stored)))).toBe(hex(tree.root()));
    expect(value(inclusionProof(5, 250, stored)).map(hex)).toEqual(value(tree.inclusionProof(5, 250)).map(hex));
    expect(value(consistencyProof(17, 300, stored)).map(hex)).toEqual(value(tree.consistencyProof(17, 300)).map(hex));
  });

  it('resume appending from the stored edge of the tree', () => {
    const entries = entriesOf(77);
    const tree = treeOf(entries);
    const edge = CompactRange.of(50, subtreesOf(0, 50).map(({ level, index }) => tree.node(level, index)!));
    for (const entry of entries.slice(50)) edge.push(leafHash(entry));
    expect(hex(edge.root())).toBe(hex(tree.root()));
  });

  it('plan a consistency proof of a tree with itself or with the empty tree as nothing', () => {
    expect(consistencyPlan(0, 10)).toEqual([]);
    expect(consistencyPlan(10, 10)).toEqual([]);
  });

  it('refuse leaves and sizes outside the tree, with the reason', () => {
    const tree = treeOf(entriesOf(10));
    expect(tree.inclusionProof(10)).toEqual({ ok: false, reason: 'leaf index 10 is not in a tree of 10 leaves' });
    expect(tree.inclusionProof(3, 11)).toEqual({ ok: false, reason: 'the tree has 10 leaves: there is no tree of 11 yet' });
    expect(tree.inclusionProof(-1)).toEqual({ ok: false, reason: 'a leaf index is a whole number from 0, not -1' });
    expect(tree.inclusionProof(1.5)).toEqual({ ok: false, reason: 'a leaf index is a whole number from 0, not 1.5' });
    expect(tree.consistencyProof(7, 5)).toEqual({ ok: false, reason: 'a tree of 7 leaves cannot be a prefix of one of 5' });
    expect(tree.rootAt(12).ok).toBe(false);
  });
});
