import { accept, reject, type Outcome } from '../outcome';
import { verifyCosignature } from './cosignature';
import type { VerifierKey } from './keys';
import { keyLabel, parseNote, type NoteSignature } from './note-format';

/** A signature on a note that a trusted key made (for a cosignature: when the witness says it made it). */
export interface VerifiedSignature {
  readonly key: VerifierKey;
  readonly signature: NoteSignature;
  /** cosignature/v1 only: seconds since the Unix epoch */
  readonly timestamp?: number;
}

export interface OpenedNote {
  readonly text: string;
  /** one per trusted key that signed, in the order of the note */
  readonly verified: readonly VerifiedSignature[];
  /** signatures of keys this verifier does not know: ignored, as the spec requires, and kept to pass on */
  readonly unverified: readonly NoteSignature[];
}

/**
 * Opens a signed note with the keys a verifier was configured with, never with keys the note names: a signature line
 * is matched to a trusted key by its name and key ID together, and only then checked. Following c2sp.org/signed-note
 * and Go's note.Open: signatures of unknown keys are ignored; a signature of a trusted key that does not verify
 * rejects the whole note; a note no trusted key verified is rejected. Two trusted keys with one name and key ID are a
 * configuration that cannot tell them apart: refused.
 */
export function openNote(message: string | Uint8Array, trusted: readonly VerifierKey[]): Outcome<OpenedNote> {
  const keys = new Map<string, VerifierKey>();
  for (const key of trusted) {
    const label = keyLabel(key.name, key.id);
    if (keys.has(label)) return reject(`two trusted keys are named ${label}: a signature cannot tell which one made it`);
    keys.set(label, key);
  }
  const note = parseNote(message);
  if (!note.ok) return reject(`malformed note: ${note.reason}`);
  const verified: VerifiedSignature[] = [];
  const unverified: NoteSignature[] = [];
  const seen = new Set<string>();
  for (const signature of note.value.signatures) {
    const label = keyLabel(signature.keyName, signature.keyId);
    const key = keys.get(label);
    if (!key) {
      unverified.push(signature);
      continue;
    }
    if (seen.has(label)) continue;
    seen.add(label);
    if (key.type === 'cosignature/v1') {
      const cosigned = verifyCosignature(note.value.text, key, signature.signature);
      if (!cosigned.ok) return reject(`the signature of trusted key ${label} does not verify: ${cosigned.reason}`);
      verified.push({ key, signature, timestamp: cosigned.value });
    } else {
      if (!key.verify(Buffer.from(note.value.text, 'utf8'), signature.signature)) return reject(`the signature of trusted key ${label} does not verify`);
      verified.push({ key, signature });
    }
  }
  if (verified.length === 0) {
    const names = trusted.map((k) => keyLabel(k.name, k.id)).join(', ') || 'none';
    return reject(`no trusted key signed the note (trusted: ${names}; signed by: ${note.value.signatures.map((s) => keyLabel(s.keyName, s.keyId)).join(', ')})`);
  }
  return accept({ text: note.value.text, verified, unverified });
}
