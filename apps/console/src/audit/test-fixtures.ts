import { createHash } from 'node:crypto';
import { generateKeyPair, MerkleTree, parseSigningKey, signCheckpoint } from '@gantry/transparency-log';

export const ORIGIN = 'console.test/ledger';

/**
 * A ledger as records writes it, made with libs/transparency-log (Node's crypto): `count` format-2 entries chained from
 * genesis, and the log's checkpoints at `sizes`, signed by a fresh key. What the browser's verifier must agree with.
 */
export function aSignedLedger(count: number, sizes: readonly number[]) {
  const { signingKey, verifierKey } = generateKeyPair(ORIGIN);
  const key = parseSigningKey(signingKey);
  if (!key.ok) throw new Error(key.reason);
  const tree = new MerkleTree();
  const lines: string[] = [];
  let previousHash = '0'.repeat(64);
  const checkpoints: string[] = [];
  for (let position = 1; position <= count; position++) {
    const line = JSON.stringify({
      actor: { channel: 'rest', roles: 'deployment-manager', subject: 'alice' },
      deploymentId: 'd-1',
      format: 2,
      metadata: { source: '/gantry/planning' },
      payload: { deploymentId: 'd-1', note: `entry ${position} café ✓` },
      position,
      previousHash,
      recordedAt: '2026-12-01T09:00:00.200Z',
      sourceEventHash: null,
      sourceEventId: `e-${position}`,
      stream: 'd-1',
      streamVersion: position,
      time: null,
      topic: 'gantry.planning.v1',
      type: 'gantry.planning.DeploymentPlanned.v1',
    });
    lines.push(line);
    tree.appendEntry(Buffer.from(line));
    previousHash = createHash('sha256').update(Buffer.concat([Buffer.from([0]), Buffer.from(line)])).digest('hex');
    if (sizes.includes(position)) checkpoints.push(signCheckpoint({ origin: ORIGIN, size: position, root: tree.root(), extensions: [] }, key.value));
  }
  /** the bundle of deployment d-1 at the last checkpoint, as records answers it, with the library's inclusion proofs */
  const bundle = () => {
    const treeSize = Math.max(...sizes);
    return {
      deploymentId: 'd-1',
      checkpoint: checkpoints[checkpoints.length - 1],
      entries: lines.slice(0, treeSize).map((entry, leafIndex) => {
        const proof = tree.inclusionProof(leafIndex, treeSize);
        if (!proof.ok) throw new Error(proof.reason);
        return {
          position: leafIndex + 1,
          leafIndex,
          treeSize,
          leafHash: createHash('sha256').update(Buffer.concat([Buffer.from([0]), Buffer.from(entry)])).digest('hex'),
          hashes: proof.value.map((hash) => Buffer.from(hash).toString('hex')),
          entry,
        };
      }),
    };
  };
  return { exported: `${lines.join('\n')}\n`, lines, checkpoints, verifierKey, bundle };
}
