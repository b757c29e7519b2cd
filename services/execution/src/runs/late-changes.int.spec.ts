import type { EnvironmentUpdated, FreezePeriod } from '@gantry/contracts';
import { eventually } from '@gantry/testing';
import { call, defaultExecutors, planAndVerify, planFor, startExecution, suffix, tokenFor, typesOf, type ExecutionUnderTest } from '../test-fixtures';

/** Late changes over Kafka and PostgreSQL: planning's news about an environment reaching runs planned before it. */
const staging = `staging-${suffix()}`;
let execution: ExecutionUnderTest;

beforeAll(async () => {
  execution = await startExecution(defaultExecutors({ environments: { [staging]: { type: 'simulated', rules: [{ label: 'simulate=slow', durationMs: 4000 }] } } }));
}, 120_000);
afterAll(() => execution?.stop());

const now = () => new Date().toISOString();
const inAnHour = () => ({ start: new Date(Date.now() + 3_600_000).toISOString(), end: new Date(Date.now() + 7_200_000).toISOString() });

/** The environment as planning publishes it after an edit: here, with the freezes given. */
const environmentWith = (freezes: FreezePeriod[], name = staging): EnvironmentUpdated => ({
  name,
  kind: 'staging',
  position: 4,
  attributes: {},
  targets: [{ name: 't-1', kind: 'host' }],
  timeZone: 'UTC',
  deploymentWindows: [],
  freezes,
  approvalPolicy: { roles: [], minimumApprovers: 0 },
  updatedAt: now(),
});

