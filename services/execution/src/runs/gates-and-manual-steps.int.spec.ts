import { credentials, loadPackageDefinition, Metadata, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { EXECUTION_PROTO_PATH, PROTO_ROOT } from '@gantry/contracts';
import { call, defaultExecutors, planAndVerify, planFor, readySites, startExecution, suffix, tokenFor, typesOf, type ExecutionUnderTest } from '../test-fixtures';

/** Gates and manual steps through REST, on a run fed over Kafka. */
const production = `production-${suffix()}`;
const datacentre = `datacentre-${suffix()}`;
let execution: ExecutionUnderTest;

beforeAll(async () => {
  execution = await startExecution(defaultExecutors({ environments: { [production]: { type: 'simulated', rules: [{ label: 'simulate=slow', durationMs: 1500 }] }, [datacentre]: { type: 'manual' } } }), { grpc: true });
}, 120_000);
afterAll(() => execution?.stop());

const gate = { name: 'production approval', kind: 'approval' as const, roles: ['service-owner', 'deployment-manager'], minimumApprovers: 2, source: 'model' as const };
const path = (id: string, action: string) => `/runs/${id}/gates/${encodeURIComponent(gate.name)}/${action}`;

describe('gates', () => {
  it("refuses the requester's own approval, counts the same person once, and starts the run once enough others approved", async () => {
    const plan = planFor(production, { gates: [gate], requestedBy: 'rita' });
    await planAndVerify(execution, plan);
    await execution.waitFor(plan.deploymentId, 'ApprovalRequested');
    await execution.waitFor(plan.deploymentId, 'ReadinessConfirmed', (d) => d.readiness === 'environment');

    const requester = await call(execution.url, await tokenFor('deployment-manager', 'rita'), 'POST', path(plan.deploymentId, 'approve'));
    expect(requester.status).toBe(403);
    expect(requester.body).toMatchObject({ code: 'RequesterMayNotApprove' });

    const sam = await tokenFor('service-owner', 'sam');
    expect((await call(execution.url, sam, 'POST', path(plan.deploymentId, 'approve'), { comment: 'rollback rehearsed in staging on Monday' })).status).toBe(200);
    const twice = await call(execution.url, sam, 'POST', path(plan.deploymentId, 'approve'), { comment: 'and again' });
    expect(twice.status).toBe(200);
    const afterSam = await execution.runEvents(plan.deploymentId);
    // counted once, with what sam said the first time
    expect(afterSam.filter((e) => e.type === 'ApprovalGranted').map((e) => [e.data.by, e.data.comment])).toEqual([['sam', 'rollback rehearsed in staging on Monday']]);
    expect(typesOf(afterSam)).not.toContain('DeploymentStarted');

    const practitioner = await call(execution.url, await tokenFor('deployment-practitioner', 'pat'), 'POST', path(plan.deploymentId, 'approve'));
    expect(practitioner.status).toBe(403);

    expect((await call(execution.url, await tokenFor('deployment-manager', 'dana'), 'POST', path(plan.deploymentId, 'approve'))).status).toBe(200);
    const events = await execution.waitFor(plan.deploymentId, 'DeploymentExecuted');
    expect(events.filter((e) => e.type === 'ApprovalGranted').map((e) => `${e.data.by}/${e.data.role}`)).toEqual(['sam/service-owner', 'dana/deployment-manager']);
    // dana sent no body: her approval has no comment
    expect(events.find((e) => e.type === 'ApprovalGranted' && e.data.by === 'dana')!.data).not.toHaveProperty('comment');
  }, 60_000);

  it('compares subjects case-insensitively: U-DEPLOYMENT-MANAGER may not approve what u-deployment-manager requested, and SAM after sam counts once', async () => {
    const plan = planFor(production, { gates: [gate], requestedBy: 'u-deployment-manager' });
    await planAndVerify(execution, plan);
    await execution.waitFor(plan.deploymentId, 'ApprovalRequested');

    for (const variant of ['U-DEPLOYMENT-MANAGER', 'U-Deployment-Manager', 'ｕ-deployment-manager']) {
      const selfApproval = await call(execution.url, await tokenFor('deployment-manager', variant), 'POST', path(plan.deploymentId, 'approve'));
      expect(selfApproval.status).toBe(403);
      expect(selfApproval.body).toMatchObject({ code: 'RequesterMayNotApprove', details: { by: variant } });
    }
    expect((await call(execution.url, await tokenFor('service-owner', 'sam'), 'POST', path(plan.deploymentId, 'approve'))).status).toBe(200);
    expect((await call(execution.url, await tokenFor('service-owner', 'SAM'), 'POST', path(plan.deploymentId, 'approve'))).status).toBe(200);
    const events = await execution.runEvents(plan.deploymentId);
    expect(events.filter((e) => e.type === 'ApprovalGranted').map((e) => e.data.by)).toEqual(['sam']);
    expect(typesOf(events)).not.toContain('DeploymentStarted');
  }, 60_000);

  it("the change's authoriser, as the plan records them, may not approve its deployment under any spelling; other approvers pass the gate", async () => {
    const authorisedBy = { way: 'itsm' as const, by: 'carol.cab', source: '/servicenow/change', eventId: `evt-${suffix()}` };
    const plan = planFor(production, { gates: [gate], requestedBy: 'rita', authorisedBy });
    await planAndVerify(execution, plan);
    await execution.waitFor(plan.deploymentId, 'ApprovalRequested');

    const authoriser = await call(execution.url, await tokenFor('service-owner', 'Carol.CAB'), 'POST', path(plan.deploymentId, 'approve'));
    expect(authoriser.status).toBe(403);
    expect(authoriser.body).toMatchObject({ code: 'AuthoriserMayNotApprove', details: { by: 'Carol.CAB', gate: gate.name } });
    expect((await execution.runEvents(plan.deploymentId)).filter((e) => e.type === 'ApprovalGranted')).toEqual([]);

    expect((await call(execution.url, await tokenFor('service-owner', 'sam'), 'POST', path(plan.deploymentId, 'approve'))).status).toBe(200);
    expect((await call(execution.url, await tokenFor('deployment-manager', 'dana'), 'POST', path(plan.deploymentId, 'approve'))).status).toBe(200);
    const events = await execution.waitFor(plan.deploymentId, 'DeploymentStarted');
    expect(events.filter((e) => e.type === 'ApprovalGranted').map((e) => e.data.by)).toEqual(['sam', 'dana']);
  }, 60_000);

  it('the sweep leaves a run waiting for a gate or its window alone: it has no step pending until the wait ends', async () => {
    const stepPending = async (deploymentId: string) =>
      (await execution.store.db.query<{ step_pending: boolean }>(`SELECT step_pending FROM ${execution.store.schema}.active_runs WHERE deployment_id = $1`, [deploymentId])).rows[0]?.step_pending;
    const tomorrow = Date.now() + 86_400_000;
    const later = planFor(production, { window: { start: new Date(tomorrow).toISOString(), end: new Date(tomorrow + 3_600_000).toISOString() } });
    const gated = planFor(production, { gates: [gate], requestedBy: 'rita' }, { 't-1': { simulate: 'slow' } });
    await planAndVerify(execution, later);
    await planAndVerify(execution, gated);
    await execution.waitFor(gated.deploymentId, 'ApprovalRequested');
    await execution.waitFor(later.deploymentId, 'ReadinessConfirmed', (d) => d.readiness === 'environment');
    expect(await stepPending(later.deploymentId)).toBe(false);
    expect(await stepPending(gated.deploymentId)).toBe(false);

    expect((await call(execution.url, await tokenFor('service-owner', 'sam'), 'POST', path(gated.deploymentId, 'approve'))).status).toBe(200);
    expect((await call(execution.url, await tokenFor('deployment-manager', 'dana'), 'POST', path(gated.deploymentId, 'approve'))).status).toBe(200);
    // t-1 takes 1.5 s: meanwhile its step is pending, and a sweep would drive the run again after a crash
    await execution.waitFor(gated.deploymentId, 'DeploymentStarted');
    expect(await stepPending(gated.deploymentId)).toBe(true);
    // executed: waiting for verification's verdict, which its consumer hands the run
    await execution.waitFor(gated.deploymentId, 'DeploymentExecuted');
    expect(await stepPending(gated.deploymentId)).toBe(false);
  }, 60_000);

  it('a denial ends the run', async () => {
    const plan = planFor(production, { gates: [gate] });
    await planAndVerify(execution, plan);
    await execution.waitFor(plan.deploymentId, 'ApprovalRequested');
    const denied = await call(execution.url, await tokenFor('service-owner', 'sam'), 'POST', path(plan.deploymentId, 'deny'), { reason: 'no rollback rehearsal' });
    expect(denied.status).toBe(200);
    expect(denied.body).toMatchObject({ status: 'ended', outcome: 'abandoned', reason: 'ApprovalDenied' });
    expect(typesOf(await execution.runEvents(plan.deploymentId)).slice(-2)).toEqual(['ApprovalDenied', 'RunAbandoned']);
    expect((await call(execution.url, await tokenFor('deployment-manager', 'dana'), 'POST', path(plan.deploymentId, 'approve'))).status).toBe(409);
  }, 60_000);

  it('bad input is a clear 4xx that records nothing; no identity is 401; a role without the permission is 403', async () => {
    const plan = planFor(production, { gates: [gate] });
    await planAndVerify(execution, plan);
    await execution.waitFor(plan.deploymentId, 'ReadinessConfirmed', (d) => d.readiness === 'environment');
    await execution.waitFor(plan.deploymentId, 'ReadinessConfirmed', (d) => d.readiness === 'components');
    // the plan and the readiness come on different topics: the run waits at its gate once it has all of them
    await execution.waitFor(plan.deploymentId, 'ApprovalRequested');
    const before = (await execution.runEvents(plan.deploymentId)).length;
    expect(before).toBe(4);
    const manager = await tokenFor('deployment-manager', 'dana');
    expect((await call(execution.url, manager, 'POST', path(plan.deploymentId, 'deny'), { reason: '' })).status).toBe(400);
    expect((await call(execution.url, manager, 'POST', path(plan.deploymentId, 'deny'), { reason: 'x', extra: 1 })).status).toBe(400);
    for (const [body, problem] of [
      [{ comment: '' }, 'comment must be some text (at most 2000 characters)'],
      [{ comment: ' \n ' }, 'comment must be some text (at most 2000 characters)'],
      [{ comment: 'x'.repeat(2001) }, 'comment must be some text (at most 2000 characters)'],
      [{ comment: 42 }, 'comment must be some text (at most 2000 characters)'],
      [{ comment: 'fine', reason: 'x' }, 'reason is not allowed'],
    ] as const) {
      const refused = await call(execution.url, manager, 'POST', path(plan.deploymentId, 'approve'), body);
      expect([refused.status, refused.body?.message]).toEqual([400, [problem]]);
    }
    expect((await call(execution.url, manager, 'POST', `/runs/${plan.deploymentId}/rollback-decision`, { rollback: 'yes' })).status).toBe(400);
    expect((await call(execution.url, manager, 'POST', `/runs/not-a-uuid/pause`)).status).toBe(400);
    expect((await call(execution.url, manager, 'POST', `/runs/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/pause`)).status).toBe(404);
    expect((await call(execution.url, undefined, 'POST', path(plan.deploymentId, 'approve'))).status).toBe(401);
    expect((await call(execution.url, await tokenFor('auditor'), 'POST', path(plan.deploymentId, 'approve'))).status).toBe(403);
    expect((await call(execution.url, manager, 'POST', `/runs/${plan.deploymentId}/pause`)).status).toBe(409);
    expect((await execution.runEvents(plan.deploymentId)).length).toBe(before);
  }, 60_000);
});

/** A gate passed again before every wave after the first, and a plan of two waves behind it. */
const between = { name: 'production approval between waves', kind: 'approval' as const, roles: ['deployment-manager'], minimumApprovers: 1, source: 'environment' as const, at: 'between-waves' as const };
const twoWaves = () => planFor(production, { strategy: 'progressive', waves: [{ index: 1, targets: ['w-1'] }, { index: 2, targets: ['w-2'] }], gates: [between], requestedBy: 'rita' });

describe('gates between progressive waves', () => {
  const at = (id: string, action: string) => `/runs/${id}/gates/${encodeURIComponent(between.name)}/${action}`;
  const heldBeforeWave2 = async (deploymentId: string) => {
    const events = await execution.waitFor(deploymentId, 'ApprovalRequested', (d) => d.wave === 2);
    expect(typesOf(events.slice(events.findIndex((e) => e.type === 'DeploymentStarted')))).toEqual(['DeploymentStarted', 'WaveStarted', 'TargetDeployed', 'WaveCompleted', 'ApprovalRequested']);
  };

  it("deploys wave 1 and holds; the requester's approval is refused; a deployment manager's lets wave 2 deploy, and the deployment succeeds", async () => {
    const plan = twoWaves();
    await planAndVerify(execution, plan);
    await heldBeforeWave2(plan.deploymentId);
    const auditor = await tokenFor('auditor');
    expect((await call(execution.url, auditor, 'GET', `/runs/${plan.deploymentId}`)).body).toMatchObject({
      status: 'running',
      boundary: { wave: 2, gates: [{ name: between.name, roles: ['deployment-manager'], minimumApprovers: 1, approvers: [] }] },
    });

    const requester = await call(execution.url, await tokenFor('deployment-manager', 'RITA'), 'POST', at(plan.deploymentId, 'approve'));
    expect(requester.status).toBe(403);
    expect(requester.body).toMatchObject({ code: 'RequesterMayNotApprove' });
    expect(typesOf(await execution.runEvents(plan.deploymentId)).at(-1)).toBe('ApprovalRequested');

    expect((await call(execution.url, await tokenFor('deployment-manager', 'dana'), 'POST', at(plan.deploymentId, 'approve'))).status).toBe(200);
    const events = await execution.waitFor(plan.deploymentId, 'DeploymentExecuted');
    expect(typesOf(events.slice(events.findIndex((e) => e.type === 'ApprovalRequested')))).toEqual(['ApprovalRequested', 'ApprovalGranted', 'WaveStarted', 'TargetDeployed', 'WaveCompleted', 'DeploymentExecuted']);
    expect(events.find((e) => e.type === 'ApprovalGranted')!.data).toMatchObject({ gate: between.name, by: 'dana', role: 'deployment-manager', wave: 2 });
    await execution.publish('verification', 'DeploymentVerified', {
      deploymentId: plan.deploymentId,
      verifiedAt: new Date().toISOString(),
      criteria: [{ type: 'smoke-tests', description: 'checkout smoke suite passes', result: 'met' }],
    });
    await execution.waitFor(plan.deploymentId, 'VerificationOutcomeReceived');
    expect((await call(execution.url, auditor, 'GET', `/runs/${plan.deploymentId}`)).body).toMatchObject({ status: 'ended', outcome: 'succeeded' });
  }, 60_000);

  it('a denial at the boundary rolls back the wave done, for the denial; the gate is then no longer open', async () => {
    const plan = twoWaves();
    await planAndVerify(execution, plan);
    await heldBeforeWave2(plan.deploymentId);
    const manager = await tokenFor('deployment-manager', 'dana');
    expect((await call(execution.url, manager, 'POST', at(plan.deploymentId, 'deny'), { reason: 'error rate up on w-1' })).status).toBe(200);
    const events = await execution.waitFor(plan.deploymentId, 'RolledBack');
    expect(typesOf(events.slice(events.findIndex((e) => e.type === 'ApprovalRequested')))).toEqual(['ApprovalRequested', 'ApprovalDenied', 'RollbackStarted', 'TargetRolledBack', 'RolledBack']);
    expect(events.find((e) => e.type === 'ApprovalDenied')!.data).toMatchObject({ gate: between.name, by: 'dana', wave: 2, reason: 'error rate up on w-1' });
    expect(events.at(-1)!.data.reason).toBe('ApprovalDenied');
    const late = await call(execution.url, manager, 'POST', at(plan.deploymentId, 'approve'));
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'GateNotOpen' });
  }, 60_000);
});

