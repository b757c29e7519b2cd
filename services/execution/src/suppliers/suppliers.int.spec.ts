import { call, defaultExecutors, planAndVerify, planFor, readySites, startExecution, suffix, tokenFor, typesOf, type ExecutionUnderTest } from '../test-fixtures';

/** Suppliers' engineers perform manual steps only in their organisation's scope: through REST, on runs fed over Kafka. */
const datacentre = `datacentre-${suffix()}`;
const elsewhere = `elsewhere-${suffix()}`;
let execution: ExecutionUnderTest;
let admin: string;

beforeAll(async () => {
  execution = await startExecution(defaultExecutors({ environments: { [datacentre]: { type: 'manual' }, [elsewhere]: { type: 'manual' } } }));
  admin = await tokenFor('admin', 'ada');
}, 120_000);
afterAll(() => execution?.stop());

const supplier = (name: string, sites: string[]) => ({
  name,
  contact: { name: `${name} field service`, contact: { email: `field@${name}.example` } },
  scope: { environments: [datacentre], sites, componentKinds: ['hardware'] },
});

const shelfInstall = (environment: string) =>
  planFor(
    environment,
    {
      kind: 'install',
      components: [{ name: 'storage-shelf', version: 'ds224c', kind: 'hardware' }],
      waves: [{ index: 1, targets: ['rack-eu', 'rack-us'] }],
      automationLevel: 'manual',
      manualSteps: [{ instruction: 'install the storage shelf and cable it to both fabrics', role: 'supplier-engineer', evidenceRequired: true }],
    },
    { 'rack-eu': { site: 'eu' }, 'rack-us': { site: 'us' } },
  );

const evidence = [{ description: 'photo of the cabled shelf', reference: 'https://evidence.example/shelf.jpg', digest: `sha256:${'0f'.repeat(32)}` }];
const completion = (deploymentId: string, target: string) => `/runs/${deploymentId}/manual-steps/${encodeURIComponent(`${target}/deploy/1`)}/complete`;

describe('supplier organisations', () => {
  it('admins register a supplier and change its scope (If-Match); other roles may not', async () => {
    const registered = await call(execution.url, admin, 'POST', '/suppliers', supplier('rackworks', ['eu']));
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ name: 'rackworks', version: 1, definition: { scope: { sites: ['eu'] } } });
    expect((await call(execution.url, admin, 'POST', '/suppliers', supplier('globex', ['us']))).status).toBe(201);
    const manager = await tokenFor('deployment-manager', 'dana');
    expect((await call(execution.url, manager, 'POST', '/suppliers', supplier('initech', ['eu']))).status).toBe(403);
    expect((await call(execution.url, manager, 'GET', '/suppliers/rackworks')).status).toBe(200);
    const { contact, scope } = supplier('rackworks', ['eu']);
    const stale = await call(execution.url, admin, 'PUT', '/suppliers/rackworks', { contact, scope: { ...scope, environments: [datacentre, 'lab'] } }, { 'if-match': '"7"' });
    expect(stale.status).toBe(412);
    const widened = await call(execution.url, admin, 'PUT', '/suppliers/rackworks', { contact, scope: { ...scope, environments: [datacentre, 'lab'] } }, { 'if-match': '"1"' });
    expect(widened.status).toBe(200);
    expect(widened.body).toMatchObject({ version: 2, definition: { scope: { environments: [datacentre, 'lab'] } } });
    const unknown = await call(execution.url, admin, 'GET', '/suppliers/initech');
    expect(unknown.status).toBe(404);
  });

  it("a supplier's engineer completes the step in scope (the organisation recorded); at another site, for an unknown organisation, 403", async () => {
    const plan = shelfInstall(datacentre);
    await planAndVerify(execution, plan);
    await readySites(execution, plan);
    await execution.waitFor(plan.deploymentId, 'ManualStepRequired', (d) => d.target === 'rack-eu');
    const rackworks = await tokenFor('supplier-engineer', 'sam', 'rackworks');
    const globex = await tokenFor('supplier-engineer', 'gus', 'globex');

    expect((await call(execution.url, rackworks, 'GET', `/runs/${plan.deploymentId}`)).status).toBe(200);
    const otherSite = await call(execution.url, globex, 'POST', completion(plan.deploymentId, 'rack-eu'), { evidence });
    expect(otherSite.status).toBe(403);
    expect(otherSite.body).toMatchObject({ code: 'OutsideSupplierScope', details: { organisation: 'globex', outside: 'site', found: 'eu' } });
    const nobody = await call(execution.url, await tokenFor('supplier-engineer', 'eve', 'nobody'), 'POST', completion(plan.deploymentId, 'rack-eu'), { evidence });
    expect(nobody.status).toBe(403);
    expect(nobody.body).toMatchObject({ code: 'UnknownSupplier', details: { organisation: 'nobody' } });
    const unnamed = await call(execution.url, await tokenFor('supplier-engineer', 'eve'), 'POST', completion(plan.deploymentId, 'rack-eu'), { evidence });
    expect(unnamed.status).toBe(403);
    expect(unnamed.body).toMatchObject({ code: 'UnknownSupplier', details: { organisation: null } });
    expect(typesOf(await execution.runEvents(plan.deploymentId))).not.toContain('ManualStepCompleted');

    expect((await call(execution.url, rackworks, 'POST', completion(plan.deploymentId, 'rack-eu'), { evidence })).status).toBe(200);
    await execution.waitFor(plan.deploymentId, 'ManualStepRequired', (d) => d.target === 'rack-us');
    const outside = await call(execution.url, rackworks, 'POST', completion(plan.deploymentId, 'rack-us'), { evidence });
    expect(outside.status).toBe(403);
    expect(outside.body).toMatchObject({ code: 'OutsideSupplierScope', details: { organisation: 'rackworks', outside: 'site', found: 'us' } });
    expect((await call(execution.url, globex, 'POST', completion(plan.deploymentId, 'rack-us'), { evidence })).status).toBe(200);

    const events = await execution.waitFor(plan.deploymentId, 'DeploymentExecuted');
    expect(events.filter((e) => e.type === 'ManualStepCompleted').map((e) => `${e.data.stepId} ${e.data.by} ${e.data.organisation}`)).toEqual(['rack-eu/deploy/1 sam rackworks', 'rack-us/deploy/1 gus globex']);
  }, 60_000);

  it("a run in another environment is not a supplier's to read or to work on", async () => {
    const plan = shelfInstall(elsewhere);
    await planAndVerify(execution, plan);
    await readySites(execution, plan);
    await execution.waitFor(plan.deploymentId, 'ManualStepRequired', (d) => d.target === 'rack-eu');
    const rackworks = await tokenFor('supplier-engineer', 'sam', 'rackworks');
    const read = await call(execution.url, rackworks, 'GET', `/runs/${plan.deploymentId}`);
    expect(read.status).toBe(403);
    expect(read.body).toMatchObject({ code: 'OutsideSupplierScope', details: { outside: 'environment', found: elsewhere } });
    const work = await call(execution.url, rackworks, 'POST', completion(plan.deploymentId, 'rack-eu'), { evidence });
    expect(work.status).toBe(403);
    expect(work.body).toMatchObject({ code: 'OutsideSupplierScope', details: { outside: 'environment' } });
    expect(typesOf(await execution.runEvents(plan.deploymentId))).not.toContain('ManualStepCompleted');
  }, 60_000);
});
