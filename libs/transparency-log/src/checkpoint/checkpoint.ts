import { accept, reject, type Outcome } from '../outcome';
import { base64, HASH_SIZE, strictBase64, type Hash } from '../merkle/hashing';
import { noteTextProblem } from '../note/note-format';

/**
 * A checkpoint's note text (c2sp.org/tlog-checkpoint): three lines and optional extension lines, each ending in a
 * newline,
 *
 *     <origin: the log's identity, e.g. gantry.example.com/ledger>
 *     <tree size: decimal, no leading zero>
 *     <root hash: standard base64 of the RFC 6962 root of the first `size` entries>
 *     [<extension line, non-empty> …]
 *
 * signed as a note by the log's key, and cosigned by witnesses.
 */
export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly root: Hash;
  readonly extensions: readonly string[];
}

export function formatCheckpoint({ origin, size, root, extensions }: Checkpoint): string {
  const problem = checkpointProblem({ origin, size, root, extensions });
  if (problem) throw new Error(`not a checkpoint: ${problem}`);
  return [origin, String(size), base64(root), ...extensions].map((line) => `${line}\n`).join('');
}

function checkpointProblem({ origin, size, root, extensions }: Checkpoint): string | undefined {
  if (origin === '' || origin.includes('\n')) return 'the origin is one non-empty line';
  if (!Number.isSafeInteger(size) || size < 0) return `the tree size is a whole number from 0 to 2^53 − 1, not ${size}`;
  if (root.length !== HASH_SIZE) return `the root hash is ${HASH_SIZE} bytes, not ${root.length}`;
  if (extensions.some((line) => line === '' || line.includes('\n'))) return 'an extension line is one non-empty line';
  return noteTextProblem([origin, ...extensions].map((line) => `${line}\n`).join(''));
}

/** Reads a checkpoint's note text strictly, naming the line that breaks the format. */
export function parseCheckpoint(text: string): Outcome<Checkpoint> {
  const problem = noteTextProblem(text);
  if (problem) return reject(`checkpoint: ${problem}`);
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) return reject(`a checkpoint has at least three lines (origin, tree size, root hash); this one has ${lines.length}`);
  const [origin, sizeLine, rootLine, ...extensions] = lines as [string, string, string, ...string[]];
  if (origin === '') return reject('the checkpoint has an empty origin line');
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine)) return reject(`the checkpoint's tree size "${sizeLine}" is not a decimal number without leading zeros`);
  const size = Number(sizeLine);
  if (!Number.isSafeInteger(size)) return reject(`the checkpoint's tree size ${sizeLine} is beyond 2^53 − 1, the largest this verifier reads`);
  const root = strictBase64(rootLine);
  if (!root) return reject(`the checkpoint's root hash "${rootLine}" is not standard, padded base64`);
  if (root.length !== HASH_SIZE) return reject(`the checkpoint's root hash is ${root.length} bytes, not ${HASH_SIZE}`);
  const empty = extensions.findIndex((line) => line === '');
  if (empty >= 0) return reject(`the checkpoint's line ${4 + empty} is empty: extension lines are not`);
  return accept({ origin, size, root, extensions });
}
