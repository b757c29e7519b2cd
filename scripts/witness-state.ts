import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { accept, openNote, parseCheckpoint, reject, type CosignedCheckpoint, type FollowedLog, type Outcome } from '@gantry/transparency-log';

/**
 * A witness's memory: for each log it follows, the latest checkpoint it cosigned, kept as the log's signed note in
 * `<state>/logs/<origin, URL-encoded>.checkpoint`. A new one replaces the file atomically (written beside it, fsynced,
 * renamed, the directory fsynced) before the witness answers, so a crash never leaves it with less than it cosigned.
 * On start each note is opened with the log keys the witness was configured with, never with a key the state or a
 * log names: a state signed by another key is refused, and the witness does not start (CVE-2022-39199).
 */
export class WitnessState {
  private refusedCount = 0;

  private constructor(
    private readonly dir: string,
    private readonly latest: Map<string, CosignedCheckpoint>,
  ) {}

  static open(stateDir: string, logs: readonly FollowedLog[]): Outcome<WitnessState> {
    const dir = join(stateDir, 'logs');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    mkdirSync(join(stateDir, 'refused'), { recursive: true, mode: 0o700 });
    const latest = new Map<string, CosignedCheckpoint>();
    const files = new Set(readdirSync(dir));
    for (const log of logs) {
      const file = fileOf(log.origin);
      if (!files.has(file)) continue;
      const note = readFileSync(join(dir, file), 'utf8');
      const opened = openNote(note, log.logKeys);
      if (!opened.ok) return reject(`the state of "${log.origin}" (${join(dir, file)}) is not a checkpoint signed by the configured log key: ${opened.reason}`);
      const checkpoint = parseCheckpoint(opened.value.text);
      if (!checkpoint.ok) return reject(`the state of "${log.origin}" (${join(dir, file)}): ${checkpoint.reason}`);
      if (checkpoint.value.origin !== log.origin) return reject(`the state of "${log.origin}" (${join(dir, file)}) holds a checkpoint of "${checkpoint.value.origin}"`);
      latest.set(log.origin, { size: checkpoint.value.size, root: checkpoint.value.root, note });
    }
    return accept(new WitnessState(stateDir, latest));
  }

  latestCosigned(origin: string): CosignedCheckpoint | undefined {
    return this.latest.get(origin);
  }

  /** Makes the checkpoint the latest cosigned for its log, on disk first. */
  remember(origin: string, cosigned: CosignedCheckpoint): void {
    writeDurably(join(this.dir, 'logs'), fileOf(origin), cosigned.note);
    this.latest.set(origin, cosigned);
  }

  /** Keeps a signed request the witness refused (a split view, a tree that does not extend): evidence against the log. */
  keepRefused(origin: string, at: number, body: string): string {
    const name = `${at}-${fileOf(origin)}-${this.refusedCount++}.txt`;
    writeDurably(join(this.dir, 'refused'), name, body);
    return join(this.dir, 'refused', name);
  }
}

const fileOf = (origin: string) => `${encodeURIComponent(origin)}.checkpoint`;

function writeDurably(dir: string, name: string, content: string): void {
  const partial = join(dir, `.${name}.partial`);
  const fd = openSync(partial, 'w', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(partial, join(dir, name));
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
