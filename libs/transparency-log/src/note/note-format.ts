import { accept, reject, type Outcome } from '../outcome';
import { strictBase64 } from '../merkle/hashing';
import { keyIdHex, keyNameProblem } from './keys';

/**
 * A C2SP signed note (c2sp.org/signed-note): UTF-8 text ending in a newline, a blank line, then one or more signature
 * lines `— <key name> <base64(4-byte key ID || signature)>` (an em dash U+2014 and a space first). The text is
 * separated from the signatures by the last blank line; it includes its final newline. No control characters but
 * the newline anywhere. This file reads and writes the form; open-note.ts decides what a signature is worth.
 */
export interface Note {
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

export interface NoteSignature {
  readonly keyName: string;
  readonly keyId: number;
  /** the signature's bytes after the key ID */
  readonly signature: Uint8Array;
}

/** Go's note package refuses notes with more than 100 signatures; the spec asks to accept at least 16. */
export const MAX_SIGNATURES = 100;
/** Far above a checkpoint with 100 signatures (about 10 kB): a bound on what a verifier reads. */
export const MAX_NOTE_BYTES = 1024 * 1024;

const EM_DASH_SPACE = '\u2014 ';

export function signatureLine({ keyName, keyId, signature }: NoteSignature): string {
  const bytes = Buffer.alloc(4 + signature.length);
  bytes.writeUInt32BE(keyId, 0);
  bytes.set(signature, 4);
  return `${EM_DASH_SPACE}${keyName} ${bytes.toString('base64')}\n`;
}

export const formatNote = (note: Note): string => `${note.text}\n${note.signatures.map(signatureLine).join('')}`;

/** Whether the text can be signed: non-empty, ending in a newline, no control characters but newlines. */
export function noteTextProblem(text: string): string | undefined {
  if (text === '' || !text.endsWith('\n')) return 'a note text ends with a newline';
  if (/[\u0000-\u0009\u000b-\u001f]/.test(text)) return 'a note holds no control characters other than newlines';
  if (Buffer.from(text, 'utf8').toString('utf8') !== text) return 'a note is well-formed UTF-8';
  return undefined;
}

/** Reads a signed note's form (text and signature lines), strictly; says which rule a malformed one breaks. */
export function parseNote(message: string | Uint8Array): Outcome<Note> {
  const size = typeof message === 'string' ? Buffer.byteLength(message, 'utf8') : message.length;
  if (size > MAX_NOTE_BYTES) return reject(`the note is ${size} bytes, more than the ${MAX_NOTE_BYTES} a note may have here`);
  let text: string;
  if (typeof message === 'string') {
    text = message;
  } else {
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(message);
    } catch {
      return reject('the note is not valid UTF-8');
    }
  }
  const problem = noteTextProblem(text);
  if (problem) return reject(problem === 'a note text ends with a newline' ? 'the note does not end with a newline' : problem);
  const split = text.lastIndexOf('\n\n');
  if (split < 0) return reject('the note has no blank line between its text and its signatures');
  const body = text.slice(0, split + 1);
  const lines = text.slice(split + 2, -1).split('\n');
  if (lines.length === 1 && lines[0] === '') return reject('the note has no signature after its blank line');
  if (lines.length > MAX_SIGNATURES) return reject(`the note has ${lines.length} signature lines, more than ${MAX_SIGNATURES}`);
  const signatures: NoteSignature[] = [];
  for (const [i, line] of lines.entries()) {
    const signature = parseSignatureLine(line);
    if (!signature.ok) return reject(`signature line ${i + 1}: ${signature.reason}`);
    signatures.push(signature.value);
  }
  return accept({ text: body, signatures });
}

function parseSignatureLine(line: string): Outcome<NoteSignature> {
  if (!line.startsWith(EM_DASH_SPACE)) return reject('it does not start with an em dash (U+2014) and a space');
  const rest = line.slice(EM_DASH_SPACE.length);
  const space = rest.indexOf(' ');
  if (space < 0) return reject('it has no space between the key name and the signature');
  const [keyName, encoded] = [rest.slice(0, space), rest.slice(space + 1)];
  const nameProblem = keyNameProblem(keyName);
  if (nameProblem) return reject(nameProblem);
  const bytes = strictBase64(encoded);
  if (!bytes) return reject(`the signature of "${keyName}" is not standard, padded base64`);
  if (bytes.length < 5) return reject(`the signature of "${keyName}" is ${bytes.length} bytes: too short for a key ID and a signature`);
  return accept({ keyName, keyId: bytes.readUInt32BE(0), signature: bytes.subarray(4) });
}

/** `name+keyid`, how a key is named in reasons. */
export const keyLabel = (keyName: string, keyId: number): string => `${keyName}+${keyIdHex(keyId)}`;
