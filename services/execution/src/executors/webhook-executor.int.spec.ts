import { verifyWebhookSignature, WEBHOOK_SIGNATURE_HEADER, webhookSignature } from '@gantry/platform';
import { eventually } from '@gantry/testing';
import { createServer, type Server } from 'node:http';
import { defaultExecutors, planAndVerify, planFor, readBody, startExecution, suffix, type ExecutionUnderTest, typesOf, VERIFIED_DIGEST } from '../test-fixtures';

/**
 * The webhook executor against a real HTTP server of the test's own: it checks each request's signature, answers at
 * once, too late (a timeout), or 202 with the result coming later through the signed callback.
 */
const SECRET = 'webhook-test-secret-of-at-least-32-chars';
const hooks = `hooks-${suffix()}`;
let execution: ExecutionUnderTest;
let server: Server;
const received: { key: string; target?: string; step: string; signatureValid: boolean; body: Record<string, any> }[] = [];

const TAMPERED = `sha256:${'cd'.repeat(32)}`;
/** What a target reports it installed: each component it was sent, with the digest of the bytes it installed. */
const installedAs = (components: { name: string; version: string; digest: string }[], digest?: string) => components.map((c) => ({ name: c.name, version: c.version, digest: digest ?? c.digest }));

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const raw = await readBody(request);
    const body = JSON.parse(raw);
    const signatureValid = verifyWebhookSignature(SECRET, request.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()] as string | undefined, raw, new Date());
    received.push({ key: String(request.headers['idempotency-key']), target: body.target, step: body.step, signatureValid, body });
    const reply = (status: number, result?: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(result ? JSON.stringify(result) : undefined);
    if (body.step === 'deploy' && body.target?.startsWith('slow')) return void setTimeout(() => reply(200, { status: 'succeeded' }), 3_000).unref();
    if (body.step === 'deploy' && body.target?.startsWith('async')) return reply(202);
    const asked = received.filter((r) => r.key === body.idempotencyKey).length;
    if (body.step === 'deploy' && body.target?.startsWith('flaky') && asked <= 2) return reply(503);
    if (body.step === 'deploy' && body.target?.startsWith('down')) return reply(503);
    // a target that installs other bytes than it was sent, and says so
    if (body.step === 'deploy' && body.target?.startsWith('tampered')) return reply(200, { status: 'succeeded', installed: installedAs(body.components, TAMPERED) });
    reply(200, { status: 'succeeded', ...(body.step === 'deploy' ? { installed: installedAs(body.components) } : {}) });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  execution = await startExecution(
    defaultExecutors({
      environments: { [hooks]: { type: 'webhook', url: `http://127.0.0.1:${address.port}/deploy`, secret: SECRET, timeoutMs: 500, replayWindowSeconds: 300 } },
      allowedHosts: [`127.0.0.1:${address.port}`],
    }),
  );
}, 120_000);
afterAll(async () => {
  await execution?.stop();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

const callback = (deploymentId: string, body: unknown, secret = SECRET, at = new Date()) => {
  const raw = JSON.stringify(body);
  return fetch(`${execution.url}/runs/${deploymentId}/callbacks`, { method: 'POST', headers: { 'content-type': 'application/json', [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(secret, raw, at) }, body: raw });
};

describe('webhook executor', () => {
  it('POSTs each step signed with HMAC-SHA256 over the timestamp and body, with its idempotency key', async () => {
    const plan = planFor(hooks, { strategy: 'progressive', waves: [{ index: 1, targets: ['h-1'] }, { index: 2, targets: ['h-2'] }] });
    await planAndVerify(execution, plan);
    await execution.waitFor(plan.deploymentId, 'DeploymentExecuted');
    const mine = received.filter((r) => r.body.deploymentId === plan.deploymentId);
    expect(mine.map((r) => `${r.step} ${r.target}`)).toEqual(['deploy h-1', 'deploy h-2']);
    expect(mine.every((r) => r.signatureValid)).toBe(true);
    expect(mine.map((r) => r.key)).toEqual([`${plan.deploymentId}:h-1:deploy:1`, `${plan.deploymentId}:h-2:deploy:1`]);
    // each component with the bytes verified and who signed them, so that the target can check them too
    expect(mine[0].body).toMatchObject({ environment: hooks, wave: 1, attempt: 1, components: [{ name: 'payments-api', version: '2.4.1', kind: 'software', digest: VERIFIED_DIGEST, signature: 'c2ln', keyId: 'ci' }] });
    const events = await execution.runEvents(plan.deploymentId);
    expect(events.filter((e) => e.type === 'TargetDeployed').map((e) => e.data.components)).toEqual([
      [{ name: 'payments-api', version: '2.4.1', digest: VERIFIED_DIGEST }],
      [{ name: 'payments-api', version: '2.4.1', digest: VERIFIED_DIGEST }],
    ]);
  }, 60_000);

  it('a target reporting another digest than the one verified fails DigestMismatch; the run rolls back, that target first', async () => {
    const plan = planFor(hooks, { strategy: 'progressive', waves: [{ index: 1, targets: ['fine-1'] }, { index: 2, targets: ['tampered-2'] }] });
    await planAndVerify(execution, plan);
    const events = await execution.waitFor(plan.deploymentId, 'RolledBack');
    expect(typesOf(events).slice(typesOf(events).indexOf('DeploymentStarted'))).toEqual([
      'DeploymentStarted', 'WaveStarted', 'TargetDeployed', 'WaveCompleted', 'WaveStarted', 'TargetDeploymentFailed', 'RollbackStarted', 'TargetRolledBack', 'TargetRolledBack', 'RolledBack',
    ]);
    expect(events.find((e) => e.type === 'TargetDeploymentFailed')!.data).toMatchObject({
      target: 'tampered-2',
      reason: 'DigestMismatch',
      detail: `payments-api 2.4.1: ${TAMPERED} installed, ${VERIFIED_DIGEST} sent`,
    });
    expect(events.filter((e) => e.type === 'TargetRolledBack').map((e) => e.data.target)).toEqual(['tampered-2', 'fine-1']);
    expect(received.filter((r) => r.body.deploymentId === plan.deploymentId).map((r) => `${r.step} ${r.target}`)).toEqual(['deploy fine-1', 'deploy tampered-2', 'undo tampered-2', 'undo fine-1']);
  }, 60_000);

  it('a callback that reports no digest where one was sent fails the target too', async () => {
    const plan = planFor(hooks, { waves: [{ index: 1, targets: ['async-nodigest-1'] }] });
    await planAndVerify(execution, plan);
    await eventually(async () => received.some((r) => r.body.deploymentId === plan.deploymentId), { timeoutMs: 10_000, what: 'the deploy request' });
    const key = received.find((r) => r.body.deploymentId === plan.deploymentId)!.key;
    expect((await callback(plan.deploymentId, { idempotencyKey: key, status: 'succeeded' })).status).toBe(200);
    const events = await execution.waitFor(plan.deploymentId, 'RolledBack');
    expect(events.find((e) => e.type === 'TargetDeploymentFailed')!.data).toMatchObject({ target: 'async-nodigest-1', reason: 'DigestMismatch', detail: `payments-api 2.4.1: no digest reported, ${VERIFIED_DIGEST} sent` });
  }, 60_000);

  it('a slow target times out and fails the wave; what was deployed is rolled back', async () => {
    const plan = planFor(hooks, { waves: [{ index: 1, targets: ['ok-1', 'slow-2'] }] });
    await planAndVerify(execution, plan);
    const events = await execution.waitFor(plan.deploymentId, 'RolledBack');
    expect(typesOf(events).slice(typesOf(events).indexOf('WaveStarted'))).toEqual(['WaveStarted', 'TargetDeployed', 'TargetDeploymentFailed', 'RollbackStarted', 'TargetRolledBack', 'RolledBack']);
    expect(events.find((e) => e.type === 'TargetDeploymentFailed')!.data).toMatchObject({ target: 'slow-2', reason: 'ExecutorTimeout' });
    expect(received.filter((r) => r.body.deploymentId === plan.deploymentId).map((r) => `${r.step} ${r.target}`)).toEqual(['deploy ok-1', 'deploy slow-2', 'undo ok-1']);
  }, 60_000);

  it('a result that comes later through the callback: forged or replayed callbacks get 401 and change nothing', async () => {
    const plan = planFor(hooks, { waves: [{ index: 1, targets: ['async-1'] }] });
    await planAndVerify(execution, plan);
    await execution.waitFor(plan.deploymentId, 'WaveStarted');
    await eventually(async () => received.some((r) => r.body.deploymentId === plan.deploymentId), { timeoutMs: 10_000, what: 'the deploy request' });
    const key = received.find((r) => r.body.deploymentId === plan.deploymentId)!.key;
    const before = (await execution.runEvents(plan.deploymentId)).length;

    const forged = await callback(plan.deploymentId, { idempotencyKey: key, status: 'succeeded' }, 'not-the-secret-but-long-enough-to-look-real');
    expect(forged.status).toBe(401);
    const stale = await callback(plan.deploymentId, { idempotencyKey: key, status: 'succeeded' }, SECRET, new Date(Date.now() - 3_600_000));
    expect(stale.status).toBe(401);
    expect((await execution.runEvents(plan.deploymentId)).length).toBe(before);

    const raw = JSON.stringify({ idempotencyKey: key, status: 'succeeded', installed: [{ name: 'payments-api', version: '2.4.1', digest: VERIFIED_DIGEST }] });
    const headers = { 'content-type': 'application/json', [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(SECRET, raw, new Date()) };
    const first = await fetch(`${execution.url}/runs/${plan.deploymentId}/callbacks`, { method: 'POST', headers, body: raw });
    expect(first.status).toBe(200);
    await execution.waitFor(plan.deploymentId, 'DeploymentExecuted');
    const after = (await execution.runEvents(plan.deploymentId)).length;
    const replayed = await fetch(`${execution.url}/runs/${plan.deploymentId}/callbacks`, { method: 'POST', headers, body: raw });
    expect(replayed.status).toBe(401);
    expect((await execution.runEvents(plan.deploymentId)).length).toBe(after);
    expect(received.filter((r) => r.body.deploymentId === plan.deploymentId)).toHaveLength(1);
  }, 60_000);

  it('transient errors are asked again with the same key, a bounded number of times with backoff', async () => {
    const plan = planFor(hooks, { waves: [{ index: 1, targets: ['flaky-1', 'down-2'] }] });
    await planAndVerify(execution, plan);
    const events = await execution.waitFor(plan.deploymentId, 'RolledBack');
    const asks = (target: string) => received.filter((r) => r.body.deploymentId === plan.deploymentId && r.target === target && r.step === 'deploy');
    // flaky-1: two 503s, then done; down-2: 1 + 2 retries (the configured bound), then the step fails
    expect(asks('flaky-1').map((r) => r.key)).toEqual(Array(3).fill(`${plan.deploymentId}:flaky-1:deploy:1`));
    expect(asks('down-2')).toHaveLength(3);
    expect(new Set(asks('down-2').map((r) => r.key)).size).toBe(1);
    expect(events.find((e) => e.type === 'TargetDeploymentFailed')!.data).toMatchObject({ target: 'down-2', reason: 'ExecutorUnavailable' });
    expect(typesOf(events).slice(typesOf(events).indexOf('WaveStarted'))).toEqual(['WaveStarted', 'TargetDeployed', 'TargetDeploymentFailed', 'RollbackStarted', 'TargetRolledBack', 'RolledBack']);
  }, 60_000);
});
