import { accept, reject, type Outcome } from '../outcome';
import { EMPTY_TREE_ROOT, sameHash } from '../merkle/hashing';
import type { SigningKey, VerifierKey } from '../note/keys';
import { keyLabel } from '../note/note-format';
import { openNote } from '../note/open-note';
import { signNote } from '../note/sign-note';
import { formatCheckpoint, parseCheckpoint, type Checkpoint } from './checkpoint';

/**
 * What a verifier trusts, set by its operator, never read from what it verifies (CVE-2022-39199: a verifier that
 * took the identity from the server's answer trusted whoever answered). A checkpoint verifies only if its origin is
 * this origin and one of these log keys signed it; a witness counts only if it is one of these witnesses.
 */
export interface CheckpointTrust {
  readonly origin: string;
  /** the log's Ed25519 verifier keys: one, or more while the key is rotated */
  readonly logKeys: readonly VerifierKey[];
  /** witnesses' cosignature/v1 verifier keys */
  readonly witnesses?: readonly VerifierKey[];
  /** how many of those witnesses must have cosigned (k of n); 0 when not given */
  readonly quorum?: number;
}

export interface Cosignature {
  readonly witness: VerifierKey;
  /** when the witness says it cosigned, seconds since the Unix epoch */
  readonly timestamp: number;
}

export interface VerifiedCheckpoint {
  readonly checkpoint: Checkpoint;
  /** the signed note as received: evidence to keep */
  readonly note: string;
  /** the note text the signatures cover */
  readonly text: string;
  readonly signedBy: VerifierKey;
  readonly cosignatures: readonly Cosignature[];
}

/** The checkpoint's note text signed by the log's Ed25519 key. */
export function signCheckpoint(checkpoint: Checkpoint, logKey: SigningKey): string {
  const signed = signNote(formatCheckpoint(checkpoint), [logKey]);
  if (!signed.ok) throw new Error(signed.reason);
  return signed.value;
}

function trustProblem({ origin, logKeys, witnesses = [], quorum = 0 }: CheckpointTrust): string | undefined {
  if (origin === '') return 'the trusted origin is empty';
  if (logKeys.length === 0) return 'no log key is trusted';
  const notLog = logKeys.find((key) => key.type !== 'ed25519');
  if (notLog) return `log key ${keyLabel(notLog.name, notLog.id)} is a ${notLog.type} key, not an Ed25519 note key`;
  const notWitness = witnesses.find((key) => key.type !== 'cosignature/v1');
  if (notWitness) return `witness key ${keyLabel(notWitness.name, notWitness.id)} is a ${notWitness.type} key, not a cosignature/v1 key`;
  if (!Number.isSafeInteger(quorum) || quorum < 0 || quorum > witnesses.length) return `a quorum of ${quorum} cannot be met by ${witnesses.length} trusted witnesses`;
  const hex = (key: VerifierKey) => Buffer.from(key.publicKey).toString('hex');
  const logPublicKeys = new Set(logKeys.map(hex));
  const both = witnesses.find((key) => logPublicKeys.has(hex(key)));
  if (both) return `${both.name}'s public key is trusted both as the log's and as a witness's: a witness must be someone other than the log`;
  const distinct = new Set(witnesses.map(hex));
  if (distinct.size < witnesses.length) return 'two trusted witnesses share a public key: they would count twice towards the quorum';
  return undefined;
}

/**
 * Verifies a signed checkpoint against what the verifier trusts: the form of the note and of the checkpoint, the
 * log's signature, the origin, each trusted witness's cosignature, and the quorum. The reason names the first thing
 * that fails.
 */
export function verifyCheckpoint(note: string | Uint8Array, trust: CheckpointTrust): Outcome<VerifiedCheckpoint> {
  const problem = trustProblem(trust);
  if (problem) return reject(`the verifier's configuration: ${problem}`);
  const opened = openNote(note, [...trust.logKeys, ...(trust.witnesses ?? [])]);
  if (!opened.ok) return opened;
  const checkpoint = parseCheckpoint(opened.value.text);
  if (!checkpoint.ok) return checkpoint;
  const { origin, size, root } = checkpoint.value;
  if (origin !== trust.origin) return reject(`the checkpoint is of origin "${origin}"; this verifier trusts "${trust.origin}"`);
  const signedBy = opened.value.verified.find(({ key }) => trust.logKeys.includes(key))?.key;
  if (!signedBy) return reject(`the checkpoint is not signed by the log's key (${trust.logKeys.map((k) => keyLabel(k.name, k.id)).join(', ')})`);
  if (size === 0 && !sameHash(root, EMPTY_TREE_ROOT)) return reject('a checkpoint of size 0 must have the root of the empty tree');
  const cosignatures = opened.value.verified.filter(({ key }) => key.type === 'cosignature/v1').map(({ key, timestamp }) => ({ witness: key, timestamp: timestamp! }));
  const quorum = trust.quorum ?? 0;
  if (cosignatures.length < quorum) {
    const who = cosignatures.map((c) => c.witness.name).join(', ') || 'none';
    return reject(`${cosignatures.length} of the ${trust.witnesses?.length ?? 0} trusted witnesses cosigned the checkpoint (${who}); ${quorum} are required`);
  }
  const text = typeof note === 'string' ? note : Buffer.from(note).toString('utf8');
  return accept({ checkpoint: checkpoint.value, note: text, text: opened.value.text, signedBy, cosignatures });
}