describe('manual steps', () => {
  it('a hardware installation completed with evidence (and its digest) by the right role; the wrong role gets 403', async () => {
    const plan = planFor(datacentre, {
      kind: 'install',
      components: [{ name: 'storage-shelf', version: 'ds224c', kind: 'hardware' }],
      waves: [{ index: 1, targets: ['rack-b7'] }],
      automationLevel: 'manual',
      manualSteps: [{ instruction: 'install the storage shelf and cable it to both fabrics', role: 'deployment-practitioner', evidenceRequired: true }],
    });
    await planAndVerify(execution, plan);
    await readySites(execution, plan);
    const required = (await execution.waitFor(plan.deploymentId, 'ManualStepRequired')).find((e) => e.type === 'ManualStepRequired')!;
    expect(required.data).toMatchObject({ stepId: 'rack-b7/deploy/1', role: 'deployment-practitioner', evidenceRequired: true, target: 'rack-b7' });
    expect(required.data.instruction).toContain('install the storage shelf');

    const completion = `/runs/${plan.deploymentId}/manual-steps/${encodeURIComponent('rack-b7/deploy/1')}/complete`;
    const evidence = [{ description: 'photo of the cabled shelf', reference: 'https://evidence.example/rack-b7.jpg', digest: `sha256:${'0f'.repeat(32)}` }];
    const wrong = await call(execution.url, await tokenFor('deployment-manager', 'dana'), 'POST', completion, { evidence });
    expect(wrong.status).toBe(403);
    expect(wrong.body).toMatchObject({ code: 'RoleMayNotCompleteStep' });
    const pat = await tokenFor('deployment-practitioner', 'pat');
    expect((await call(execution.url, pat, 'POST', completion, { evidence: [] })).status).toBe(409);
    // evidence names the sha256 of its document, so that what was shown cannot be swapped later
    const undigested = await call(execution.url, pat, 'POST', completion, { evidence: [{ description: 'photo', reference: 'https://evidence.example/rack-b7.jpg' }] });
    expect(undigested.status).toBe(409);
    expect(undigested.body).toMatchObject({ code: 'EvidenceDigestRequired' });
    expect((await call(execution.url, pat, 'POST', completion, { evidence: [{ ...evidence[0], digest: 'md5:0f0f' }] })).status).toBe(400);
    const done = await call(execution.url, pat, 'POST', completion, { evidence });
    expect(done.status).toBe(200);
    const events = await execution.waitFor(plan.deploymentId, 'DeploymentExecuted');
    expect(typesOf(events).slice(typesOf(events).indexOf('WaveStarted'))).toEqual(['WaveStarted', 'ManualStepRequired', 'ManualStepCompleted', 'TargetDeployed', 'WaveCompleted', 'DeploymentExecuted']);
    expect(events.find((e) => e.type === 'ManualStepCompleted')!.data).toMatchObject({ by: 'pat', evidence });
  }, 60_000);
});

