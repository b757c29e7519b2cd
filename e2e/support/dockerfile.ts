import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { cleanCopy, machineEnv } from './clean-copy';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix } from 'node:path';
import { repoRoot } from './processes';

/**
 * Runs a Dockerfile's steps without a Docker engine, each stage in a folder of its own that stands for its root
 * filesystem: COPY from the build context (the repository's files as a clean clone has them, less .dockerignore) or
 * from another stage, RUN with the stage's working directory and ENV, and what the last stage would start with
 * (ENTRYPOINT, CMD, USER, HEALTHCHECK). The base images' Node is this repository's Node 24, first on PATH. An
 * instruction it does not know fails the run, so the Dockerfile cannot grow a step that no test takes.
 */
export interface Stage {
  name: string;
  root: string;
  workdir: string;
  env: Record<string, string>;
  user?: string;
  entrypoint: string[];
  cmd: string[];
  healthcheck: string[];
}

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, index) => {
    const line = raw.trimEnd();
    if (!pending && (line.trim() === '' || line.trimStart().startsWith('#'))) return;
    if (!pending) start = index + 1;
    pending += line.endsWith('\\') ? `${line.slice(0, -1)} ` : line;
    if (line.endsWith('\\')) return;
    const [, keyword, args] = /^\s*(\S+)\s*(.*)$/.exec(pending)!;
    instructions.push({ keyword: keyword.toUpperCase(), args: args.trim(), line: start });
    pending = '';
  });
  return instructions;
}

/** The exec form (`["a", "b"]`) as it is, the shell form as `/bin/sh -c <text>`. */
const commandOf = (args: string): string[] => (args.startsWith('[') ? (JSON.parse(args) as string[]) : ['/bin/sh', '-c', args]);

/** The build context: the repository as a clean clone has it, less what .dockerignore names (its simple patterns). */
const buildContext = () =>
  cleanCopy(
    'gantry-image-context-',
    readFileSync(join(repoRoot, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#')),
  );

export interface DockerfileRun {
  stages: Stage[];
  final: Stage;
  /** the environment a container of the final stage gets, with what `docker run -e` would add */
  containerEnv(extra: Record<string, string>): NodeJS.ProcessEnv;
  /** where a path inside a stage's filesystem is here */
  pathOf(stage: Stage, path: string): string;
}

export function runDockerfile(file = join(repoRoot, 'Dockerfile')): DockerfileRun {
  const instructions = parseDockerfile(readFileSync(file, 'utf8'));
  const work = mkdtempSync(join(tmpdir(), 'gantry-image-'));
  chmodSync(work, 0o755); // the final stage runs as an unprivileged user, who must reach its files
  const context = buildContext();
  const nodeBin = dirname(process.execPath);
  const stages: Stage[] = [];
  const pathOf = (stage: Stage, path: string) => join(stage.root, posix.isAbsolute(path) ? path : posix.join(stage.workdir, path));
  // the machine's registry and certificates stand for the build's network
  const machine = machineEnv();
  const envOf = (stage: Stage, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    ...machine,
    PATH: `${nodeBin}:${process.env.PATH}`,
    ...stage.env,
    ...extra,
  });

  for (const { keyword, args, line } of instructions) {
    const stage = stages.at(-1);
    if (keyword !== 'FROM' && !stage) throw new Error(`Dockerfile line ${line}: ${keyword} before FROM`);
    switch (keyword) {
      case 'FROM': {
        const [, name] = /\s+AS\s+(\S+)$/i.exec(args) ?? [];
        const root = join(work, `stage-${stages.length}`);
        mkdirSync(root, { recursive: true });
        chmodSync(root, 0o755);
        stages.push({ name: name ?? String(stages.length), root, workdir: '/', env: {}, entrypoint: [], cmd: [], healthcheck: [] });
        break;
      }
      case 'WORKDIR':
        stage!.workdir = posix.resolve(stage!.workdir, args);
        mkdirSync(pathOf(stage!, '.'), { recursive: true });
        break;
      case 'COPY': {
        const words = args.split(/\s+/);
        const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
        const [dest, ...sources] = words.filter((w) => !w.startsWith('--')).reverse();
        const source = from === undefined ? undefined : stages.find((s) => s.name === from);
        if (from !== undefined && !source) throw new Error(`Dockerfile line ${line}: no stage ${from}`);
        for (const src of sources.reverse()) {
          const origin = source ? pathOf(source, src) : join(context, src);
          const target = pathOf(stage!, dest);
          // `COPY dir/ dest/` and `COPY . dest/` copy the folder's contents
          cpSync(origin, !statSync(origin).isDirectory() && dest.endsWith('/') ? join(target, basename(src)) : target, { recursive: true });
        }
        break;
      }
      case 'RUN': {
        const [command, ...rest] = commandOf(args);
        const run = spawnSync(command, rest, { cwd: pathOf(stage!, '.'), env: envOf(stage!), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
        if (run.status !== 0) throw new Error(`Dockerfile line ${line}: RUN ${args} exited with ${run.status}\n${run.stdout}\n${run.stderr}`);
        break;
      }
      case 'ENV':
        for (const [, name, value] of args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) stage!.env[name] = value.replace(/^"|"$/g, '');
        break;
      case 'USER':
        stage!.user = args;
        break;
      case 'ENTRYPOINT':
        stage!.entrypoint = commandOf(args);
        break;
      case 'CMD':
        stage!.cmd = commandOf(args);
        break;
      case 'HEALTHCHECK':
        stage!.healthcheck = commandOf(args.replace(/^(--\S+\s+)*CMD\s+/, ''));
        break;
      case 'EXPOSE':
      case 'LABEL':
        break;
      default:
        throw new Error(`Dockerfile line ${line}: ${keyword} is not one the image test knows how to run; teach e2e/support/dockerfile.ts`);
    }
  }
  const final = stages.at(-1)!;
  return { stages, final, pathOf, containerEnv: (extra) => envOf(final, extra) };
}
