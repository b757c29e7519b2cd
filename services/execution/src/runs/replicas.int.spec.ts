import { eventually } from '@gantry/testing';
import { createServer, type Server } from 'node:http';
import { defaultExecutors, planAndVerify, planFor, readBody, startExecution, suffix, type ExecutionUnderTest } from '../test-fixtures';

/**
 * Two replicas of execution on one database and in one consumer group, driving runs whose steps a webhook executor of
 * the test's own performs: each run is driven by one replica at a time (its lease in active_runs), so each step's key
 * is asked once, whichever replica's sweep or kick comes first; and a replica that dies holding a lease leaves the run
 * waiting only until the lease lapses; a run that missed its kick is driven by a full sweep.
 */
const SECRET = 'replicas-test-secret-of-at-least-32-chars';
/** the lease a replica that dies holds in the second test; the replicas' own are the default 30 s, which even a busy
 * machine's stalls do not outlast */
const DEAD_LEASE_MS = 2_000;
const hooks = `replicas-${suffix()}`;
let first: ExecutionUnderTest;
let second: ExecutionUnderTest;
let server: Server;
/** each webhook call: its idempotency key, deployment, step and target, and when it came */
const asked: { key: string; deploymentId: string; step: string; target: string; at: number }[] = [];
/** before answering a call for one of these targets, the test does this */
const before = new Map<string, () => Promise<void>>();

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const body = JSON.parse(await readBody(request));
    asked.push({ key: String(request.headers['idempotency-key']), deploymentId: body.deploymentId, step: body.step, target: body.target, at: Date.now() });
    await before.get(body.target)?.();
    // long enough that the other replica's sweeps (every 100 ms) come while the step is in flight
    setTimeout(() => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'succeeded', installed: body.components?.map((c: { name: string; version: string; digest: string }) => ({ name: c.name, version: c.version, digest: c.digest })) })), 300).unref();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const executors = defaultExecutors({
    environments: { [hooks]: { type: 'webhook', url: `http://127.0.0.1:${port}/deploy`, secret: SECRET, timeoutMs: 5_000, replayWindowSeconds: 300 } },
    allowedHosts: [`127.0.0.1:${port}`],
  });
  first = await startExecution(executors);
  second = await startExecution(executors, { replicaOf: first });
}, 180_000);

afterAll(async () => {
  await second?.stop();
  await first?.stop();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

describe('two replicas of execution', () => {
  it('ask each step of each run once, both sweeping every 100 ms', async () => {
    const plans = Array.from({ length: 8 }, (_, i) => planFor(hooks, { strategy: 'progressive', waves: [{ index: 1, targets: [`r${i}-a`] }, { index: 2, targets: [`r${i}-b`, `r${i}-c`] }] }));
    await Promise.all(plans.map((plan) => planAndVerify(plan === plans[0] ? first : second, plan)));
    for (const plan of plans) await first.waitFor(plan.deploymentId, 'DeploymentExecuted');
    const mine = asked.filter((a) => plans.some((p) => p.deploymentId === a.deploymentId));
    const keys = mine.map((a) => a.key);
    expect(keys.filter((key, i) => keys.indexOf(key) !== i)).toEqual([]);
    expect(mine).toHaveLength(plans.length * 3);
    // executed, the runs wait for verification's verdict: no replica holds them meanwhile, and a drive has seen each
    // through every command that changed it
    const ids = plans.map((p) => p.deploymentId);
    await eventually(async () => (await first.store.db.query(`SELECT 1 FROM execution.active_runs WHERE deployment_id = ANY($1) AND (driver IS NOT NULL OR changes > driven_changes)`, [ids])).rows.length === 0, {
      timeoutMs: 10_000,
      what: 'every lease to be let go and every change driven',
    });
    // a command whose kick was lost (its replica crashed after the commit): a full sweep drives the run all the same
    await first.store.db.query(`UPDATE execution.active_runs SET changes = changes + 1 WHERE deployment_id = $1`, [ids[0]]);
    await eventually(async () => (await first.store.db.query(`SELECT 1 FROM execution.active_runs WHERE deployment_id = $1 AND changes > driven_changes`, [ids[0]])).rows.length === 0, {
      timeoutMs: 15_000,
      what: 'a full sweep to drive the run that missed its kick',
    });
  }, 120_000);

  it("leave a run whose lease a replica that died holds until the lease lapses, then go on with it", async () => {
    const plan = planFor(hooks, { strategy: 'progressive', waves: [{ index: 1, targets: ['dying-1'] }, { index: 2, targets: ['after-2'] }] });
    let leasedAt = 0;
    // while the first target deploys, a replica that then dies takes the run's lease: it is no longer ours to drive
    before.set('dying-1', async () => {
      before.delete('dying-1');
      await first.store.db.query(`UPDATE execution.active_runs SET driver = 'a-replica-that-died', lease_until = now() + $2 * interval '1 millisecond' WHERE deployment_id = $1`, [plan.deploymentId, DEAD_LEASE_MS]);
      leasedAt = Date.now();
    });
    await planAndVerify(first, plan);
    await first.waitFor(plan.deploymentId, 'DeploymentExecuted');
    const calls = asked.filter((a) => a.deploymentId === plan.deploymentId);
    // the first target's result was recorded by the replica that asked; the next step waited for the lease to lapse
    expect(calls.map((c) => `${c.step} ${c.target}`)).toEqual(['deploy dying-1', 'deploy after-2']);
    expect(calls[1].at - leasedAt).toBeGreaterThanOrEqual(DEAD_LEASE_MS - 200);
    await eventually(async () => (await first.store.db.query(`SELECT 1 FROM execution.active_runs WHERE deployment_id = $1 AND driver IS NOT NULL`, [plan.deploymentId])).rows.length === 0, {
      timeoutMs: 10_000,
      what: 'the lease to be let go',
    });
  }, 120_000);
});
