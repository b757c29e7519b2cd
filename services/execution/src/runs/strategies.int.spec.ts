import { call, defaultExecutors, planAndVerify, planFor, startExecution, suffix, tokenFor, typesOf, type ExecutionUnderTest } from '../test-fixtures';

/**
 * Each strategy end to end over real Kafka and PostgreSQL with the simulated executor: the test publishes planning's
 * and verification's events, execution records the run; the events come in the documented order.
 */
const staging = `staging-${suffix()}`;
let execution: ExecutionUnderTest;
const now = () => new Date().toISOString();
const criteria = [{ type: 'smoke-tests' as const, description: 'checkout smoke suite passes', result: 'met' as const }];

beforeAll(async () => {
  execution = await startExecution(
    defaultExecutors({
      environments: {
        [staging]: { type: 'simulated', rules: [{ label: 'simulate=fail', fail: 'TargetUnreachable' }, { label: 'simulate=slow', durationMs: 9000 }] },
      },
    }),
  );
}, 120_000);
afterAll(() => execution?.stop());

const after = (events: { type: string }[], type: string) => typesOf(events.slice(events.findIndex((e) => e.type === type)));

describe('strategies over Kafka and PostgreSQL', () => {
  it('big-bang: started, one wave, executed; DeploymentVerified ends it succeeded', async () => {
    const plan = planFor(staging, { strategy: 'big-bang' });
    await planAndVerify(execution, plan);
    await execution.waitFor(plan.deploymentId, 'DeploymentExecuted');
    await execution.publish('verification', 'DeploymentVerified', { deploymentId: plan.deploymentId, verifiedAt: now(), criteria });
    const events = await execution.waitFor(plan.deploymentId, 'VerificationOutcomeReceived');
    // planning's and verification's topics arrive in any order; the run starts after all three
    expect(typesOf(events).slice(0, 3).sort()).toEqual(['ReadinessConfirmed', 'ReadinessConfirmed', 'RunPrepared']);
    expect(typesOf(events).slice(3)).toEqual(['DeploymentStarted', 'WaveStarted', 'TargetDeployed', 'TargetDeployed', 'WaveCompleted', 'DeploymentExecuted', 'VerificationOutcomeReceived']);
    expect(events.map((e) => e.streamVersion)).toEqual(events.map((_, i) => i + 1));
    expect((await call(execution.url, await tokenFor('auditor'), 'GET', `/runs/${plan.deploymentId}`)).body).toMatchObject({ status: 'ended', outcome: 'succeeded' });
  }, 60_000);

  it('progressive with a backup: backup, then wave after wave', async () => {
    const plan = planFor(staging, { strategy: 'progressive', backupRequired: true, waves: [{ index: 1, targets: ['p-1'] }, { index: 2, targets: ['p-2', 'p-3'] }] });
    await planAndVerify(execution, plan);
    const events = await execution.waitFor(plan.deploymentId, 'DeploymentExecuted');
    expect(after(events, 'DeploymentStarted')).toEqual([
      'DeploymentStarted', 'BackupTaken', 'WaveStarted', 'TargetDeployed', 'WaveCompleted', 'WaveStarted', 'TargetDeployed', 'TargetDeployed', 'WaveCompleted', 'DeploymentExecuted',
    ]);
  }, 60_000);

  it('a failed target rolls back what was deployed, in reverse order, and restores the backup', async () => {
    const plan = planFor(staging, { strategy: 'progressive', backupRequired: true, waves: [{ index: 1, targets: ['f-1', 'f-2'] }, { index: 2, targets: ['f-3'] }] }, { 'f-3': { simulate: 'fail' } });
    await planAndVerify(execution, plan);
    const events = await execution.waitFor(plan.deploymentId, 'RolledBack');
    expect(after(events, 'WaveStarted')).toEqual([
      'WaveStarted', 'TargetDeployed', 'TargetDeployed', 'WaveCompleted', 'WaveStarted', 'TargetDeploymentFailed', 'RollbackStarted', 'TargetRolledBack', 'TargetRolledBack', 'BackupRestored', 'RolledBack',
    ]);
    expect(events.filter((e) => e.type === 'TargetRolledBack').map((e) => e.data.target)).toEqual(['f-2', 'f-1']);
    expect(events.find((e) => e.type === 'TargetDeploymentFailed')!.data).toMatchObject({ target: 'f-3', reason: 'TargetUnreachable' });
  }, 60_000);

  it('canary: pass continues; fail rolls back', async () => {
    const waves = [{ index: 1, targets: ['c-1'] }, { index: 2, targets: ['c-2', 'c-3'] }];
    const passing = planFor(staging, { strategy: 'canary', waves, canaryAnalysis: { maxErrorRate: 0.02, maxP95LatencyMs: 300 } });
    const failing = planFor(staging, { strategy: 'canary', waves });
    await planAndVerify(execution, passing);
    await planAndVerify(execution, failing);
    const requested = await execution.waitFor(passing.deploymentId, 'CanaryAnalysisRequested');
    expect(requested.at(-1)!.data).toMatchObject({ wave: 1, targets: ['c-1'], thresholds: { maxErrorRate: 0.02, maxP95LatencyMs: 300 } });
    await execution.waitFor(failing.deploymentId, 'CanaryAnalysisRequested');
    const verdict = (deploymentId: string, v: 'pass' | 'fail' | 'inconclusive') =>
      execution.publish('verification', 'CanaryAnalysisCompleted', {
        deploymentId, wave: 1, verdict: v, observations: 40, measured: { errorRate: v === 'fail' ? 0.2 : 0.001, p95LatencyMs: 120 }, thresholds: { maxErrorRate: 0.01, maxP95LatencyMs: 500 }, completedAt: now(),
      });
    await verdict(passing.deploymentId, 'pass');
    await verdict(failing.deploymentId, 'fail');
    expect(after(await execution.waitFor(passing.deploymentId, 'DeploymentExecuted'), 'CanaryAnalysisRequested')).toEqual([
      'CanaryAnalysisRequested', 'VerificationOutcomeReceived', 'WaveStarted', 'TargetDeployed', 'TargetDeployed', 'WaveCompleted', 'DeploymentExecuted',
    ]);
    const rolled = await execution.waitFor(failing.deploymentId, 'RolledBack');
    expect(after(rolled, 'CanaryAnalysisRequested')).toEqual(['CanaryAnalysisRequested', 'VerificationOutcomeReceived', 'RollbackStarted', 'TargetRolledBack', 'RolledBack']);
    expect(rolled.at(-1)!.data.reason).toBe('CanaryAnalysisFailed');
  }, 60_000);

  it('canary inconclusive: paused until a person decides', async () => {
    const plan = planFor(staging, { strategy: 'canary', waves: [{ index: 1, targets: ['i-1'] }, { index: 2, targets: ['i-2'] }] });
    await planAndVerify(execution, plan);
    await execution.waitFor(plan.deploymentId, 'CanaryAnalysisRequested');
    await execution.publish('verification', 'CanaryAnalysisCompleted', {
      deploymentId: plan.deploymentId, wave: 1, verdict: 'inconclusive', observations: 2, measured: {}, thresholds: { maxErrorRate: 0.01, maxP95LatencyMs: 500 }, completedAt: now(),
    });
    const paused = await execution.waitFor(plan.deploymentId, 'RunPaused');
    expect(paused.at(-1)!.data.reason).toBe('CanaryAnalysisInconclusive');
    const manager = await tokenFor('deployment-manager', 'dana');
    // still paused a while later: nothing moves without a decision
    await new Promise((r) => setTimeout(r, 500));
    expect((await execution.runEvents(plan.deploymentId)).at(-1)!.type).toBe('RunPaused');
    const decided = await call(execution.url, manager, 'POST', `/runs/${plan.deploymentId}/rollback-decision`, { rollback: true });
    expect(decided.status).toBe(200);
    const events = await execution.waitFor(plan.deploymentId, 'RolledBack');
    expect(after(events, 'RunPaused')).toEqual(['RunPaused', 'RollbackDecided', 'RollbackStarted', 'TargetRolledBack', 'RolledBack']);
  }, 60_000);

  it('blue-green: deployed to the idle side, verified, traffic switched; a failed live verification switches back', async () => {
    const plan = planFor(staging, { strategy: 'blue-green', waves: [{ index: 1, targets: ['g-1', 'g-2'] }] });
    const kept = planFor(staging, { strategy: 'blue-green', waves: [{ index: 1, targets: ['k-1'] }] });
    await planAndVerify(execution, plan);
    await planAndVerify(execution, kept);
    for (const p of [plan, kept]) {
      await execution.waitFor(p.deploymentId, 'IdleSideVerificationRequested');
      await execution.publish('verification', 'IdleSideVerified', { deploymentId: p.deploymentId, side: 'green', criteria });
      await execution.waitFor(p.deploymentId, 'DeploymentExecuted');
    }
    await execution.publish('verification', 'DeploymentVerificationFailed', { deploymentId: plan.deploymentId, failedAt: now(), criteria: [{ ...criteria[0], result: 'failed' }] });
    await execution.publish('verification', 'DeploymentVerified', { deploymentId: kept.deploymentId, verifiedAt: now(), criteria });
    const back = await execution.waitFor(plan.deploymentId, 'RolledBack');
    expect(after(back, 'WaveCompleted')).toEqual([
      'WaveCompleted', 'IdleSideVerificationRequested', 'VerificationOutcomeReceived', 'TrafficSwitched', 'DeploymentExecuted',
      'VerificationOutcomeReceived', 'RollbackStarted', 'TrafficSwitched', 'TargetRolledBack', 'TargetRolledBack', 'RolledBack',
    ]);
    expect(back.filter((e) => e.type === 'TrafficSwitched').map((e) => `${e.data.from}->${e.data.to}`)).toEqual(['blue->green', 'green->blue']);
    const retired = await execution.waitFor(kept.deploymentId, 'SideRetired');
    expect(after(retired, 'DeploymentExecuted')).toEqual(['DeploymentExecuted', 'VerificationOutcomeReceived', 'SideRetired']);
    expect(retired.at(-1)!.data.side).toBe('blue');
  }, 60_000);

  it('rollback on decision: a failure pauses the run; resume is refused; a decision not to roll back ends it failed', async () => {
    const plan = planFor(staging, { rollback: 'manual', waves: [{ index: 1, targets: ['m-1', 'm-2'] }] }, { 'm-2': { simulate: 'fail' } });
    await planAndVerify(execution, plan);
    const paused = await execution.waitFor(plan.deploymentId, 'RunPaused');
    expect(paused.at(-1)!.data.reason).toBe('TargetDeploymentFailed');
    const manager = await tokenFor('deployment-manager', 'dana');
    const resumed = await call(execution.url, manager, 'POST', `/runs/${plan.deploymentId}/resume`);
    expect(resumed).toMatchObject({ status: 409, body: { code: 'DecisionRequired' } });
    const decided = await call(execution.url, manager, 'POST', `/runs/${plan.deploymentId}/rollback-decision`, { rollback: false });
    expect(decided.body).toMatchObject({ status: 'ended', outcome: 'failed', reason: 'RollbackDeclined' });
    expect(after(await execution.runEvents(plan.deploymentId), 'TargetDeploymentFailed')).toEqual(['TargetDeploymentFailed', 'RunPaused', 'RollbackDecided', 'DeploymentFailed']);
  }, 60_000);

  it('blue-green: an idle side that fails verification never gets traffic; it is undone', async () => {
    const plan = planFor(staging, { strategy: 'blue-green', waves: [{ index: 1, targets: ['x-1'] }] });
    await planAndVerify(execution, plan);
    await execution.waitFor(plan.deploymentId, 'IdleSideVerificationRequested');
    await execution.publish('verification', 'IdleSideVerificationFailed', { deploymentId: plan.deploymentId, side: 'green', criteria: [{ ...criteria[0], result: 'failed' }] });
    const events = await execution.waitFor(plan.deploymentId, 'RolledBack');
    expect(after(events, 'IdleSideVerificationRequested')).toEqual(['IdleSideVerificationRequested', 'VerificationOutcomeReceived', 'RollbackStarted', 'TargetRolledBack', 'RolledBack']);
    expect(typesOf(events)).not.toContain('TrafficSwitched');
    expect(events.at(-1)!.data.reason).toBe('IdleSideVerificationFailed');
  }, 60_000);

  it('the window closing mid-way pauses at the wave boundary; schedule adherence is recorded missed', async () => {
    const plan = planFor(
      staging,
      { strategy: 'progressive', waves: [{ index: 1, targets: ['w-1'] }, { index: 2, targets: ['w-2'] }], window: { start: new Date(Date.now() - 60_000).toISOString(), end: new Date(Date.now() + 6_000).toISOString() } },
      { 'w-1': { simulate: 'slow' } },
    );
    await planAndVerify(execution, plan);
    const events = await execution.waitFor(plan.deploymentId, 'RunPaused');
    // the window ends while w-1 is being deployed: its due timer records the missed schedule at once; the run stops before wave 2
    expect(after(events, 'DeploymentStarted')).toEqual(['DeploymentStarted', 'WaveStarted', 'ScheduleMissed', 'TargetDeployed', 'WaveCompleted', 'RunPaused']);
    expect(events.find((e) => e.type === 'ScheduleMissed')!.data).toMatchObject({ phase: 'during-run', window: plan.window });
    expect(events.at(-1)!.data).toMatchObject({ reason: 'WindowClosed' });
    await new Promise((r) => setTimeout(r, 500));
    expect((await execution.runEvents(plan.deploymentId)).some((e) => e.type === 'WaveStarted' && e.data.wave === 2)).toBe(false);
  }, 60_000);

  it('a run waiting for its window starts when it opens (a due timer), not before', async () => {
    const opens = new Date(Date.now() + 8_000);
    const plan = planFor(staging, { window: { start: opens.toISOString(), end: new Date(Date.now() + 3_600_000).toISOString() } });
    await planAndVerify(execution, plan);
    await execution.waitFor(plan.deploymentId, 'ReadinessConfirmed', (d) => d.readiness === 'environment');
    await execution.waitFor(plan.deploymentId, 'ReadinessConfirmed', (d) => d.readiness === 'components');
    expect(typesOf(await execution.runEvents(plan.deploymentId))).not.toContain('DeploymentStarted');
    const events = await execution.waitFor(plan.deploymentId, 'DeploymentExecuted');
    expect(Date.parse(events.find((e) => e.type === 'DeploymentStarted')!.data.startedAt)).toBeGreaterThanOrEqual(opens.getTime());
  }, 60_000);

  it('a cancelled deployment, or a revoked component version, never starts', async () => {
    const cancelled = planFor(staging, { window: { start: new Date(Date.now() + 3_600_000).toISOString(), end: new Date(Date.now() + 7_200_000).toISOString() } });
    const revoked = planFor(staging, { window: cancelled.window });
    await planAndVerify(execution, cancelled);
    await planAndVerify(execution, revoked);
    await execution.waitFor(revoked.deploymentId, 'ReadinessConfirmed', () => true);
    await execution.publish('planning', 'DeploymentCancelled', { deploymentId: cancelled.deploymentId, changeId: cancelled.changeId, environment: staging, reason: 'change withdrawn', cancelledBy: 'cm', cancelledAt: now() });
    await execution.publish('verification', 'ComponentVerificationRevoked', { deploymentId: revoked.deploymentId, components: [{ name: 'payments-api', version: '2.4.1', reason: 'Withdrawn' }], revokedAt: now() });
    expect((await execution.waitFor(cancelled.deploymentId, 'RunAbandoned')).at(-1)!.data.reason).toBe('DeploymentCancelled');
    expect((await execution.waitFor(revoked.deploymentId, 'RunAbandoned')).at(-1)!.data.reason).toBe('ComponentVerificationRevoked');
    expect((await execution.runEvents(revoked.deploymentId)).some((e) => e.type === 'DeploymentStarted')).toBe(false);
  }, 60_000);
});
