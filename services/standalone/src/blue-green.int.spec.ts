import { mintToken } from '@gantry/auth';
import { SAMPLE_PAYLOADS, type BlueGreenSide, type DeploymentPlanned } from '@gantry/contracts';
import { eventually } from '@gantry/testing';
import { randomUUID } from 'node:crypto';
import { startExecutionAndRecords, type ExecutionAndRecords } from './test-fixtures';

/**
 * Blue-green that runs again and again: execution and records as their own processes on a real Kafka broker and
 * PostgreSQL, planning's and verification's events published as those services would. One service in one environment
 * is deployed blue-green three times, then a fourth time rolled back: execution deploys each run beside the side its
 * previous switch left live, and records' state of the environment as of each moment names that side.
 */
const SECRET = 'blue-green-int-secret-of-at-least-32-chars';
const suffix = randomUUID().slice(0, 8);
const environment = `staging-${suffix}`;
const service = `checkout-${suffix}`;
/** a fresh broker's first producers and consumer groups wait for its coordinators: tens of seconds on a loaded machine */
const KAFKA_MS = 120_000;
const criteria = [{ type: 'smoke-tests' as const, description: 'checkout smoke suite passes', result: 'met' as const }];

let auditor: string;
let harness: ExecutionAndRecords;

beforeAll(async () => {
  harness = await startExecutionAndRecords('bluegreen', SECRET);
  auditor = await mintToken(SECRET, { sub: 'alice.auditor', roles: ['auditor'] });
}, KAFKA_MS);

afterAll(() => harness?.stop());

const publish: ExecutionAndRecords['publish'] = (name, data) => harness.publish(name, data);

const runEvents = async (deploymentId: string) => (await harness.runs.readStream(`DeploymentRun-${deploymentId}`)).map((e) => ({ type: e.type, data: e.data as Record<string, any> }));

async function waitForRun(deploymentId: string, type: string) {
  let events: Awaited<ReturnType<typeof runEvents>> = [];
  await eventually(async () => (events = await runEvents(deploymentId)).some((e) => e.type === type), { timeoutMs: 60_000, intervalMs: 100, what: `${type} in run ${deploymentId}` });
  return events;
}

const audit = async (path: string) => {
  const response = await fetch(`${harness.records.url}${path}`, { headers: { authorization: `Bearer ${auditor}` } });
  return { status: response.status, body: (await response.json()) as any };
};

/** The environment as records' as-of fold gives it, once it names what `until` expects. */
async function environmentState(until: (services: any[]) => boolean, asOf?: string) {
  let services: any[] = [];
  await eventually(
    async () => {
      services = (await audit(`/audit/environments/${environment}/state${asOf ? `?asOf=${encodeURIComponent(asOf)}` : ''}`)).body.services;
      return until(services);
    },
    { timeoutMs: 60_000, intervalMs: 200, what: `records' state of ${environment}` },
  );
  return services;
}

