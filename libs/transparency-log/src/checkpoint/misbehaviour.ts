import { accept, type Outcome } from '../outcome';
import { base64, sameHash, type Hash } from '../merkle/hashing';
import { verifyConsistency } from '../merkle/verify';
import type { VerifiedCheckpoint } from './signed-checkpoint';

/**
 * Proof that a log lied: two checkpoints it signed for one tree size with different roots. A log shows every reader
 * one history; two signed heads of one size that differ mean it showed (at least) two, and the pair of notes proves
 * it to anyone holding the log's public key.
 */
export interface SplitView {
  readonly origin: string;
  readonly size: number;
  /** the two signed notes, as received */
  readonly notes: readonly [string, string];
}

/** A refusal that carries the evidence when there is one. */
export interface Inconsistent {
  readonly ok: false;
  readonly reason: string;
  readonly splitView?: SplitView;
}

/** Every pair of checkpoints of one origin and size whose roots differ (the first note of each root). */
export function findSplitViews(checkpoints: readonly VerifiedCheckpoint[]): SplitView[] {
  const firstOfEachRoot = new Map<string, Map<string, VerifiedCheckpoint>>();
  for (const verified of checkpoints) {
    const key = `${verified.checkpoint.size}\n${verified.checkpoint.origin}`;
    const roots = firstOfEachRoot.get(key) ?? new Map<string, VerifiedCheckpoint>();
    const root = base64(verified.checkpoint.root);
    if (!roots.has(root)) roots.set(root, verified);
    firstOfEachRoot.set(key, roots);
  }
  return [...firstOfEachRoot.values()].flatMap((roots) => {
    const [first, ...others] = [...roots.values()];
    return others.map((other) => ({ origin: first!.checkpoint.origin, size: first!.checkpoint.size, notes: [first!.note, other.note] as const }));
  });
}

/**
 * Whether `newer` extends `older` (both verified checkpoints of one log): the same origin, a size at least as large,
 * the same root at the same size, and otherwise a consistency proof that verifies between them. When the sizes are
 * equal and the roots differ, the refusal carries the split view.
 */
export function checkExtends(older: VerifiedCheckpoint, newer: VerifiedCheckpoint, proof: readonly Hash[]): Outcome<true> | Inconsistent {
  const [a, b] = [older.checkpoint, newer.checkpoint];
  if (a.origin !== b.origin) return { ok: false, reason: `the checkpoints are of two logs, "${a.origin}" and "${b.origin}"` };
  if (b.size < a.size) return { ok: false, reason: `the newer checkpoint has ${b.size} entries, fewer than the ${a.size} of the older one` };
  if (b.size === a.size) {
    if (sameHash(a.root, b.root)) return accept(true);
    return {
      ok: false,
      reason: `the log signed two checkpoints of ${a.size} entries with different roots (${base64(a.root)} and ${base64(b.root)}): proof that it shows different histories`,
      splitView: { origin: a.origin, size: a.size, notes: [older.note, newer.note] },
    };
  }
  if (a.size === 0) return proof.length === 0 ? accept(true) : { ok: false, reason: 'nothing is to be proved from the empty tree, yet the proof is not empty' };
  const consistent = verifyConsistency({ olderSize: a.size, olderRoot: a.root, newerSize: b.size, newerRoot: b.root, proof });
  return consistent.ok ? consistent : { ok: false, reason: `the checkpoint of ${b.size} entries is not shown to extend the one of ${a.size}: ${consistent.reason}` };
}
