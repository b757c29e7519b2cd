import { accept, reject, type Outcome } from '../outcome';
import type { SigningKey } from './keys';
import { formatNote, noteTextProblem } from './note-format';

/** Signs a note's text with Ed25519 keys (type `ed25519`); cosignatures are made by cosign(). */
export function signNote(text: string, keys: readonly SigningKey[]): Outcome<string> {
  const problem = noteTextProblem(text);
  if (problem) return reject(problem);
  if (keys.length === 0) return reject('a note needs at least one signature');
  const wrong = keys.find((key) => key.type !== 'ed25519');
  if (wrong) return reject(`${wrong.name} is a ${wrong.type} key: it cosigns checkpoints, it does not sign notes`);
  const bytes = Buffer.from(text, 'utf8');
  return accept(formatNote({ text, signatures: keys.map((key) => ({ keyName: key.name, keyId: key.id, signature: key.sign(bytes) })) }));
}
