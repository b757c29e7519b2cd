import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from './processes';

/**
 * The repository's files as a fresh `git clone` of this work tree would have them (tracked and new files, none that
 * .gitignore names: no node_modules, no dist, no data), less `exclude`d paths, in a new folder that any user can read.
 */
export function cleanCopy(prefix: string, exclude: readonly string[] = []): string {
  const copy = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(copy, 0o755);
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f && !exclude.some((path) => f === path || f.startsWith(`${path}/`)));
  for (const file of files) {
    const from = join(repoRoot, file);
    if (!statSync(from, { throwIfNoEntry: false })?.isFile()) continue; // deleted in the work tree
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(from, join(copy, file));
  }
  return copy;
}

/** The machine's environment, less what would change a Gantry process's mode or carry this test run's npm and Node settings. */
export const machineEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(npm_|NODE_OPTIONS$|DATABASE_URL$|KAFKA_|GANTRY_|PORT$|GRPC_PORT$|JEST_)/.test(name)));
