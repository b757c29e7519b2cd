import { SAMPLE_PAYLOADS, type MonitoringPeriod } from '@gantry/contracts';
import { call, defaultExecutors, planAndVerify, planFor, startExecution, suffix, tokenFor, typesOf, type ExecutionUnderTest } from '../test-fixtures';

/** The monitoring period after a verified run, over Kafka and PostgreSQL: verification's events as it publishes them. */
const production = `production-${suffix()}`;
let execution: ExecutionUnderTest;

beforeAll(async () => {
  execution = await startExecution(defaultExecutors({ environments: { [production]: { type: 'simulated', rules: [] } } }));
}, 120_000);
afterAll(() => execution?.stop());

const now = () => new Date().toISOString();
const monitoring = (onRegression: MonitoringPeriod['onRegression']): MonitoringPeriod => ({ ...SAMPLE_PAYLOADS.MonitoringPeriodStarted.monitoring, onRegression });
const regression = (deploymentId: string, onRegression: MonitoringPeriod['onRegression']) => ({
  deploymentId,
  signal: 'error-rate',
  look: 3,
  reason: 'error-rate 0.040 vs baseline 0.010: worse beyond the 10 % tolerance (look 3 of 72)',
  onRegression,
  detectedAt: now(),
});

/** A run whose plan has a monitoring period, executed and verified: it stays open for the period. */
async function verifiedAndWatched(onRegression: MonitoringPeriod['onRegression']) {
  const plan = planFor(production, { waves: [{ index: 1, targets: ['m-1', 'm-2'] }], monitoring: monitoring(onRegression) });
  await planAndVerify(execution, plan);
  await execution.waitFor(plan.deploymentId, 'DeploymentExecuted');
  await execution.publish('verification', 'DeploymentVerified', { deploymentId: plan.deploymentId, criteria: [], verifiedAt: now() });
  await execution.waitFor(plan.deploymentId, 'VerificationOutcomeReceived', (d) => d.check === 'deployment');
  return plan;
}

describe('a regression in the monitoring period, over Kafka and PostgreSQL', () => {
  it('holds the verified run for a deployment manager: a practitioner is refused, the deployment manager rolls it back, every target undone', async () => {
    const plan = await verifiedAndWatched('decide');
    const manager = await tokenFor('deployment-manager', 'mia');
    expect((await call(execution.url, manager, 'GET', `/runs/${plan.deploymentId}`)).body).toMatchObject({ status: 'executed', verified: true, watching: true });

    await execution.publish('verification', 'RegressionDetected', regression(plan.deploymentId, 'decide'));
    const held = await execution.waitFor(plan.deploymentId, 'RunPaused');
    expect(held.at(-1)!.data).toMatchObject({ reason: 'RegressionDetected', by: 'gantry-execution' });

    const decision = `/runs/${plan.deploymentId}/rollback-decision`;
    expect(await call(execution.url, await tokenFor('deployment-practitioner', 'pat'), 'POST', decision, { rollback: true })).toMatchObject({ status: 403, body: { code: 'RoleMayNotDecide' } });
    expect((await call(execution.url, manager, 'POST', decision, { rollback: true })).status).toBe(200);
    const rolledBack = await execution.waitFor(plan.deploymentId, 'RolledBack');
    const since = typesOf(rolledBack).slice(typesOf(rolledBack).indexOf('RunPaused'));
    expect(since).toEqual(['RunPaused', 'RollbackDecided', 'RollbackStarted', 'TargetRolledBack', 'TargetRolledBack', 'RolledBack']);
    expect(rolledBack.at(-1)!.data).toMatchObject({ reason: 'RegressionDetected' });

    // the period's end and another regression after the run ended change nothing
    await execution.publish('verification', 'MonitoringPeriodEnded', { deploymentId: plan.deploymentId, verdict: 'regressed', looks: 3, endedAt: now() });
    await execution.publish('verification', 'RegressionDetected', regression(plan.deploymentId, 'decide'));
    const other = await verifiedAndWatched('decide');
    await execution.publish('verification', 'MonitoringPeriodEnded', { deploymentId: other.deploymentId, verdict: 'clean', looks: 72, endedAt: now() });
    await execution.waitFor(other.deploymentId, 'VerificationOutcomeReceived', (d) => d.check === 'monitoring');
    expect((await execution.runEvents(plan.deploymentId)).length).toBe(rolledBack.length);
    expect((await call(execution.url, manager, 'GET', `/runs/${other.deploymentId}`)).body).toMatchObject({ status: 'ended', outcome: 'succeeded' });
  }, 90_000);

  it('with onRegression rollback, rolls back at once', async () => {
    const plan = await verifiedAndWatched('rollback');
    await execution.publish('verification', 'RegressionDetected', regression(plan.deploymentId, 'rollback'));
    const rolledBack = await execution.waitFor(plan.deploymentId, 'RolledBack');
    expect(typesOf(rolledBack)).not.toContain('RunPaused');
    expect(rolledBack.at(-1)!.data).toMatchObject({ reason: 'RegressionDetected' });
  }, 60_000);
});