describe('pause, resume, abort', () => {
  const twoWaves = () => planFor(production, { strategy: 'progressive', waves: [{ index: 1, targets: ['slow-1'] }, { index: 2, targets: ['fast-2'] }] }, { 'slow-1': { simulate: 'slow' } });

  it('a paused run starts no further step until resumed', async () => {
    const plan = twoWaves();
    await planAndVerify(execution, plan);
    await execution.waitFor(plan.deploymentId, 'WaveStarted');
    const manager = await tokenFor('deployment-manager', 'dana');
    expect((await call(execution.url, manager, 'POST', `/runs/${plan.deploymentId}/pause`)).status).toBe(200);
    await execution.waitFor(plan.deploymentId, 'TargetDeployed');
    await new Promise((r) => setTimeout(r, 500));
    expect(typesOf(await execution.runEvents(plan.deploymentId)).slice(-2)).toEqual(['RunPaused', 'TargetDeployed']);
    expect((await call(execution.url, manager, 'POST', `/runs/${plan.deploymentId}/resume`)).status).toBe(200);
    const events = await execution.waitFor(plan.deploymentId, 'DeploymentExecuted');
    expect(typesOf(events).slice(typesOf(events).indexOf('RunPaused'))).toEqual(['RunPaused', 'TargetDeployed', 'RunResumed', 'WaveCompleted', 'WaveStarted', 'TargetDeployed', 'WaveCompleted', 'DeploymentExecuted']);
  }, 60_000);

  it('abort rolls back what was deployed; before the start it abandons the run', async () => {
    const plan = twoWaves();
    await planAndVerify(execution, plan);
    await execution.waitFor(plan.deploymentId, 'WaveStarted');
    const practitioner = await tokenFor('deployment-practitioner', 'pat');
    expect((await call(execution.url, practitioner, 'POST', `/runs/${plan.deploymentId}/abort`)).status).toBe(200);
    const events = await execution.waitFor(plan.deploymentId, 'RolledBack');
    // slow-1 was being deployed when the abort came: its deployment is recorded when it returns, and undone
    expect(typesOf(events).slice(typesOf(events).indexOf('WaveStarted'))).toEqual(['WaveStarted', 'RollbackStarted', 'TargetDeployed', 'TargetRolledBack', 'RolledBack']);
    expect(events.at(-1)!.data.reason).toBe('Aborted');

    const later = planFor(production, { window: { start: new Date(Date.now() + 60 * 60_000).toISOString(), end: new Date(Date.now() + 120 * 60_000).toISOString() } });
    await planAndVerify(execution, later);
    await execution.waitFor(later.deploymentId, 'ReadinessConfirmed', (d) => d.readiness === 'environment');
    expect((await call(execution.url, practitioner, 'POST', `/runs/${later.deploymentId}/pause`)).status).toBe(409);
    const aborted = await call(execution.url, practitioner, 'POST', `/runs/${later.deploymentId}/abort`);
    expect(aborted.body).toMatchObject({ status: 'ended', outcome: 'abandoned', reason: 'Aborted' });
  }, 60_000);
});

