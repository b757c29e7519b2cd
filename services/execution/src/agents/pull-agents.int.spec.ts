import { mintToken } from '@gantry/auth';
import { eventually } from '@gantry/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, defaultExecutors, planAndVerify, planFor, SECRET, startExecution, suffix, type ExecutionUnderTest } from '../test-fixtures';

/**
 * The pull executor with two real reference agents (scripts/agent.js as child processes): one SIGKILLed while it holds
 * a step, whose lease then expires and whose step the other agent does; each target deployed once in effect.
 */
const edge = `edge-${suffix()}`;
const AGENT = join(__dirname, '../../../../scripts/agent.js');
const BYTES = 'payments-api 2.4.1, the verified bytes';
const DIGEST = `sha256:${createHash('sha256').update(BYTES).digest('hex')}`;
let execution: ExecutionUnderTest;
let artifacts: string;
const children: ChildProcess[] = [];
/** aborted when an agent dies that the test did not kill: every wait ends at once */
const died = new AbortController();

interface Agent {
  child: ChildProcess;
  lines: Record<string, any>[];
}

function startAgent(token: string, extra: string[] = []): Agent {
  // its own process group: a SIGKILL takes the agent's install command with it
  const child = spawn(process.execPath, [AGENT, '--url', execution.url, '--token', token, '--environment', edge, '--wait', '2', '--artifacts', artifacts, ...extra], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  const agent: Agent = { child, lines: [] };
  let buffered = '';
  child.stdout!.on('data', (chunk) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    lines.filter(Boolean).forEach((line) => agent.lines.push(JSON.parse(line)));
  });
  child.on('exit', (code, signal) => {
    if (signal !== 'SIGKILL' && signal !== 'SIGTERM') died.abort(new Error(`agent ${child.pid} ended unexpectedly (${signal ?? code})`));
  });
  children.push(child);
  return agent;
}

const kill = (agent: Agent, signal: NodeJS.Signals) => process.kill(-agent.child.pid!, signal);
const waitFor = <T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string) => eventually(probe, { timeoutMs: 60_000, intervalMs: 100, what, signal: died.signal });
const agentToken = (sub: string, environment = edge) => mintToken(SECRET, { sub, roles: ['agent'], environment });

beforeAll(async () => {
  artifacts = await mkdtemp(join(tmpdir(), 'gantry-agent-'));
  await writeFile(join(artifacts, 'payments-api-2.4.1'), BYTES);
  execution = await startExecution(defaultExecutors({ environments: { [edge]: { type: 'pull', leaseSeconds: 2 } } }));
}, 120_000);
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  await execution?.stop();
  await rm(artifacts, { recursive: true, force: true });
});

describe('pull agents', () => {
  it("a killed agent's step goes to the other agent when its lease expires, and every target is deployed once", async () => {
    const plan = planFor(edge, { components: [{ name: 'payments-api', version: '2.4.1', kind: 'software', digest: DIGEST }] });
    // the first agent "installs" forever: it holds the first step until it is killed
    const stuck = startAgent(await agentToken('agent-stuck'), ['--command', `"${process.execPath}" -e "setTimeout(() => {}, 600000)"`]);
    await planAndVerify(execution, plan);
    const claimed = await waitFor(() => stuck.lines.find((l) => l.event === 'claimed'), 'the first agent to claim a step');
    kill(stuck, 'SIGKILL');
    const second = startAgent(await agentToken('agent-second'));
    await execution.waitFor(plan.deploymentId, 'DeploymentExecuted');
    const events = await execution.runEvents(plan.deploymentId);
    const deployed = events.filter((e) => e.type === 'TargetDeployed');
    expect(deployed.map((e) => e.data.target).sort()).toEqual(['t-1', 't-2']);
    expect(deployed.every((e) => e.data.components[0].digest === DIGEST)).toBe(true);
    expect(second.lines.filter((l) => l.event === 'claimed').map((l) => l.idempotencyKey)).toContain(claimed.idempotencyKey);

    // the killed agent's lease is over: its late report is refused and changes nothing
    const late = await call(execution.url, await agentToken('agent-stuck'), 'POST', `/agents/steps/${claimed.leaseId}/report`, { status: 'succeeded' });
    expect([late.status, late.body?.code]).toEqual([409, 'LeaseExpired']);

    // a duplicate of the second agent's report is answered the same, and records nothing more
    const report = second.lines.find((l) => l.event === 'reported')!;
    const again = await call(execution.url, await agentToken('agent-second'), 'POST', `/agents/steps/${report.leaseId}/report`, report.result);
    expect([again.status, again.body]).toEqual([200, report.answer]);
    expect(await execution.runEvents(plan.deploymentId)).toHaveLength(events.length);
    kill(second, 'SIGTERM');
  }, 120_000);

  it('an agent of another environment cannot claim; a lease never given is unknown', async () => {
    const elsewhere = await agentToken('agent-elsewhere', `other-${suffix()}`);
    const claim = await call(execution.url, elsewhere, 'POST', '/agents/steps/claim', { environment: edge, waitSeconds: 0 });
    expect([claim.status, claim.body?.code]).toEqual([403, 'EnvironmentNotInScope']);
    const person = await mintToken(SECRET, { sub: 'dora', roles: ['deployment-manager'] });
    expect((await call(execution.url, person, 'POST', '/agents/steps/claim', { environment: edge, waitSeconds: 0 })).status).toBe(403);
    const unknown = await call(execution.url, await agentToken('agent-a'), 'POST', '/agents/steps/0b7f1e3a-0000-4000-8000-000000000000/report', { status: 'succeeded' });
    expect([unknown.status, unknown.body?.code]).toEqual([409, 'UnknownLease']);
    const nothing = await call(execution.url, await agentToken('agent-a'), 'POST', '/agents/steps/claim', { environment: edge, waitSeconds: 0 });
    expect(nothing.status).toBe(204);
  });
});
