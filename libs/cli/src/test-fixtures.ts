import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runGantry } from './program';
import type { Io, Terminal } from './invocation';

/** A terminal (or pipe) that keeps what is written to it. */
export const recordingTerminal = (isTTY = false): Terminal & { text: string } => {
  const terminal = { text: '', isTTY, write: (chunk: string) => ((terminal.text += chunk), true) };
  return terminal;
};

/** `gantry` in this process, with a config directory of its own and no server: for what needs none. */
export async function runInProcess(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string; configHome: string }> {
  const configHome = env.XDG_CONFIG_HOME ?? mkdtempSync(join(tmpdir(), 'gantry-cli-unit-'));
  const stdout = recordingTerminal();
  const stderr = recordingTerminal();
  const io: Io = { env: { XDG_CONFIG_HOME: configHome, ...env }, stdout, stderr, stdin: Readable.from([]) };
  const code = await runGantry(args, io);
  return { code, stdout: stdout.text, stderr: stderr.text, configHome };
}