describe('gRPC ExecutionService', () => {
  const client = () => {
    const definition = loadSync(EXECUTION_PROTO_PATH, { includeDirs: [PROTO_ROOT], keepCase: false, defaults: false, oneofs: true });
    const Service = (loadPackageDefinition(definition).gantry as { v1: { ExecutionService: ServiceClientConstructor } }).v1.ExecutionService;
    return new Service(`127.0.0.1:${execution.process.grpcPort}`, credentials.createInsecure());
  };
  const invoke = async (method: string, request: object, token: string) => {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    const c = client();
    try {
      return await new Promise<{ error?: { code: number; details: string }; run?: Record<string, any> }>((resolve) =>
        (c as unknown as Record<string, Function>)[method](request, metadata, (error: { code: number; details: string } | null, run: Record<string, any>) => resolve(error ? { error } : { run })),
      );
    } finally {
      c.close();
    }
  };

  it('gets a run, refuses the requester, counts approvals and denies, with the same rules as REST', async () => {
    const plan = planFor(production, { gates: [gate], requestedBy: 'rita' });
    await planAndVerify(execution, plan);
    await execution.waitFor(plan.deploymentId, 'ApprovalRequested');
    const manager = await tokenFor('deployment-manager', 'dana');
    expect((await invoke('GetRun', { deploymentId: plan.deploymentId }, manager)).run).toMatchObject({ deploymentId: plan.deploymentId, status: 'waiting', strategy: 'big-bang' });
    expect((await invoke('ApproveGate', { deploymentId: plan.deploymentId, gate: gate.name }, await tokenFor('deployment-manager', 'rita'))).error?.code).toBe(7);
    const tooLong = await invoke('ApproveGate', { deploymentId: plan.deploymentId, gate: gate.name, comment: 'x'.repeat(2001) }, manager);
    expect(tooLong.error).toMatchObject({ code: 3, details: 'comment must be some text (at most 2000 characters)' });
    expect((await invoke('ApproveGate', { deploymentId: plan.deploymentId, gate: gate.name, comment: 'canary dashboards green' }, manager)).run).toMatchObject({ status: 'waiting' });
    expect((await invoke('DecideRollback', { deploymentId: plan.deploymentId, rollback: true }, manager)).error?.code).toBe(6);
    expect((await invoke('PauseRun', { deploymentId: 'nope' }, manager)).error?.code).toBe(3);
    expect((await invoke('GetRun', { deploymentId: plan.deploymentId }, await tokenFor('product-owner'))).error?.code).toBe(7);
    const denied = await invoke('DenyGate', { deploymentId: plan.deploymentId, gate: gate.name, reason: 'not now' }, await tokenFor('service-owner', 'sam'));
    expect(denied.run).toMatchObject({ status: 'ended', outcome: 'abandoned', reason: 'ApprovalDenied' });
    const approvals = (await execution.runEvents(plan.deploymentId)).filter((e) => e.type.startsWith('Approval'));
    expect(approvals.map((e) => e.type)).toEqual(['ApprovalRequested', 'ApprovalGranted', 'ApprovalDenied']);
    expect(approvals[1].data).toMatchObject({ by: 'dana', comment: 'canary dashboards green' });
  }, 60_000);

  it('a run held between waves shows the gate, the wave and the approvals so far; ApproveGate lets the next wave start', async () => {
    const plan = twoWaves();
    await planAndVerify(execution, plan);
    await execution.waitFor(plan.deploymentId, 'ApprovalRequested', (d) => d.wave === 2);
    const manager = await tokenFor('deployment-manager', 'dana');
    const held = (await invoke('GetRun', { deploymentId: plan.deploymentId }, manager)).run!;
    expect(JSON.parse(held.stateJson)).toMatchObject({ status: 'running', boundary: { wave: 2, gates: [{ name: between.name, approvers: [] }] } });
    expect((await invoke('ApproveGate', { deploymentId: plan.deploymentId, gate: between.name }, await tokenFor('deployment-manager', 'rita'))).error?.code).toBe(7);
    expect((await invoke('ApproveGate', { deploymentId: plan.deploymentId, gate: between.name }, manager)).run).toMatchObject({ status: 'running' });
    await execution.waitFor(plan.deploymentId, 'DeploymentExecuted');
  }, 60_000);
});
