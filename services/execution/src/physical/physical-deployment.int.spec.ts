import { SITE_CHECKLIST } from '@gantry/contracts';
import { call, defaultExecutors, planFor, SITE_EVIDENCE, startExecution, suffix, tokenFor, typesOf, VERIFIED_DIGEST, type ExecutionUnderTest } from '../test-fixtures';

/** A physical deployment over Kafka: its sites' checklists and its delivery hold the run until they are complete. */

const datacentre = `datacentre-${suffix()}`;
let execution: ExecutionUnderTest;
let admin: string;

beforeAll(async () => {
  execution = await startExecution(defaultExecutors({ environments: { [datacentre]: { type: 'simulated', durationMs: 10 } } }));
  admin = await tokenFor('admin', 'ada');
}, 120_000);
afterAll(() => execution?.stop());

const now = () => new Date().toISOString();
const criteria = [{ type: 'smoke-tests' as const, description: 'the shelves are seen by both controllers', result: 'met' as const }];
const shelves = () =>
  planFor(
    datacentre,
    { kind: 'install', components: [{ name: 'storage-shelf', version: 'ds224c', kind: 'hardware' }], waves: [{ index: 1, targets: ['rack-eu-1', 'rack-eu-2'] }] },
    { 'rack-eu-1': { site: 'eu' }, 'rack-eu-2': { site: 'eu' } },
  );
const checklist = (deploymentId: string, item: string, site = 'eu') => `/runs/${deploymentId}/sites/${site}/checklist/${item}`;

describe('a physical deployment', () => {
  it('waits for its site checklist and a complete delivery (one serial missing, then accepted), then runs to its end; a supplier outside its scope is refused', async () => {
    const scope = { environments: [datacentre], sites: ['us'], componentKinds: ['hardware'] };
    expect((await call(execution.url, admin, 'POST', '/suppliers', { name: 'usracks', contact: { name: 'US racks', contact: { email: 'field@usracks.example' } }, scope })).status).toBe(201);
    const plan = shelves();
    const { deploymentId } = plan;
    await execution.publish('planning', 'DeploymentPlanned', plan);
    const units = [{ serial: 'SN-1' }, { serial: 'SN-2' }, { serial: 'SN-3' }];
    await execution.publish('verification', 'ComponentsVerified', { deploymentId, components: [{ name: 'storage-shelf', version: 'ds224c', result: 'verified', digest: VERIFIED_DIGEST, units }] });
    await execution.publish('verification', 'TargetEnvironmentVerified', { deploymentId, environment: datacentre });
    await execution.waitFor(deploymentId, 'ReadinessConfirmed', (d) => d.readiness === 'components');

    const ines = await tokenFor('deployment-practitioner', 'ines');
    const outsider = await call(execution.url, await tokenFor('supplier-engineer', 'sue', 'usracks'), 'POST', checklist(deploymentId, 'power'), { result: 'passed', evidence: SITE_EVIDENCE });
    expect(outsider.status).toBe(403);
    expect(outsider.body).toMatchObject({ code: 'OutsideSupplierScope', details: { organisation: 'usracks', outside: 'site', found: 'eu' } });
    const undigested = await call(execution.url, ines, 'POST', checklist(deploymentId, 'power'), { result: 'passed', evidence: [{ description: 'a photo', reference: 'https://evidence.example/p.jpg' }] });
    expect(undigested.status).toBe(409);
    expect(undigested.body).toMatchObject({ code: 'EvidenceDigestRequired' });
    expect((await call(execution.url, ines, 'POST', checklist(deploymentId, 'power', 'us'), { result: 'passed', evidence: SITE_EVIDENCE })).status).toBe(422);

    // the cooling fails its first inspection; every other item passes
    expect((await call(execution.url, ines, 'POST', checklist(deploymentId, 'cooling'), { result: 'failed', evidence: SITE_EVIDENCE })).status).toBe(200);
    for (const item of SITE_CHECKLIST.filter((i) => i !== 'cooling')) {
      expect((await call(execution.url, ines, 'POST', checklist(deploymentId, item), { result: 'passed', evidence: SITE_EVIDENCE })).status).toBe(200);
    }
    const pat = await tokenFor('deployment-practitioner', 'pat');
    const delivered = await call(execution.url, pat, 'POST', `/runs/${deploymentId}/deliveries`, { received: [{ component: 'storage-shelf', serials: ['SN-1', 'SN-2'] }] });
    expect(delivered.status).toBe(200);
    expect(delivered.body).toMatchObject({ status: 'preparing', missing: { discrepancies: [{ component: 'storage-shelf', serial: 'SN-3', discrepancy: 'missing' }] } });
    expect((await call(execution.url, pat, 'POST', checklist(deploymentId, 'cooling'), { result: 'passed', evidence: SITE_EVIDENCE })).status).toBe(200);

    // still held: the run shows what is missing
    const held = await call(execution.url, admin, 'GET', `/runs/${deploymentId}`);
    expect(held.body).toMatchObject({ status: 'waiting', physical: { missing: { checks: [], undelivered: [{ component: 'storage-shelf', serials: ['SN-3'] }] } } });
    expect(typesOf(await execution.runEvents(deploymentId))).not.toContain('DeploymentStarted');

    const resolution = { component: 'storage-shelf', serial: 'SN-3', reason: 'the third shelf is a spare; it follows next month' };
    const notManager = await call(execution.url, pat, 'POST', `/runs/${deploymentId}/deliveries/discrepancies/resolve`, resolution);
    expect(notManager.status).toBe(403);
    expect(notManager.body).toMatchObject({ code: 'RoleMayNotResolve' });
    const resolved = await call(execution.url, await tokenFor('deployment-manager', 'dana'), 'POST', `/runs/${deploymentId}/deliveries/discrepancies/resolve`, resolution);
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'confirmed' });

    await execution.waitFor(deploymentId, 'DeploymentExecuted');
    await execution.publish('verification', 'DeploymentVerified', { deploymentId, verifiedAt: now(), criteria });
    const events = await execution.waitFor(deploymentId, 'VerificationOutcomeReceived');
    expect(events.filter((e) => e.type === 'ReadinessConfirmed').map((e) => e.data.readiness).sort()).toEqual(['components', 'environment', 'physical']);
    expect(typesOf(events).slice(typesOf(events).indexOf('DeploymentStarted'))).toEqual(['DeploymentStarted', 'WaveStarted', 'TargetDeployed', 'TargetDeployed', 'WaveCompleted', 'DeploymentExecuted', 'VerificationOutcomeReceived']);

    const physical = await execution.store.readStream(`PhysicalReadiness-${deploymentId}`);
    expect(physical.map((e) => e.type).filter((t) => t !== 'SiteCheckAnswered')).toEqual(['DeliveryReceived', 'DeliveryDiscrepancyRecorded', 'DeliveryDiscrepancyResolved', 'PhysicalReadinessConfirmed']);
    expect(physical.find((e) => e.type === 'DeliveryDiscrepancyResolved')!.data).toMatchObject({ serial: 'SN-3', resolution: 'accepted', by: 'dana' });
    expect(physical.filter((e) => e.type === 'SiteCheckAnswered' && (e.data as { item: string }).item === 'cooling').map((e) => (e.data as { result: string; by: string }).result)).toEqual(['failed', 'passed']);
  }, 90_000);
});
