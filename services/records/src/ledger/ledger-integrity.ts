import type { SqlClient } from '@gantry/event-store';
import { InclusionWalks, rootFromInclusionProof, sameHash, verifyCheckpoint, type CheckpointTrust } from '@gantry/transparency-log';
import { latestCheckpoint } from './ledger-checkpoints';
import { deploymentIdOf, hashesOf, type StoredLedgerEntry } from './ledger-entry';
import { inclusionPaths } from './ledger-tree';

/**
 * Whether the entries an audit answer shows verify: each re-hashes to the hash stored with it, and each the latest
 * signed checkpoint covers is in the tree that checkpoint signed (its bytes lead to the signed root). Entries newer
 * than the checkpoint re-hash, but no signature vouches for them yet.
 */
export interface LedgerIntegrity {
  /** no entry failed a check */
  verified: boolean;
  /** the latest signed checkpoint the entries were checked against, null before the first */
  checkpoint: { treeSize: number; madeAt: string } | null;
  /** positions after the checkpoint: not yet checkpointed */
  notCheckpointed: number[];
  /** the first entry (by position) that fails, and why */
  firstFailure: { position: number; reason: string } | null;
}

/** The problem with an entry's bytes against its stored hash, and, for format 1, its filing against its event. */
function rehashProblem(entry: StoredLedgerEntry, hash: string): string | undefined {
  if (hash !== entry.hash) return 'its bytes do not hash to the hash stored with it: it was changed after it was recorded';
  if (entry.format === 1 && deploymentIdOf(entry.event) !== entry.deploymentId) return "its deployment id is not its event's (a format-1 entry moved to another deployment)";
  return undefined;
}

/**
 * Checks the entries against the latest checkpoint, verified with the log's own key and origin (never the checkpoint's
 * word): one query for the checkpoint, one for every proof's nodes.
 */
export async function integrityOf(client: SqlClient, schema: string, entries: readonly StoredLedgerEntry[], trust: CheckpointTrust): Promise<LedgerIntegrity> {
  const byPosition = [...entries].sort((a, b) => a.position - b.position);
  const failures: { position: number; reason: string }[] = [];
  const leaves = new Map<number, Buffer>();
  for (const entry of byPosition) {
    const { leaf, hash } = hashesOf(entry);
    leaves.set(entry.position, leaf);
    const problem = rehashProblem(entry, hash);
    if (problem) failures.push({ position: entry.position, reason: problem });
  }
  const latest = await latestCheckpoint(client, schema);
  const covered = latest ? byPosition.filter((e) => e.position <= latest.treeSize) : [];
  const notCheckpointed = byPosition.filter((e) => !latest || e.position > latest.treeSize).map((e) => e.position);
  if (latest && covered.length > 0) failures.push(...(await inclusionFailures(client, schema, covered, leaves, latest.note, latest.treeSize, trust)));
  const firstFailure = failures.reduce<LedgerIntegrity['firstFailure']>((first, f) => (first === null || f.position < first.position ? f : first), null);
  return { verified: firstFailure === null, checkpoint: latest ? { treeSize: latest.treeSize, madeAt: latest.madeAt } : null, notCheckpointed, firstFailure };
}

/** The entries whose bytes do not lead to the root the checkpoint signed (all of them when the checkpoint does not verify). */
async function inclusionFailures(client: SqlClient, schema: string, covered: readonly StoredLedgerEntry[], leaves: ReadonlyMap<number, Buffer>, note: string, size: number, trust: CheckpointTrust) {
  const first = covered[0]!.position;
  const opened = verifiedCheckpoint(note, trust);
  if (!opened.ok) return [{ position: first, reason: `the latest checkpoint (size ${size}) does not verify with the log's key: ${opened.reason}` }];
  const root = opened.value.checkpoint.root;
  let proofs;
  try {
    proofs = await inclusionPaths(client, schema, covered.map((e) => e.position), size, true);
  } catch (error) {
    // the stored tree lacks a node of a proof: it was tampered with
    return [{ position: first, reason: (error as Error).message }];
  }
  if (!proofs.ok) return [{ position: first, reason: proofs.reason }];
  const failures: { position: number; reason: string }[] = [];
  // the walks up from one deployment's entries meet below the root: above where they meet, each node is hashed once
  const walks = new InclusionWalks();
  proofs.value.forEach((proof, n) => {
    const entry = covered[n]!;
    const led = rootFromInclusionProof({ index: proof.leafIndex, size, leafHash: leaves.get(entry.position)!, proof: proof.hashes }, walks);
    if (!led.ok || !sameHash(led.value, root)) failures.push({ position: entry.position, reason: `its bytes are not in the tree the checkpoint of size ${size} signed` });
  });
  return failures;
}

/**
 * The latest checkpoint as verified last: every history read checks its entries against the same checkpoint until
 * the next one is signed, and an Ed25519 verification costs about 0.14 ms here. Remembered by the note's text and
 * the keys it was verified with; any other note or trust is verified afresh.
 */
let lastVerified: { note: string; trust: CheckpointTrust; outcome: ReturnType<typeof verifyCheckpoint> } | undefined;

function verifiedCheckpoint(note: string, trust: CheckpointTrust): ReturnType<typeof verifyCheckpoint> {
  if (lastVerified && lastVerified.note === note && sameTrust(lastVerified.trust, trust)) return lastVerified.outcome;
  const outcome = verifyCheckpoint(note, trust);
  lastVerified = { note, trust, outcome };
  return outcome;
}

const sameKeys = (a: readonly unknown[] = [], b: readonly unknown[] = []) => a.length === b.length && a.every((key, i) => key === b[i]);
const sameTrust = (a: CheckpointTrust, b: CheckpointTrust) => a.origin === b.origin && (a.quorum ?? 0) === (b.quorum ?? 0) && sameKeys(a.logKeys, b.logKeys) && sameKeys(a.witnesses, b.witnesses);
