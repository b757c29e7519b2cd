import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '@gantry/testing';
import { cleanCopy, machineEnv } from './support/clean-copy';
import { bootLine, eventuallyWhileRunning, repoRoot, watch, type Watched } from './support/processes';

/**
 * A new user with a clean clone: runs the README's Quick start, Try it (the CLI) and its curl appendix as they stand in
 * README.md (the commands are read from it, not copied here), in a POSIX shell with the machine's environment, then
 * stops `npm start` the way a process manager would. The differences from a user's terminal: the server listens on a
 * port of its own (PORT=0) and Try it is pointed at it through GANTRY_URL, which the README's commands honour, so that
 * runs side by side do not collide on 3000; and `gantry login` keeps its credentials in a config directory of the
 * test's (XDG_CONFIG_HOME), not in the home directory of whoever runs the tests.
 */
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

/** The first ```bash block after a heading. */
const blockAfter = (heading: string): string => {
  const section = readme.slice(readme.indexOf(`\n${heading}\n`));
  const block = /```bash\n([\s\S]*?)```/.exec(section);
  if (!block || !section) throw new Error(`README.md has no bash block after "${heading}"`);
  return block[1];
};
const quickStart = blockAfter('## Quick start').split('\n')[0].replace(/\s+#.*$/, '');
const tryIt = blockAfter('### Try it');
const withCurl = blockAfter('### The same with curl');

let copy: string;
let server: Watched;
let url: string;
const descendants = (pid: number): number[] => {
  const children = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number);
  return children.flatMap((child) => [child, ...descendants(child)]);
};
const commandOf = (pid: number) => spawnSync('ps', ['-o', 'args=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim();

beforeAll(async () => {
  expect(quickStart).toBe('npm ci && npm start');
  copy = cleanCopy('gantry-readme-');
  server = watch(quickStart, spawn('bash', ['-c', quickStart], { cwd: copy, env: { ...machineEnv(), PORT: '0', GRPC_PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] }));
  const { port } = await eventuallyWhileRunning([server], async () => bootLine(server.output()), { timeoutMs: 600_000, intervalMs: 250, what: `\`${quickStart}\` to listen` });
  url = `http://127.0.0.1:${port}`;
}, 660_000);

afterAll(async () => {
  if (server && !server.running.aborted) {
    for (const pid of descendants(server.child.pid!)) process.kill(pid, 'SIGKILL');
    server.child.kill('SIGKILL');
  }
  if (copy) rmSync(copy, { recursive: true, force: true });
});

it('npm ci installs without a warning to learn to ignore', () => {
  const install = server.output().slice(0, server.output().indexOf('> gantry@0.1.0 start'));
  expect(server.output()).toContain('> gantry@0.1.0 start');
  expect(install).not.toMatch(/\bwarn/i);
});

it('Try it, as the README has it, follows a deployment with the CLI to the closed audit record of its success', async () => {
  const configHome = join(copy, '.test-config');
  const run = spawnSync('bash', ['-c', tryIt], { cwd: copy, env: { ...machineEnv(), GANTRY_URL: url, XDG_CONFIG_HOME: configHome }, encoding: 'utf8', timeout: 240_000 });
  expect({ status: run.status, errors: run.stderr.split('\n').filter((line) => /gantry:|error|warn/i.test(line)) }).toEqual({ status: 0, errors: [] });
  const id = /^the console: \S+\/#\/deployments\/([0-9a-f-]{36})$/m.exec(run.stdout)?.[1];
  expect(id).toBeDefined();
  expect(run.stdout).toMatch(/^status\s+trusted$/m); // signing-keys add
  expect(run.stdout).toMatch(/^status\s+registered$/m); // components register
  expect(run.stdout).toMatch(/^name\s+staging$/m); // environments register
  expect(run.stdout).toMatch(/^accepted\s+test-results$/m);
  expect(run.stdout).toContain(`${id}  succeeded\n`); // deployments watch
  expect(run.stdout).toMatch(/^\d+\s+\S+\s+planning\s+DeploymentRequested\s+dana\.manager$/m);
  expect(run.stdout).toContain("phase closed, outcome succeeded; records' live view agrees with the record rebuilt from the ledger; ledger verified\n");
  // the console the last line points at answers, and knows the deployment (its API, with the token login kept)
  expect((await fetch(`${url}/`)).status).toBe(200);
  const { token } = JSON.parse(readFileSync(join(configHome, 'gantry', 'config.json'), 'utf8')) as { token: string };
  expect(await (await fetch(`${url}/deployments/${id}`, { headers: { authorization: `Bearer ${token}` } })).json()).toMatchObject({ deploymentId: id, status: 'succeeded' });
}, 300_000);

it('the same with curl, as the README has it, ends with the closed audit record of a succeeded deployment', async () => {
  const run = spawnSync('bash', ['-c', withCurl], { cwd: copy, env: { ...machineEnv(), GANTRY_URL: url }, encoding: 'utf8', timeout: 120_000 });
  expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
  const answers = run.stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  // one answer per line, none of them an error
  expect(answers.filter((a) => typeof a.statusCode === 'number' && a.statusCode >= 400)).toEqual([]);
  expect(answers).toHaveLength(6);
  const audit = answers.at(-1) as { state: { phase: string; outcome: string }; projection: unknown; history: { source: string }[] };
  expect(audit.state).toMatchObject({ phase: 'closed', outcome: 'succeeded' });
  expect(audit.projection).toEqual(audit.state);
  // model-review's one event (ModelOutcomeRecorded) follows the close: it may or may not be in yet
  expect([...new Set(audit.history.map((h) => h.source))]).toEqual(expect.arrayContaining(['/gantry/execution', '/gantry/planning', '/gantry/records', '/gantry/verification']));
}, 150_000);

it('a SIGTERM to `npm start`, as a process manager sends it, stops Gantry cleanly and says so', async () => {
  // bash may have become `npm start` itself (it execs the last command of -c)
  const npmStart = [server.child.pid!, ...descendants(server.child.pid!)].find((pid) => /\bnpm(-cli\.js)? start\b/.test(commandOf(pid)));
  expect(npmStart).toBeDefined();
  const gantry = descendants(npmStart!);
  process.kill(npmStart!, 'SIGTERM');
  await eventually(async () => gantry.every((pid) => spawnSync('kill', ['-0', String(pid)]).status !== 0), {
    timeoutMs: 30_000,
    intervalMs: 100,
    what: 'every process under `npm start` to end',
  });
  expect(server.output()).toMatch(/"msg":"stopping \(/);
  expect(server.output()).toMatch(/"msg":"stopped in \d+ ms"/);
  await expect(fetch(`${url}/health`)).rejects.toThrow();
}, 60_000);
