import { freePort } from '@gantry/testing';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { deploymentRequest, stagingEnvironment } from './support/deployments';
import { childEnv, eventuallyWhileRunning, repoRoot, startGantryProcess, type GantryProcess } from './support/processes';

/**
 * `gantry`, the CLI, as its users run it: its own process (scripts/gantry.js), against the embedded default as its own
 * process, with the credentials `gantry login` keeps in a config directory of the test's.
 */
let server: GantryProcess;
let dataDir: string;
let configHome: string;
let closedUrl: string;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `gantry` with these arguments; the environment has no GANTRY_* of the test run's but what `env` gives. */
const gantry = (args: string[], { env = {}, input }: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<Ran> =>
  new Promise((resolve) => {
    const base = { ...process.env };
    for (const name of ['GANTRY_URL', 'GANTRY_TOKEN', 'GANTRY_API_KEY', 'GANTRY_JWT_SECRET', 'NO_COLOR', 'NODE_OPTIONS']) delete base[name];
    const child = execFile(process.execPath, ['scripts/gantry.js', ...args], { cwd: repoRoot, env: { ...base, XDG_CONFIG_HOME: configHome, GANTRY_DATA_DIR: dataDir, ...env }, encoding: 'utf8' }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin!.end(input ?? '');
  });

/** A failure as a user sees it: one line on stderr, no stack trace. */
const oneLine = (ran: Ran) => {
  expect(ran.stderr.trim().split('\n')).toHaveLength(1);
  expect(ran.stderr).toMatch(/^gantry: /);
  expect(ran.stderr).not.toMatch(/\n\s+at /);
};

const json = (ran: Ran) => {
  expect(ran).toMatchObject({ code: 0 });
  return JSON.parse(ran.stdout);
};

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'gantry-cli-'));
  configHome = join(dataDir, 'config');
  server = await startGantryProcess('standalone', 'services/standalone/src/main.ts', childEnv({ GANTRY_DATA_DIR: dataDir, GANTRY_JWT_SECRET: '' }), { timeoutMs: 120_000 });
  closedUrl = `http://127.0.0.1:${await freePort()}`;
}, 150_000);

afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('gantry', () => {
  let token: string;
  let succeeded: string;

  it('logs in with a token it minted, keeps it owner-only, and logs out', async () => {
    token = (await gantry(['token', 'deployment-manager', '--sub', 'cli.user'])).stdout.trim();
    expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(await gantry(['token', 'chief-wizard'])).toMatchObject({ code: 2 });

    const login = await gantry(['login', server.url, '--with-token'], { input: `${token}\n` });
    expect(login).toMatchObject({ code: 0 });
    const file = join(configHome, 'gantry', 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(configHome, 'gantry')).mode & 0o777).toBe(0o700);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ url: server.url, token });

    expect(await gantry(['logout'])).toMatchObject({ code: 0, stderr: 'logged out\n' });
    expect(await gantry(['logout'])).toMatchObject({ code: 0, stderr: 'not logged in\n' });

    // the distributed mode without a gateway: each call goes to the service that serves it
    const distributed = ['login', closedUrl, '--token', token, '--service', `planning=${server.url}`, '--service', `records=${server.url}`];
    expect(await gantry(distributed)).toMatchObject({ code: 0 });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ url: closedUrl, services: { planning: server.url, records: server.url }, token });
    expect(await gantry(['environments', '-o', 'json'])).toMatchObject({ code: 0 });
    expect(await gantry(['kpis', '-o', 'json'])).toMatchObject({ code: 0 });
    expect(await gantry(['models'])).toMatchObject({ code: 4 }); // model-review: at the url, where nothing answers
    expect((await gantry(['login', closedUrl, '--token', token, '--service', 'billing=http://x'])).code).toBe(2);

    expect(await gantry(['login', server.url, '--token', token])).toMatchObject({ code: 0 });
  });

  it('refuses a bad token (3), an unreachable server (4) and a wrong command line (2), each in one line', async () => {
    const badLogin = await gantry(['login', server.url, '--token', 'not.a.token'], { env: { XDG_CONFIG_HOME: join(dataDir, 'elsewhere') } });
    expect(badLogin.code).toBe(3);
    oneLine(badLogin);
    expect(badLogin.stderr).toMatch(/not authenticated .*HTTP 401/);
    expect(existsSync(join(dataDir, 'elsewhere', 'gantry', 'config.json'))).toBe(false);

    const badToken = await gantry(['deployments', 'list'], { env: { GANTRY_TOKEN: 'not.a.token' } });
    expect(badToken.code).toBe(3);
    oneLine(badToken);

    const unreachable = await gantry(['environments'], { env: { GANTRY_URL: closedUrl } });
    expect(unreachable.code).toBe(4);
    oneLine(unreachable);
    expect(unreachable.stderr).toContain(`cannot reach Gantry at ${closedUrl} (ECONNREFUSED)`);

    const forbidden = await gantry(['gates', 'approve', '00000000-0000-4000-8000-000000000000', 'production'], { env: { GANTRY_TOKEN: (await gantry(['token', 'auditor'])).stdout.trim() } });
    expect(forbidden.code).toBe(3);
    oneLine(forbidden);
    expect(forbidden.stderr).toContain('runs:approve');

    expect((await gantry(['deploy'])).code).toBe(2);
    expect((await gantry(['environments', '-o', 'xml'])).code).toBe(2);
    expect((await gantry(['gates', 'deny', '00000000-0000-4000-8000-000000000000', 'production'])).code).toBe(2); // --comment is required
    expect(await gantry(['--help'])).toMatchObject({ code: 0, stdout: expect.stringContaining('Exit codes:') });
  });

  it('lists environments and models in each format; loads the starter catalogue', async () => {
    const registered = await gantry(['environments', 'register', '-f', '-', '-o', 'json'], { input: JSON.stringify(stagingEnvironment) });
    expect(json(registered)).toMatchObject({ name: 'staging', status: 'active', version: 1 });
    const invalid = await gantry(['environments', 'register', '-f', '-'], { input: JSON.stringify({ ...stagingEnvironment, name: 'qa', position: -1 }) });
    expect(invalid.code).toBe(1);
    oneLine(invalid);
    expect(invalid.stderr).toMatch(/^gantry: HTTP 400/);
    expect((await gantry(['environments', 'register', '-f', '-'], { input: '{"name":' })).code).toBe(2);
    const table = await gantry(['environments']);
    expect(table).toMatchObject({ code: 0, stderr: '' });
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+KIND\s+POSITION\s+TARGETS$/);
    expect(table.stdout).toMatch(/^staging\s+active\s+staging\s+4\s+50$/m);
    expect(table.stdout).not.toContain('\u001b['); // no colour into a pipe
    expect(json(await gantry(['environments', '-o', 'json'])).environments.map((e: { name: string }) => e.name)).toEqual(['staging']);
    expect(parse((await gantry(['environments', 'get', 'staging', '-o', 'yaml'])).stdout)).toMatchObject({ name: 'staging', definition: { kind: 'staging' } });

    expect((await gantry(['models'])).stdout).toMatch(/^in-house-software-ci-cd\s+active/m);
    expect(parse((await gantry(['models', 'list', '--status', 'active', '-o', 'yaml'])).stdout).models.length).toBeGreaterThanOrEqual(5);
    expect(json(await gantry(['models', 'get', 'vendor-hardware', '-o', 'json']))).toMatchObject({ name: 'vendor-hardware' });
    const catalogue = await gantry(['models', 'load-catalogue']);
    expect(catalogue).toMatchObject({ code: 0, stdout: expect.stringMatching(/^loaded: \(none\)\nalready there: .*vendor-hardware/) });
  });

  it('requests a deployment from a file, follows it to success, and reads it and its run', async () => {
    // the authorised repository, as the README's Try it fills it: the demo key trusted, a version signed with it
    expect(json(await gantry(['signing-keys', 'add', '-f', 'examples/demo-signing-key.json', '-o', 'json']))).toMatchObject({ keyId: 'gantry-demo', status: 'trusted' });
    expect((await gantry(['signing-keys'])).stdout).toMatch(/^gantry-demo\s+trusted\s+ed25519\s/m);
    const signed = await gantry(['sign', '--key', 'examples/demo-signing-key.pem', '--key-id', 'gantry-demo', '--name', 'payments-api', '--version', '2.4.1', '--digest', `sha256:${'ab'.repeat(32)}`]);
    expect((await gantry(['components', 'register', '-f', '-'], { input: signed.stdout })).stdout).toMatch(/^status\s+registered$/m);
    expect(json(await gantry(['components', '-o', 'json'])).components).toEqual([{ name: 'payments-api', versions: [expect.objectContaining({ version: '2.4.1', status: 'registered' })] }]);
    expect((await gantry(['components'])).stdout).toMatch(/^payments-api\s+2\.4\.1\s+software\s+registered$/m);

    const file = join(dataDir, 'request.json');
    writeFileSync(file, JSON.stringify(deploymentRequest({ service: 'cli-api' })));
    const requested = await gantry(['deployments', 'request', '-f', file, '-q']);
    expect(requested).toMatchObject({ code: 0, stdout: expect.stringMatching(/^[0-9a-f-]{36}\n$/) });
    succeeded = requested.stdout.trim();
    expect(json(await gantry(['deployments', 'get', succeeded, '-o', 'json'])).status).not.toBe('rejected');

    // planning answers a rejection with 201 too: shown, and exit 1
    writeFileSync(file, JSON.stringify(deploymentRequest({ service: 'cli-api', environment: 'nowhere' })));
    const rejected = await gantry(['deployments', 'request', '-f', file]);
    expect(rejected.code).toBe(1);
    expect(rejected.stdout).toMatch(/^status\s+rejected$/m);
    expect(rejected.stderr).toMatch(/^gantry: deployment \S+ rejected: UnknownEnvironment\n$/);

    expect((await gantry(['deployments'])).stdout).toMatch(new RegExp(`^${succeeded}\\s+\\S+\\s+CHG\\d+\\s+cli-api\\s+staging\\s+payments-api@2.4.1$`, 'm'));
    expect(parse((await gantry(['deployments', 'get', succeeded, '-o', 'yaml'])).stdout)).toMatchObject({ deploymentId: succeeded, request: { service: 'cli-api' } });
    expect((await gantry(['deployments', 'get', succeeded])).stdout).toMatch(/^service\s+cli-api$/m);

    // the test runner's report: refused (exit 1) until verification has heard of the deployment
    await eventuallyWhileRunning([server], async () => (await gantry(['deployments', 'test-results', succeeded, '--suite', 'checkout', '--passed', '12', '--failed', '0'])).code === 0, {
      timeoutMs: 90_000,
      intervalMs: 200,
      what: 'gantry deployments test-results to be accepted',
    });
    expect((await gantry(['deployments', 'test-results', succeeded, '--suite', 'checkout', '--passed', 'many', '--failed', '0'])).code).toBe(2);
    const watched = await gantry(['deployments', 'watch', succeeded, '--interval', '200', '--timeout', '90']);
    expect(watched).toMatchObject({ code: 0 });
    expect(watched.stdout.trim().split('\n').at(-1)).toBe(`${succeeded}  succeeded`);
    expect(json(await gantry(['deployments', 'watch', succeeded, '-o', 'json']))).toMatchObject({ status: 'succeeded' });
    // planning's gRPC stream instead of polling: its last update is final
    const streamed = await gantry(['deployments', 'watch', succeeded, '--grpc', `127.0.0.1:${server.grpcPort}`]);
    expect(streamed).toMatchObject({ code: 0, stdout: `${succeeded}  succeeded\n` });
    expect(json(await gantry(['deployments', 'watch', succeeded, '--grpc', `127.0.0.1:${server.grpcPort}`, '-o', 'json']))).toMatchObject({ id: succeeded, status: 'succeeded' });
    const noStream = await gantry(['deployments', 'watch', succeeded, '--grpc', closedUrl.replace('http://', '')]);
    expect(noStream.code).toBe(4);
    oneLine(noStream);

    // its audit record, once records has closed it: the ledger's entries in causal order, and the verdict
    const audited = await gantry(['audit', 'deployment', succeeded, '--wait-for-outcome', '30']);
    expect(audited).toMatchObject({ code: 0, stderr: '' });
    expect(audited.stdout.split('\n')[0]).toMatch(/^POSITION\s+TIME\s+SERVICE\s+EVENT\s+ACTOR$/);
    expect(audited.stdout).toMatch(/^\d+\s+\S+\s+planning\s+DeploymentRequested\s+cli\.user$/m);
    expect(audited.stdout).toContain("phase closed, outcome succeeded; records' live view agrees with the record rebuilt from the ledger; ledger verified\n");
    expect(json(await gantry(['audit', 'deployment', succeeded, '-o', 'json']))).toMatchObject({ deploymentId: succeeded, state: { phase: 'closed', outcome: 'succeeded' } });

    expect(json(await gantry(['runs', 'get', succeeded, '-o', 'json']))).toMatchObject({ deploymentId: succeeded });
    expect((await gantry(['runs', 'get', succeeded])).stdout).toMatch(/^deploymentId\s+/m);
    // a finished run takes no more commands: the server's refusal, in one line, exit 1
    for (const command of [['runs', 'pause', succeeded], ['runs', 'resume', succeeded], ['runs', 'abort', succeeded], ['gates', 'approve', succeeded, 'production'], ['gates', 'deny', succeeded, 'production', '--comment', 'no']]) {
      const refused = await gantry(command);
      expect([command, refused.code]).toEqual([command, 1]);
      oneLine(refused);
      expect(refused.stderr).toMatch(/^gantry: HTTP (409|422|404)/);
    }
  }, 180_000);

  it('cancels a deployment that has not started; watching it exits 5', async () => {
    const later = { start: new Date(Date.now() + 86_400_000).toISOString(), end: new Date(Date.now() + 90_000_000).toISOString() };
    const file = join(dataDir, 'later.json');
    writeFileSync(file, JSON.stringify(deploymentRequest({ service: 'cli-later', window: later })));
    const { deploymentId } = json(await gantry(['deployments', 'request', '-f', '-', '-o', 'json'], { input: readFileSync(file, 'utf8') }));
    expect(json(await gantry(['deployments', 'cancel', deploymentId, '--reason', 'superseded', '-o', 'json']))).toMatchObject({ status: 'cancelled' });
    for (const over of [[], ['--grpc', `127.0.0.1:${server.grpcPort}`]]) {
      const watched = await gantry(['deployments', 'watch', deploymentId, ...over]);
      expect(watched.code).toBe(5);
      oneLine(watched);
      expect(watched.stderr).toBe(`gantry: deployment ${deploymentId} cancelled\n`);
    }
    expect((await gantry(['deployments', 'list', '--status', 'cancelled', '-o', 'json'])).stdout).toContain(deploymentId);
  });

  it("approves a gate with a comment, which the deployment's ledger keeps; a blank comment is refused", async () => {
    // staging's twin that asks a deployment manager's approval before a deployment starts
    const gated = { ...stagingEnvironment, name: 'cli-gated', approvalPolicy: { roles: ['deployment-manager'], minimumApprovers: 1 } };
    expect(await gantry(['environments', 'register', '-f', '-'], { input: JSON.stringify(gated) })).toMatchObject({ code: 0 });
    const { deploymentId } = json(await gantry(['deployments', 'request', '-f', '-', '-o', 'json'], { input: JSON.stringify(deploymentRequest({ service: 'cli-gated-api', environment: 'cli-gated' })) }));
    const gate = 'cli-gated approval';
    await eventuallyWhileRunning([server], async () => (await gantry(['runs', 'get', deploymentId, '-o', 'json'])).stdout.includes(gate), { timeoutMs: 30_000, what: 'the run to wait at its gate' });

    const approver = { env: { GANTRY_TOKEN: (await gantry(['token', 'deployment-manager', '--sub', 'cli.approver'])).stdout.trim() } };
    const blank = await gantry(['gates', 'approve', deploymentId, gate, '--comment', ' '], approver);
    expect(blank.code).toBe(1);
    oneLine(blank);
    expect(blank.stderr).toBe('gantry: HTTP 400: comment must be some text (at most 2000 characters)\n');
    const approved = json(await gantry(['gates', 'approve', deploymentId, gate, '--comment', 'rollback rehearsed in staging', '-o', 'json'], approver));
    expect(approved.gates).toEqual([expect.objectContaining({ name: gate, approvers: ['cli.approver'] })]);

    const granted = await eventuallyWhileRunning(
      [server],
      async () => {
        const { history } = json(await gantry(['audit', 'deployment', deploymentId, '-o', 'json']));
        return (history as { type: string; data: Record<string, unknown> }[]).find((e) => e.type === 'gantry.execution.ApprovalGranted.v1');
      },
      { timeoutMs: 30_000, what: "the approval in the deployment's ledger" },
    );
    expect(granted.data).toMatchObject({ gate, by: 'cli.approver', role: 'deployment-manager', comment: 'rollback rehearsed in staging' });
  });

  it('shows the KPIs of a period', async () => {
    const kpis = json(await gantry(['kpis', '--from', '2026-01-01', '--to', '2026-03-01', '--period', 'month', '-o', 'json']));
    expect(kpis).toMatchObject({ period: 'month', from: '2026-01-01T00:00:00.000Z', to: '2026-03-01T00:00:00.000Z' });
    expect(kpis.periods).toHaveLength(2);
    expect((await gantry(['kpis'])).stdout).toMatch(/^PERIOD\s+KPI\s+VALUE\s+UNIT$/m);
    expect((await gantry(['kpis', '--from', 'yesterday'])).code).toBe(2);
  });

  it('exports the ledger, its checkpoints, key and a bundle, and verifies them with no server', async () => {
    const exported = join(dataDir, 'ledger.ndjson');
    const ran = await gantry(['audit', 'export', '--file', exported]);
    expect(ran).toMatchObject({ code: 0, stderr: expect.stringMatching(/^\d+ entries written to /) }); // no progress bar off a terminal
    const checkpoints = join(dataDir, 'checkpoints.json');
    writeFileSync(checkpoints, (await gantry(['audit', 'checkpoints', '-o', 'json'])).stdout);
    expect(JSON.parse(readFileSync(checkpoints, 'utf8')).checkpoints.length).toBeGreaterThan(0);
    expect((await gantry(['audit', 'checkpoints'])).stdout).toMatch(/^TREE SIZE\s+ROOT$/m);
    const vkey = join(dataDir, 'vkey');
    writeFileSync(vkey, json(await gantry(['audit', 'log-key', '-o', 'json'])).verifierKey);
    const bundle = join(dataDir, 'bundle.json');
    expect(await gantry(['audit', 'bundle', succeeded, '--file', bundle])).toMatchObject({ code: 0 });

    // offline: the URL leads nowhere
    const offline = { env: { GANTRY_URL: closedUrl } };
    const verified = json(await gantry(['audit', 'verify', exported, '--vkey', `@${vkey}`, '--checkpoint', checkpoints, '-o', 'json'], offline));
    expect(verified).toMatchObject({ intact: true, checked: readFileSync(exported, 'utf8').trim().split('\n').length });
    expect(verified.signedUpTo).toBeGreaterThan(0);
    expect((await gantry(['audit', 'verify', exported, '--vkey', `@${vkey}`, '--checkpoint', checkpoints], offline)).stdout).toMatch(/^intact\s+true$/m);
    expect(json(await gantry(['audit', 'verify', '--bundle', bundle, '--vkey', `@${vkey}`, '-o', 'json'], offline))).toMatchObject({ intact: true, deploymentId: succeeded });

    const lines = readFileSync(exported, 'utf8').split('\n');
    lines[1] = lines[1].replace('"type":"', '"type":"X');
    writeFileSync(exported, lines.join('\n'));
    const broken = await gantry(['audit', 'verify', exported, '--vkey', `@${vkey}`, '--checkpoint', checkpoints, '-o', 'yaml'], offline);
    expect(broken.code).toBe(5);
    expect(parse(broken.stdout)).toMatchObject({ intact: false, firstBroken: { position: expect.any(Number) } });
    oneLine(broken);
    expect((await gantry(['audit', 'verify', '--vkey', `@${vkey}`], offline)).code).toBe(2);
  });

  it('completes commands in bash', async () => {
    const script = (await gantry(['completion', 'bash'])).stdout;
    const complete = (words: string) =>
      new Promise<string>((resolve, reject) =>
        execFile('bash', ['-c', `${script}\nCOMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _gantry; echo "\${COMPREPLY[*]}"`], (error, stdout) => (error ? reject(error) : resolve(stdout.trim()))),
      );
    expect(await complete("gantry dep")).toBe('deployments');
    expect(await complete("gantry deployments w")).toBe('watch');
    expect(await complete("gantry deployments list -o ''")).toBe('table json yaml');
    expect((await complete("gantry audit verify --a")).split(' ')).toContain('--all-signed');
    expect((await gantry(['completion', 'zsh'])).stdout).toMatch(/^#compdef gantry/);
    expect((await gantry(['completion', 'fish'])).code).toBe(2);
  });
});