describe('late changes over Kafka and PostgreSQL', () => {
  it('a freeze added after planning stops the run before it starts, recording which freeze; the same update again records nothing more', async () => {
    const plan = planFor(staging, { window: inAnHour() });
    const elsewhere = planFor(staging, { window: { start: new Date(Date.now() + 86_400_000).toISOString(), end: new Date(Date.now() + 90_000_000).toISOString() } });
    await planAndVerify(execution, plan);
    await planAndVerify(execution, elsewhere);
    await execution.waitFor(plan.deploymentId, 'ReadinessConfirmed', (d) => d.readiness === 'environment');
    await execution.waitFor(elsewhere.deploymentId, 'ReadinessConfirmed', (d) => d.readiness === 'environment');

    const freeze: FreezePeriod = { id: `change-freeze-${suffix()}`, reason: 'quarter-end close', start: plan.window.start, end: plan.window.end };
    await execution.publish('planning', 'EnvironmentUpdated', environmentWith([freeze]));
    const events = await execution.waitFor(plan.deploymentId, 'RunAbandoned');
    expect(typesOf(events).slice(-2)).toEqual(['LateChangeDetected', 'RunAbandoned']);
    expect(events.at(-2)!.data).toMatchObject({ reason: 'FreezePeriod', detail: expect.stringContaining(freeze.id) });
    expect(events.at(-1)!.data).toEqual({ deploymentId: plan.deploymentId, reason: 'FreezePeriod' });

    const view = await call(execution.url, await tokenFor('deployment-manager'), 'GET', `/runs/${plan.deploymentId}`);
    expect(view.body).toMatchObject({ status: 'ended', outcome: 'abandoned', reason: 'FreezePeriod' });

    // the same freeze again, with another over the later run's window: that run stops now (so this update was
    // handled), the stopped run records nothing more
    const later: FreezePeriod = { id: `change-freeze-${suffix()}`, reason: 'data centre move', start: elsewhere.window.start, end: elsewhere.window.end };
    expect(typesOf(await execution.runEvents(elsewhere.deploymentId))).not.toContain('LateChangeDetected');
    await execution.publish('planning', 'EnvironmentUpdated', environmentWith([freeze, later]));
    const stopped = await execution.waitFor(elsewhere.deploymentId, 'RunAbandoned');
    expect(stopped.at(-2)!.data.detail).toContain(later.id);
    expect((await execution.runEvents(plan.deploymentId)).length).toBe(events.length);
  }, 60_000);

  it('a freeze added after planning stops the run when that news arrives before the plan (a later version of the environment)', async () => {
    const racing = `racing-${suffix()}`;
    const plan = planFor(racing, { window: inAnHour() });
    const later = planFor(racing);
    const freeze: FreezePeriod = { id: `change-freeze-${suffix()}`, reason: 'quarter-end close', start: later.window.start, end: plan.window.end };
    // the plan was made against version 1 of the environment; version 2 added the freeze, and came first
    await execution.publish('planning', 'EnvironmentUpdated', environmentWith([freeze], racing), 2);
    await eventually(async () => (await execution.store.db.query(`SELECT 1 FROM execution.environment_conditions WHERE name = $1 AND version = 2`, [racing])).rows.length === 1, {
      timeoutMs: 30_000,
      intervalMs: 100,
      what: `version 2 of ${racing} kept`,
    });
    await planAndVerify(execution, plan);
    const events = await execution.waitFor(plan.deploymentId, 'RunAbandoned');
    expect(typesOf(events).slice(-2)).toEqual(['LateChangeDetected', 'RunAbandoned']);
    expect(events.at(-1)!.data.reason).toBe('FreezePeriod');
    // a plan made against version 2 was made knowing the freeze (an emergency change overriding it): it goes on
    await planAndVerify(execution, { ...later, environmentSnapshot: { ...later.environmentSnapshot!, version: 2 }, freezeOverride: { freezeId: freeze.id, reason: 'outage fix', by: 'dana' } });
    expect(typesOf(await execution.waitFor(later.deploymentId, 'DeploymentExecuted'))).not.toContain('LateChangeDetected');
  }, 60_000);

  it('a freeze added during a run holds it at the next wave boundary; only a deployment manager decides, and it goes on', async () => {
    const plan = planFor(staging, { strategy: 'progressive', waves: [{ index: 1, targets: ['f-1'] }, { index: 2, targets: ['f-2'] }] }, { 'f-1': { simulate: 'slow' } });
    await planAndVerify(execution, plan);
    await execution.waitFor(plan.deploymentId, 'WaveStarted');
    await execution.publish('planning', 'EnvironmentUpdated', environmentWith([{ id: `incident-freeze-${suffix()}`, reason: 'major incident in progress', start: plan.window.start, end: plan.window.end }]));
    const paused = await execution.waitFor(plan.deploymentId, 'RunPaused');
    const since = (events: { type: string }[], type: string) => typesOf(events).slice(typesOf(events).indexOf(type));
    // f-1 was being deployed when the freeze arrived: that wave finishes, the next does not start
    expect(since(paused, 'DeploymentStarted')).toEqual(['DeploymentStarted', 'WaveStarted', 'LateChangeDetected', 'TargetDeployed', 'WaveCompleted', 'RunPaused']);
    expect(paused.at(-1)!.data).toMatchObject({ reason: 'FreezePeriod', by: 'gantry-execution' });

    const decision = `/runs/${plan.deploymentId}/rollback-decision`;
    expect(await call(execution.url, await tokenFor('deployment-practitioner', 'pat'), 'POST', `/runs/${plan.deploymentId}/resume`)).toMatchObject({ status: 409, body: { code: 'DecisionRequired' } });
    expect(await call(execution.url, await tokenFor('deployment-practitioner', 'pat'), 'POST', decision, { rollback: false })).toMatchObject({ status: 403, body: { code: 'RoleMayNotDecide' } });
    expect((await call(execution.url, await tokenFor('deployment-manager', 'mia'), 'POST', decision, { rollback: false })).status).toBe(200);
    const executed = await execution.waitFor(plan.deploymentId, 'DeploymentExecuted');
    expect(since(executed, 'RunPaused')).toEqual(['RunPaused', 'RollbackDecided', 'RunResumed', 'WaveStarted', 'TargetDeployed', 'WaveCompleted', 'DeploymentExecuted']);
    expect(executed.find((e) => e.type === 'RollbackDecided')!.data).toMatchObject({ rollback: false, by: 'mia' });
  }, 60_000);

  it("the key that signed the change's authorisation revoked after planning stops the run before it starts (planning's DeploymentAuthorisationRevoked)", async () => {
    const plan = planFor(staging, { window: inAnHour(), authorisedBy: { way: 'signed', by: 'carol.cab', keyId: 'change-enablement-2026' } });
    await planAndVerify(execution, plan);
    await execution.waitFor(plan.deploymentId, 'ReadinessConfirmed', (d) => d.readiness === 'environment');
    const revocation = { keyId: 'change-enablement-2026', reason: 'private key leaked', effectiveAt: now(), revokedAt: now() };
    await execution.publish('planning', 'DeploymentAuthorisationRevoked', { deploymentId: plan.deploymentId, changeId: plan.changeId, environment: staging, ...revocation });
    const events = await execution.waitFor(plan.deploymentId, 'RunAbandoned');
    expect(events.at(-2)!.data).toMatchObject({ reason: 'AuthorisationRevoked', detail: "the key change-enablement-2026 that signed the change's authorisation was revoked: private key leaked" });
    expect(events.at(-1)!.data).toEqual({ deploymentId: plan.deploymentId, reason: 'AuthorisationRevoked' });
    expect(typesOf(events)).not.toContain('DeploymentStarted');
  }, 60_000);

  it('a version withdrawn during a run holds it at the next wave boundary; a deployment manager rolls it back, for the withdrawal', async () => {
    const plan = planFor(staging, { strategy: 'progressive', waves: [{ index: 1, targets: ['w-1'] }, { index: 2, targets: ['w-2'] }] }, { 'w-1': { simulate: 'slow' } });
    await planAndVerify(execution, plan);
    await execution.waitFor(plan.deploymentId, 'WaveStarted');
    const [component] = plan.components;
    await execution.publish('verification', 'ComponentVerificationRevoked', { deploymentId: plan.deploymentId, components: [{ name: component!.name, version: component!.version, reason: 'Withdrawn' }], revokedAt: now() });
    const paused = await execution.waitFor(plan.deploymentId, 'RunPaused');
    expect(paused.at(-1)!.data).toMatchObject({ reason: 'ComponentVerificationRevoked', by: 'gantry-execution' });
    expect(paused.find((e) => e.type === 'LateChangeDetected')!.data).toMatchObject({ reason: 'ComponentVerificationRevoked', detail: `${component!.name} ${component!.version}: Withdrawn` });
    expect(typesOf(paused).filter((t) => t === 'WaveStarted')).toHaveLength(1);

    expect((await call(execution.url, await tokenFor('deployment-manager', 'mia'), 'POST', `/runs/${plan.deploymentId}/rollback-decision`, { rollback: true })).status).toBe(200);
    const rolledBack = await execution.waitFor(plan.deploymentId, 'RolledBack');
    expect(rolledBack.at(-1)!.data).toMatchObject({ reason: 'ComponentVerificationRevoked' });
    expect(typesOf(rolledBack)).toContain('TargetRolledBack');
  }, 60_000);

  it('a decommissioned environment stops a run that has not started', async () => {
    const plan = planFor(staging, { window: inAnHour() });
    await planAndVerify(execution, plan);
    await execution.waitFor(plan.deploymentId, 'ReadinessConfirmed', (d) => d.readiness === 'environment');
    await execution.publish('planning', 'EnvironmentDecommissioned', { name: staging, reason: 'moved to the new data centre', decommissionedAt: now() });
    const events = await execution.waitFor(plan.deploymentId, 'RunAbandoned');
    expect(events.at(-2)!.data).toMatchObject({ reason: 'EnvironmentDecommissioned', detail: `${staging} decommissioned: moved to the new data centre` });
    expect(events.at(-1)!.data.reason).toBe('EnvironmentDecommissioned');
    expect(typesOf(events)).not.toContain('DeploymentStarted');
  }, 60_000);
});
