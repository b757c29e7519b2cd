import { mintToken } from '@gantry/auth';
import { SAMPLE_PAYLOADS, SITE_CHECKLIST, type DeploymentPlanned } from '@gantry/contracts';
import { call, eventually } from '@gantry/testing';
import { randomUUID } from 'node:crypto';
import { startExecutionAndRecords, type ExecutionAndRecords } from './test-fixtures';

/**
 * A physical deployment end to end (issue 18): execution and records as their own processes on a real Kafka broker and
 * PostgreSQL, planning's and verification's events published as those services would. Storage shelves go into two
 * racks at the `eu` site and a desk of its own: the sites answer their checklists, a delivery arrives one serial short
 * (recorded, holding the run) and the rest follows; a supplier's engineer installs units at the racks of its scope (and
 * is refused at the desk), staff install the last; verified, recorded, and records' environment as of then names the
 * serials at each target.
 */
const SECRET = 'physical-int-secret-of-at-least-32-chars';
const suffix = randomUUID().slice(0, 8);
const environment = `datacentre-${suffix}`;
const service = `storage-${suffix}`;
const supplier = `rackworks-${suffix}`;
/** a fresh broker's first producers and consumer groups wait for its coordinators: tens of seconds on a loaded machine */
const KAFKA_MS = 120_000;
const EVIDENCE = [{ description: 'site inspection report', reference: 'https://evidence.example/inspection.pdf', digest: `sha256:${'5e'.repeat(32)}` }];

let harness: ExecutionAndRecords;
const token = (sub: string, role: string, org?: string) => mintToken(SECRET, { sub, roles: [role], ...(org ? { org } : {}) });

beforeAll(async () => {
  harness = await startExecutionAndRecords('physical', SECRET);
}, KAFKA_MS);

afterAll(() => harness?.stop());

const publish: ExecutionAndRecords['publish'] = (name, data) => harness.publish(name, data);

const typesIn = async (streamId: string) => (await harness.runs.readStream(streamId)).map((e) => e.type);

async function waitForRun(deploymentId: string, type: string) {
  await eventually(async () => (await typesIn(`DeploymentRun-${deploymentId}`)).includes(type), { timeoutMs: 60_000, intervalMs: 100, what: `${type} in run ${deploymentId}` });
  return typesIn(`DeploymentRun-${deploymentId}`);
}

/** What records answers at `path`, once `until` holds of it. */
async function audit(path: string, until: (body: any) => boolean) {
  const auditor = await token('alice.auditor', 'auditor');
  let body: any;
  await eventually(async () => until((body = (await call(harness.records.url, auditor, 'GET', path)).body)), { timeoutMs: 60_000, intervalMs: 200, what: `records' ${path}` });
  return body;
}

