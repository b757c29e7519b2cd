import { GantryError } from '@gantry/client';
import type { Command } from 'commander';
import { EXIT, failureOf } from './exit-codes';
import { Invocation } from './invocation';
import { gantryProgram } from './program';
import { progressBar, progressLine } from './progress';
import { recordingTerminal, runInProcess } from './test-fixtures';

/** Every command that does something (the leaves of the tree), by its path. */
const leaves = (command: Command, path: string[] = []): string[][] =>
  command.commands.length === 0 ? [path] : command.commands.flatMap((c) => leaves(c, [...path, c.name()]));

const program = gantryProgram(new Invocation({ env: {}, stdout: recordingTerminal(), stderr: recordingTerminal(), stdin: process.stdin }));

describe('the command line', () => {
  it('has the commands of the deployment management practice', () => {
    expect(leaves(program).map((p) => p.join(' ')).sort()).toEqual(
      [
        'audit bundle', 'audit checkpoints', 'audit deployment', 'audit export', 'audit log-key', 'audit verify', 'completion',
        'components list', 'components register', 'deployments cancel', 'deployments get', 'deployments list', 'deployments request',
        'deployments test-results', 'deployments watch', 'environments get', 'environments list', 'environments register',
        'gates approve', 'gates deny', 'kpis', 'login', 'logout',
        'models get', 'models list', 'models load-catalogue', 'runs abort', 'runs get', 'runs pause', 'runs resume', 'sign',
        'signing-keys add', 'signing-keys list', 'token',
      ].sort(),
    );
  });

  /** every command, the groups too */
  const all = (command: Command, path: string[] = []): string[][] => [path, ...command.commands.flatMap((c) => all(c, [...path, c.name()]))];

  it.each(all(program).map((p) => [p.join(' ')]))('gantry %s --help shows examples', async (path) => {
    const { code, stdout } = await runInProcess([...path.split(' ').filter(Boolean), '--help']);
    expect(code).toBe(EXIT.ok);
    expect(stdout).toMatch(/\nExamples:\n {2}\$ (gantry|source) /);
  });

  it('offers -o table|json|yaml on every read', () => {
    const reads = ['deployments list', 'deployments get', 'environments list', 'environments get', 'models list', 'models get', 'kpis', 'runs get', 'audit deployment', 'audit checkpoints', 'audit log-key', 'audit verify', 'signing-keys list', 'components list'];
    for (const path of reads) {
      const command = path.split(' ').reduce((c: Command, name) => c.commands.find((s) => s.name() === name)!, program);
      const output = command.options.find((o) => o.long === '--output');
      expect([path, output?.short, output?.argChoices]).toEqual([path, '-o', ['table', 'json', 'yaml']]);
    }
  });

  it('exits 2 on a wrong command line, with commander’s message', async () => {
    for (const args of [['deploy'], ['deployments', 'get'], ['environments', '-o', 'xml'], ['deployments', 'list', '--limit', '0'], ['kpis', '--from', 'yesterday'], ['deployments', 'list', '--status', 'done'], ['gates']]) {
      const { code, stderr } = await runInProcess(args);
      expect([args, code]).toEqual([args, EXIT.usage]);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
    expect((await runInProcess(['login', 'http://127.0.0.1:3000'])).stderr).toBe('gantry: give one credential: --token, --with-token or --api-key\n');
  });

  it('parses a date alone as its midnight UTC, and keeps a full time', async () => {
    const kpis = program.commands.find((c) => c.name() === 'kpis')!;
    const from = kpis.options.find((o) => o.long === '--from')!;
    expect(from.parseArg!('2026-12-01', undefined)).toBe('2026-12-01T00:00:00Z');
    expect(from.parseArg!('2026-12-01T08:30:00+01:00', undefined)).toBe('2026-12-01T08:30:00+01:00');
    expect(() => from.parseArg!('2026-13-45', undefined)).toThrow('ISO 8601');
  });

  it('mints a token offline and refuses an unknown role', async () => {
    const minted = await runInProcess(['token', 'auditor', '--sub', 'alice'], { GANTRY_JWT_SECRET: 'a'.repeat(32) });
    expect(minted.code).toBe(EXIT.ok);
    expect(JSON.parse(Buffer.from(minted.stdout.split('.')[1], 'base64url').toString())).toMatchObject({ sub: 'alice', roles: ['auditor'] });
    expect(await runInProcess(['token', 'wizard'], { GANTRY_JWT_SECRET: 'a'.repeat(32) })).toMatchObject({ code: EXIT.usage, stderr: expect.stringContaining('unknown role wizard') });
  });

  it('signs a component version as POST /components takes it', async () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    const signed = await runInProcess(['sign', '--key', 'examples/demo-signing-key.pem', '--key-id', 'gantry-demo', '--name', 'payments-api', '--version', '2.4.1', '--digest', digest]);
    expect(signed.code).toBe(EXIT.ok);
    expect(JSON.parse(signed.stdout)).toMatchObject({ name: 'payments-api', version: '2.4.1', digest, kind: 'software', keyId: 'gantry-demo', signature: expect.any(String) });
    expect((await runInProcess(['sign', '--key', 'k', '--key-id', 'k', '--name', 'n', '--version', '1', '--digest', 'md5:00'])).code).toBe(EXIT.usage);
  });
});