/** One blue-green deployment of the service: requested, planned, both verifications, the idle side checked, then verified live (or not). */
async function deployBlueGreen(verdict: 'DeploymentVerified' | 'DeploymentVerificationFailed') {
  const deploymentId = randomUUID();
  harness.deployments.add(deploymentId);
  const components = [{ name: `${service}-api`, version: `3.${harness.deployments.size}.0`, kind: 'software' as const }];
  const window = { start: new Date(Date.now() - 60_000).toISOString(), end: new Date(Date.now() + 3_600_000).toISOString() };
  const plan: DeploymentPlanned = {
    ...SAMPLE_PAYLOADS.DeploymentPlanned,
    deploymentId,
    changeId: `CHG-${deploymentId.slice(0, 8)}`,
    service,
    environment,
    components,
    window,
    model: null,
    strategy: 'blue-green',
    waves: [{ index: 1, targets: ['bg-1', 'bg-2'] }],
    rollback: 'automatic',
    backupRequired: false,
    gates: [],
  };
  await publish('DeploymentRequested', { ...SAMPLE_PAYLOADS.DeploymentRequested, deploymentId, changeId: plan.changeId, service, environment, components, window, requestedAt: new Date().toISOString() });
  await publish('DeploymentPlanned', plan);
  await publish('ComponentsVerified', { deploymentId, components: components.map((c) => ({ name: c.name, version: c.version, result: 'verified' as const })) });
  await publish('TargetEnvironmentVerified', { deploymentId, environment });
  const requested = (await waitForRun(deploymentId, 'IdleSideVerificationRequested')).find((e) => e.type === 'IdleSideVerificationRequested')!;
  await publish('IdleSideVerified', { deploymentId, side: requested.data.side, criteria });
  await waitForRun(deploymentId, 'DeploymentExecuted');
  const at = new Date().toISOString();
  if (verdict === 'DeploymentVerified') await publish('DeploymentVerified', { deploymentId, verifiedAt: at, criteria });
  else await publish('DeploymentVerificationFailed', { deploymentId, failedAt: at, criteria: [{ ...criteria[0], result: 'failed' }] });
  const events = await waitForRun(deploymentId, verdict === 'DeploymentVerified' ? 'SideRetired' : 'RolledBack');
  const sides = (type: string) => events.filter((e) => e.type === type).map((e) => (type === 'TrafficSwitched' ? `${e.data.from}->${e.data.to}` : e.data.side ?? e.data.liveSide));
  return { deploymentId, prepared: sides('RunPrepared')[0] as BlueGreenSide, deployedTo: requested.data.side as BlueGreenSide, switches: sides('TrafficSwitched'), retired: sides('SideRetired') };
}

describe('blue-green, again and again, on one environment', () => {
  it('each deployment goes to the idle side; the live side alternates, and records shows it as of each moment, and after a rollback the side switched back to', async () => {
    const asOf: { at: string; deploymentId: string; side: BlueGreenSide }[] = [];
    const expected: [BlueGreenSide, BlueGreenSide][] = [['blue', 'green'], ['green', 'blue'], ['blue', 'green']];
    for (const [live, idle] of expected) {
      const run = await deployBlueGreen('DeploymentVerified');
      expect(run).toMatchObject({ prepared: live, deployedTo: idle, switches: [`${live}->${idle}`], retired: [live] });
      const state = await environmentState((services) => services.some((s) => s.deploymentId === run.deploymentId));
      expect(state).toEqual([expect.objectContaining({ service, deploymentId: run.deploymentId, liveSide: idle })]);
      asOf.push({ at: new Date().toISOString(), deploymentId: run.deploymentId, side: idle });
    }

    // green live: the fourth deployment goes to blue, fails its live verification and switches back to green
    const rolledBack = await deployBlueGreen('DeploymentVerificationFailed');
    expect(rolledBack).toMatchObject({ prepared: 'green', deployedTo: 'blue', switches: ['green->blue', 'blue->green'], retired: [] });
    await eventually(async () => (await audit(`/audit/deployments/${rolledBack.deploymentId}`)).body.state?.phase === 'closed', { timeoutMs: 60_000, intervalMs: 200, what: 'the rollback closed in records' });
    expect((await audit(`/audit/deployments/${rolledBack.deploymentId}`)).body.state).toMatchObject({ outcome: 'rolled-back', liveSide: 'green' });
    const { rows } = await harness.execution.runtime.db.query(`SELECT side, deployment_id FROM execution.live_sides WHERE environment = $1 AND service = $2`, [environment, service]);
    expect(rows).toEqual([{ side: 'green', deployment_id: rolledBack.deploymentId }]);
    const [third] = asOf.slice(-1);
    expect(await environmentState(() => true)).toEqual([expect.objectContaining({ deploymentId: third.deploymentId, liveSide: 'green' })]);

    // as of each earlier moment, the side live then
    for (const { at, deploymentId, side } of asOf) {
      expect(await environmentState(() => true, at)).toEqual([expect.objectContaining({ deploymentId, liveSide: side })]);
    }
  }, 360_000);
});
