import { accept, reject, type Outcome } from '../outcome';
import { base64, EMPTY_TREE_ROOT, HASH_SIZE, sameHash, strictBase64, type Hash } from '../merkle/hashing';
import { verifyConsistency } from '../merkle/verify';
import { cosign } from '../note/cosignature';
import type { SigningKey, VerifierKey } from '../note/keys';
import { parseNote } from '../note/note-format';
import { openNote } from '../note/open-note';
import { parseCheckpoint } from './checkpoint';
import type { SplitView } from './misbehaviour';

/**
 * A witness (c2sp.org/tlog-witness): it keeps, for each log it follows, the latest checkpoint it cosigned, and
 * cosigns a new one only if the log signed it and a consistency proof shows it extends that one. Here is the
 * decision, pure (the caller reads and writes the state, atomically, and gives the time); the HTTP statuses are
 * the protocol's.
 */

/** `add-checkpoint`'s body: `old <size>`, up to 63 base64 proof lines, a blank line, then the signed checkpoint. */
export interface AddCheckpointRequest {
  readonly oldSize: number;
  readonly proof: readonly Hash[];
  readonly checkpoint: string;
}

export const MAX_PROOF_LINES = 63;

export function formatAddCheckpointRequest({ oldSize, proof, checkpoint }: AddCheckpointRequest): string {
  return `old ${oldSize}\n${proof.map((hash) => `${base64(hash)}\n`).join('')}\n${checkpoint}`;
}

export function parseAddCheckpointRequest(body: string): Outcome<AddCheckpointRequest> {
  const blank = body.indexOf('\n\n');
  if (blank < 0) return reject('the request has no blank line before the checkpoint');
  const [oldLine, ...proofLines] = body.slice(0, blank).split('\n') as [string, ...string[]];
  const old = /^old (0|[1-9][0-9]*)$/.exec(oldLine);
  if (!old || !Number.isSafeInteger(Number(old[1]))) return reject(`the request's first line "${oldLine}" is not "old <size>" with a decimal size`);
  if (proofLines.length > MAX_PROOF_LINES) return reject(`the request has ${proofLines.length} proof lines, more than ${MAX_PROOF_LINES}`);
  const proof: Hash[] = [];
  for (const [i, line] of proofLines.entries()) {
    const hash = strictBase64(line);
    if (!hash || hash.length !== HASH_SIZE) return reject(`proof line ${i + 1} is not the base64 of a 32-byte hash`);
    proof.push(hash);
  }
  return accept({ oldSize: Number(old[1]), proof, checkpoint: body.slice(blank + 2) });
}

/** What a witness remembers of a log: the latest checkpoint it cosigned. */
export interface CosignedCheckpoint {
  readonly size: number;
  readonly root: Hash;
  /** the signed note it cosigned: evidence if the log later contradicts it */
  readonly note: string;
}

export interface FollowedLog {
  readonly origin: string;
  readonly logKeys: readonly VerifierKey[];
}

export type WitnessAnswer =
  | { readonly status: 200; readonly cosignature: string; readonly origin: string; readonly latest: CosignedCheckpoint }
  | { readonly status: 400 | 403 | 404; readonly reason: string }
  | { readonly status: 409; readonly reason: string; readonly latestSize: number; readonly splitView?: SplitView }
  | { readonly status: 422; readonly reason: string };

/**
 * The witness's answer to an add-checkpoint request, in the order c2sp.org/tlog-witness gives: an unknown origin is
 * 404, a missing or bad log signature 403, an old size past the checkpoint 400, an old size other than the latest
 * cosigned one 409 (with that size), the latest cosigned size with another root 409 too (a split view: the answer
 * carries its evidence), a checkpoint not shown consistent 422.
 */
export function addCheckpoint(
  request: AddCheckpointRequest,
  witness: { readonly key: SigningKey; readonly logs: readonly FollowedLog[] },
  latestCosigned: (origin: string) => CosignedCheckpoint | undefined,
  now: number,
): WitnessAnswer {
  const note = parseNote(request.checkpoint);
  if (!note.ok) return { status: 400, reason: `malformed checkpoint note: ${note.reason}` };
  const parsed = parseCheckpoint(note.value.text);
  if (!parsed.ok) return { status: 400, reason: parsed.reason };
  const { origin, size, root } = parsed.value;
  const log = witness.logs.find((l) => l.origin === origin);
  if (!log) return { status: 404, reason: `this witness does not follow the log "${origin}"` };
  const opened = openNote(request.checkpoint, log.logKeys);
  if (!opened.ok) return { status: 403, reason: opened.reason };
  if (request.oldSize > size) return { status: 400, reason: `the old size ${request.oldSize} is past the checkpoint's size ${size}` };
  const latest = latestCosigned(origin);
  const latestSize = latest?.size ?? 0;
  if (request.oldSize !== latestSize) return { status: 409, reason: `the latest checkpoint this witness cosigned for "${origin}" has size ${latestSize}, not ${request.oldSize}`, latestSize };
  if (size === 0 && !sameHash(root, EMPTY_TREE_ROOT)) return { status: 422, reason: 'a checkpoint of size 0 must have the root of the empty tree' };
  if (latest && latest.size === size && !sameHash(latest.root, root)) {
    return {
      status: 409,
      reason: `the log signed two checkpoints of ${size} entries with different roots: proof that it shows different histories`,
      latestSize,
      splitView: { origin, size, notes: [latest.note, request.checkpoint] },
    };
  }
  if (!latest || latest.size === 0) {
    if (request.proof.length > 0) return { status: 422, reason: 'nothing is to be proved from the empty tree, yet the proof is not empty' };
  } else if (latest.size < size) {
    const consistent = verifyConsistency({ olderSize: latest.size, olderRoot: latest.root, newerSize: size, newerRoot: root, proof: request.proof });
    if (!consistent.ok) return { status: 422, reason: `the checkpoint is not shown to extend the one of ${latest.size} entries this witness cosigned: ${consistent.reason}` };
  } else if (request.proof.length > 0) {
    return { status: 422, reason: 'the checkpoint has the size of the one this witness cosigned: the proof must be empty' };
  }
  return { status: 200, cosignature: cosign(note.value.text, witness.key, now), origin, latest: { size, root, note: request.checkpoint } };
}