describe('a failure', () => {
  const url = 'http://gantry.example.com';
  it('is one line with the status, the code, the message and the reasons; 401 and 403 exit 3', () => {
    const refused = failureOf(GantryError.of(409, { statusCode: 409, message: 'a requester may not approve', code: 'RequesterMayNotApprove', details: { reasons: ['u-dm requested it'] } }), url);
    expect([refused.message, refused.exitCode]).toEqual(['HTTP 409 RequesterMayNotApprove: a requester may not approve (reasons: u-dm requested it)', EXIT.refused]);
    const invalid = failureOf(GantryError.of(400, { statusCode: 400, message: ['reason must be a string', 'x is unknown'] }), url);
    expect(invalid.message).toBe('HTTP 400: reason must be a string; x is unknown');
    expect(failureOf(GantryError.of(401, { message: 'invalid token' }), url)).toMatchObject({ exitCode: EXIT.auth, message: expect.stringMatching(/^not authenticated at http:\/\/gantry.example.com: HTTP 401: invalid token; run `gantry login`/) });
    expect(failureOf(GantryError.of(403, { message: 'permission runs:approve required' }), url)).toMatchObject({ exitCode: EXIT.auth });
  });

  it('says when no server answers: exit 4', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3000'), { code: 'ECONNREFUSED' }) });
    expect(failureOf(refused, url)).toMatchObject({ exitCode: EXIT.unreachable, message: expect.stringContaining(`cannot reach Gantry at ${url} (ECONNREFUSED)`) });
    expect(failureOf(new TypeError('fetch failed', { cause: new Error('bad port') }), url)).toMatchObject({ exitCode: EXIT.unreachable, message: expect.stringContaining('(bad port)') });
  });
});

describe('the progress bar', () => {
  it('shows the share done, or a count when the total is unknown', () => {
    expect(progressLine('exporting', 50, 200)).toBe(`exporting [${'#'.repeat(8)}${'.'.repeat(22)}] 50/200 25%`);
    expect(progressLine('exporting', 300, 200)).toBe(`exporting [${'#'.repeat(30)}] 300/200 100%`);
    expect(progressLine('exporting', 7, undefined)).toBe('exporting 7');
  });

  it('is drawn in place on a terminal only', () => {
    const terminal = recordingTerminal(true);
    const bar = progressBar(terminal, 'exporting', 4);
    bar.update(1);
    bar.update(2); // within 100 ms of the last drawing: not drawn
    bar.finish();
    expect(terminal.text).toBe(`\r${progressLine('exporting', 1, 4)}\u001b[K\r${progressLine('exporting', 2, 4)}\u001b[K\n`);
    const pipe = recordingTerminal(false);
    const quiet = progressBar(pipe, 'exporting', 4);
    quiet.update(4);
    quiet.finish();
    expect(pipe.text).toBe('');
  });
});