describe('a physical deployment end to end', () => {
  it('sites ready, a delivery one serial short then completed, units installed per target by a supplier in scope (refused outside it), verified, and the serials in records as of then', async () => {
    const admin = await token('ada', 'admin');
    const scope = { environments: [environment], sites: ['eu'], componentKinds: ['hardware'] };
    expect((await call(harness.execution.url, admin, 'POST', '/suppliers', { name: supplier, contact: { name: 'Rackworks field service', contact: { email: 'field@rackworks.example' } }, scope })).status).toBe(201);

    const deploymentId = randomUUID();
    harness.deployments.add(deploymentId);
    const components = [{ name: 'storage-shelf', version: 'ds224c', kind: 'hardware' as const }];
    const window = { start: new Date(Date.now() - 60_000).toISOString(), end: new Date(Date.now() + 3_600_000).toISOString() };
    const targets = ['rack-eu-1', 'rack-eu-2', 'desk-7'];
    const plan: DeploymentPlanned = {
      ...SAMPLE_PAYLOADS.DeploymentPlanned,
      deploymentId,
      changeId: `CHG-${deploymentId.slice(0, 8)}`,
      service,
      environment,
      kind: 'install',
      components,
      window,
      model: null,
      strategy: 'big-bang',
      waves: [{ index: 1, targets }],
      rollback: 'automatic',
      backupRequired: false,
      gates: [],
      environmentSnapshot: {
        name: environment,
        kind: 'production',
        version: 1,
        attributes: {},
        targets: targets.map((name) => ({ name, kind: 'host' as const, ...(name.startsWith('rack-eu') ? { labels: { site: 'eu' } } : {}) })),
      },
    };
    await publish('DeploymentRequested', { ...SAMPLE_PAYLOADS.DeploymentRequested, deploymentId, changeId: plan.changeId, service, environment, kind: 'install', components, window, requestedAt: new Date().toISOString() });
    await publish('DeploymentPlanned', plan);
    const units = ['SN-1', 'SN-2', 'SN-3', 'SN-4'].map((serial) => ({ serial }));
    await publish('ComponentsVerified', { deploymentId, components: [{ name: 'storage-shelf', version: 'ds224c', result: 'verified' as const, units }] });
    await publish('TargetEnvironmentVerified', { deploymentId, environment });
    await eventually(async () => (await call(harness.execution.url, admin, 'GET', `/runs/${deploymentId}`)).body?.physical?.missing?.orderKnown === true, { timeoutMs: 60_000, intervalMs: 100, what: 'the units ordered known' });

    const ines = await token('ines', 'deployment-practitioner');
    for (const site of ['desk-7', 'eu']) {
      for (const item of SITE_CHECKLIST) expect((await call(harness.execution.url, ines, 'POST', `/runs/${deploymentId}/sites/${site}/checklist/${item}`, { result: 'passed', evidence: EVIDENCE })).status).toBe(200);
    }
    const short = await call(harness.execution.url, ines, 'POST', `/runs/${deploymentId}/deliveries`, { received: [{ component: 'storage-shelf', serials: ['SN-1', 'SN-2', 'SN-3'] }] });
    expect(short.body).toMatchObject({ status: 'preparing', missing: { discrepancies: [{ serial: 'SN-4', discrepancy: 'missing' }] } });
    const engineer = await token('sue', 'supplier-engineer', supplier);
    const tooEarly = await call(harness.execution.url, engineer, 'POST', `/runs/${deploymentId}/installations`, { target: 'rack-eu-1', serials: ['SN-1'] });
    expect(tooEarly).toMatchObject({ status: 409, body: { code: 'PhysicalReadinessNotConfirmed' } });
    expect(await typesIn(`DeploymentRun-${deploymentId}`)).not.toContain('DeploymentStarted');
    const completed = await call(harness.execution.url, ines, 'POST', `/runs/${deploymentId}/deliveries`, { received: [{ component: 'storage-shelf', serials: ['SN-4'] }] });
    expect(completed.body).toMatchObject({ status: 'confirmed' });

    const install = (who: string, target: string, serials: string[]) => call(harness.execution.url, who, 'POST', `/runs/${deploymentId}/installations`, { target, serials });
    expect((await install(engineer, 'rack-eu-1', ['SN-1', 'SN-2'])).status).toBe(200);
    expect((await install(engineer, 'rack-eu-2', ['SN-3'])).status).toBe(200);
    expect(await install(engineer, 'desk-7', ['SN-4'])).toMatchObject({ status: 403, body: { code: 'OutsideSupplierScope', details: { outside: 'site', found: '(none)' } } });
    expect(await install(ines, 'desk-7', ['SN-1'])).toMatchObject({ status: 409, body: { code: 'UnitAlreadyInstalled', details: { serial: 'SN-1', target: 'rack-eu-1' } } });
    expect(await install(ines, 'desk-7', ['SN-9'])).toMatchObject({ status: 409, body: { code: 'UnitNotDelivered', details: { serials: ['SN-9'] } } });
    const installed = await install(ines, 'desk-7', ['SN-4']);
    expect(installed.body).toMatchObject({ installed: { 'storage-shelf': { 'SN-1': 'rack-eu-1', 'SN-2': 'rack-eu-1', 'SN-3': 'rack-eu-2', 'SN-4': 'desk-7' } } });

    await waitForRun(deploymentId, 'DeploymentExecuted');
    await audit(`/audit/deployments/${deploymentId}`, (body) => body.state?.unitsInstalled?.length === 3);
    const verifiedAt = new Date().toISOString();
    await publish('DeploymentVerified', { deploymentId, verifiedAt, criteria: [{ type: 'smoke-tests', description: 'the shelves are seen by both controllers', result: 'met' }] });
    const record = await audit(`/audit/deployments/${deploymentId}`, (body) => body.state?.phase === 'closed');
    expect(record.state).toMatchObject({ outcome: 'succeeded' });

    const state = await audit(`/audit/environments/${environment}/state`, (body) => body.services?.some((s: any) => s.deploymentId === deploymentId));
    const byTarget = Object.fromEntries(state.services[0].units.map((u: any) => [u.target, u.units]));
    expect(byTarget).toEqual({
      'rack-eu-1': [{ component: 'storage-shelf', serials: ['SN-1', 'SN-2'] }],
      'rack-eu-2': [{ component: 'storage-shelf', serials: ['SN-3'] }],
      'desk-7': [{ component: 'storage-shelf', serials: ['SN-4'] }],
    });
    const engineerRecords = (await harness.runs.readStream(`PhysicalReadiness-${deploymentId}`)).filter((e) => e.type === 'UnitsInstalled').map((e) => e.data as Record<string, unknown>);
    expect(engineerRecords.map(({ target, by, organisation }) => ({ target, by, organisation }))).toEqual([
      { target: 'rack-eu-1', by: 'sue', organisation: supplier },
      { target: 'rack-eu-2', by: 'sue', organisation: supplier },
      { target: 'desk-7', by: 'ines', organisation: undefined },
    ]);
  }, 360_000);
});
