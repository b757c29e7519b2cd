import { specification } from '@gantry/decider';
import { SITE_CHECKLIST, type DeploymentPlanned, type SupplierScope } from '@gantry/contracts';
import { evolve, initialState, missingForReadiness, physicalReadinessDecider, type PhysicalReadinessCommand, type PhysicalReadinessEvent } from './physical-readiness.decider';
import { sitesOf, unitsOrdered } from './physical-plan';

const deploymentId = '7d1e0c52-4a36-4f0e-9f0a-2b8c1d5e6f70';
const now = '2026-12-01T09:00:00.000Z';
const plan: DeploymentPlanned = {
  deploymentId,
  changeId: 'CHG0040001',
  service: 'storage',
  kind: 'install',
  components: [{ name: 'storage-shelf', version: 'ds224c', kind: 'hardware' }],
  environment: 'datacentre',
  window: { start: '2026-12-02T22:00:00.000Z', end: '2026-12-02T23:00:00.000Z' },
  model: null,
  strategy: 'big-bang',
  waves: [{ index: 1, targets: ['rack-eu-1', 'rack-eu-2', 'desk-7'] }],
  acceptanceCriteria: [{ type: 'smoke-tests', description: 'the shelves are seen by both controllers' }],
  backupRequired: false,
  rollback: 'automatic',
  environmentSnapshot: {
    version: 1,
    targets: [
      { name: 'rack-eu-1', kind: 'host', labels: { site: 'eu' } },
      { name: 'rack-eu-2', kind: 'host', labels: { site: 'eu' } },
      { name: 'desk-7', kind: 'host' },
    ],
  } as DeploymentPlanned['environmentSnapshot'],
};
const ordered = [{ component: 'storage-shelf', serials: ['SN-1', 'SN-2'] }];
const evidence = [{ description: 'UPS load test report', reference: 'https://evidence.example/ups.pdf', digest: `sha256:${'3c'.repeat(32)}` }];
const spec = specification(physicalReadinessDecider);

const answer = (site: string, item: string, result: 'passed' | 'failed' = 'passed', extra: Partial<PhysicalReadinessCommand> = {}): PhysicalReadinessCommand =>
  ({ type: 'AnswerSiteCheck', deploymentId, plan, ordered, site, item, result, evidence, by: 'ines', now, ...extra }) as PhysicalReadinessCommand;
const answered = (site: string, item: string, result: 'passed' | 'failed' = 'passed'): PhysicalReadinessEvent => ({
  type: 'SiteCheckAnswered',
  data: { deploymentId, site, item, result, evidence, by: 'ines', answeredAt: now },
});
const everyCheckBut = (site: string, item: string) => sitesOf(plan).flatMap((s) => SITE_CHECKLIST.filter((i) => s !== site || i !== item).map((i) => answered(s, i)));
const delivery = (serials: string[], component = 'storage-shelf'): PhysicalReadinessCommand => ({ type: 'ReceiveDelivery', deploymentId, plan, ordered, received: [{ component, serials }], by: 'pat', now });
const received = (serials: string[], component = 'storage-shelf'): PhysicalReadinessEvent => ({ type: 'DeliveryReceived', data: { deploymentId, received: [{ component, serials }], by: 'pat', receivedAt: now } });
const recorded = (serial: string, discrepancy: 'missing' | 'unexpected', component = 'storage-shelf'): PhysicalReadinessEvent => ({
  type: 'DeliveryDiscrepancyRecorded',
  data: { deploymentId, component, serial, discrepancy, recordedAt: now },
});
const confirmed: PhysicalReadinessEvent = { type: 'PhysicalReadinessConfirmed', data: { deploymentId, sites: ['desk-7', 'eu'], confirmedAt: now } };
const resolve = (serial: string, ...roles: string[]): PhysicalReadinessCommand => ({ type: 'ResolveDiscrepancy', deploymentId, plan, ordered, component: 'storage-shelf', serial, reason: 'a spare; follows next month', by: 'dana', roles, now });

describe('the plan of a physical deployment', () => {
  it("its sites are its targets' site labels; a target without one is a site of its own", () => expect(sitesOf(plan)).toEqual(['desk-7', 'eu']));
  it("the units ordered are the repository's serials of its hardware versions, known once verified", () => {
    expect(unitsOrdered(plan, undefined)).toBeUndefined();
    expect(unitsOrdered(plan, [{ name: 'storage-shelf', version: 'ds224c', result: 'verified', units: [{ serial: 'SN-1' }, { serial: 'SN-2' }] }])).toEqual(ordered);
  });
  it('a deployment without hardware has no site readiness', () =>
    spec.given([]).when(answer('eu', 'power', 'passed', { plan: { ...plan, components: [{ name: 'api', version: '1.0.0', kind: 'software' }] } })).thenRefused({ code: 'NotPhysical', deploymentId }));
});

describe('before the components are verified (the units ordered not known yet)', () => {
  it('a site check or a delivery is refused', () => {
    spec.given([]).when({ ...(answer('eu', 'power') as object), ordered: undefined } as PhysicalReadinessCommand).thenRefused({ code: 'ComponentsNotVerified', deploymentId });
    spec.given([]).when({ ...(delivery(['SN-1']) as object), ordered: undefined } as PhysicalReadinessCommand).thenRefused({ code: 'ComponentsNotVerified', deploymentId });
  });
});

describe('AnswerSiteCheck', () => {
  it('an item answered with evidence is recorded with the inspector', () => spec.given([]).when(answer('eu', 'power')).then([answered('eu', 'power')]));
  it('the same answer again changes nothing', () => spec.given([answered('eu', 'power')]).when(answer('eu', 'power')).thenNothing());
  it('a site the plan does not have, or an item not on the checklist, is refused', () => {
    spec.given([]).when(answer('us', 'power')).thenRefused({ code: 'UnknownSite', deploymentId, site: 'us', sites: ['desk-7', 'eu'] });
    spec.given([]).when(answer('eu', 'coffee')).thenRefused({ code: 'UnknownChecklistItem', deploymentId, item: 'coffee', checklist: [...SITE_CHECKLIST] });
  });
  it("a model's own items are on the checklist too: answered like the others, and readiness waits for them", () => {
    const braced = { ...plan, siteChecklist: ['seismic-bracing'] };
    spec.given([]).when(answer('eu', 'seismic-bracing', 'passed', { plan: braced })).then([answered('eu', 'seismic-bracing')]);
    spec.given([]).when(answer('eu', 'coffee', 'passed', { plan: braced })).thenRefused({ code: 'UnknownChecklistItem', deploymentId, item: 'coffee', checklist: [...SITE_CHECKLIST, 'seismic-bracing'] });
    // every default item answered at every site, the delivery complete: without the model's item nothing is confirmed
    const checks = sitesOf(plan).flatMap((site) => SITE_CHECKLIST.map((item) => ({ site, item })));
    const lastDefault = checks.pop()!;
    const allDefault = checks.map(({ site, item }) => answered(site, item));
    const before = [received(['SN-1', 'SN-2']), ...allDefault].reduce(physicalReadinessDecider.evolve, physicalReadinessDecider.initialState);
    const last = (p: DeploymentPlanned) => (physicalReadinessDecider.decide(answer(lastDefault.site, lastDefault.item, 'passed', { plan: p }), before) as PhysicalReadinessEvent[]).map((e) => e.type);
    expect(last(plan)).toEqual(['SiteCheckAnswered', 'PhysicalReadinessConfirmed']);
    expect(last(braced)).toEqual(['SiteCheckAnswered']);
  });

  it("evidence without its document's digest is refused", () =>
    spec.given([]).when(answer('eu', 'power', 'passed', { evidence: [{ description: 'a photo', reference: 'https://evidence.example/p.jpg' }] })).thenRefused({ code: 'EvidenceDigestRequired', deploymentId, evidence: 0 }));
  it("a supplier's inspector answers for the sites in its scope only, and only for a registered organisation", () => {
    const scope: SupplierScope = { environments: ['datacentre'], sites: ['eu'], componentKinds: ['hardware'] };
    spec
      .given([])
      .when(answer('eu', 'cooling', 'passed', { supplier: { organisation: 'rackworks', scope } }))
      .then([{ type: 'SiteCheckAnswered', data: { ...(answered('eu', 'cooling').data as object), organisation: 'rackworks' } } as PhysicalReadinessEvent]);
    spec.given([]).when(answer('desk-7', 'cooling', 'passed', { supplier: { organisation: 'rackworks', scope } })).thenRefused({ code: 'OutsideSupplierScope', deploymentId, organisation: 'rackworks', outside: 'site', found: 'desk-7' });
    spec.given([]).when(answer('eu', 'cooling', 'passed', { supplier: { organisation: 'nobody' } })).thenRefused({ code: 'UnknownSupplier', deploymentId, organisation: 'nobody' });
  });
  it('a failed item blocks until it is answered again, passed: the last answer confirms the readiness', () => {
    const history = [...everyCheckBut('eu', 'backup-power'), received(['SN-1', 'SN-2'])];
    spec.given(history).when(answer('eu', 'backup-power', 'failed')).then([answered('eu', 'backup-power', 'failed')]);
    spec.given([...history, answered('eu', 'backup-power', 'failed')]).when(answer('eu', 'backup-power')).then([answered('eu', 'backup-power'), confirmed]);
  });
  it('once confirmed, another answer is refused (the run may have started)', () =>
    spec.given([...everyCheckBut('eu', 'power'), answered('eu', 'power'), received(['SN-1', 'SN-2']), confirmed]).when(answer('eu', 'power', 'failed')).thenRefused({ code: 'PhysicalReadinessAlreadyConfirmed', deploymentId }));
});

describe('ReceiveDelivery', () => {
  it('a complete delivery is received without discrepancy', () => spec.given([]).when(delivery(['SN-1', 'SN-2'])).then([received(['SN-1', 'SN-2'])]));
  it('the same delivery again changes nothing', () => spec.given([received(['SN-1', 'SN-2'])]).when(delivery(['SN-2', 'SN-1'])).thenNothing());
  it('a unit ordered and not delivered is recorded missing; one not ordered, unexpected', () =>
    spec.given([]).when(delivery(['SN-1', 'SN-9'])).then([received(['SN-1', 'SN-9']), recorded('SN-9', 'unexpected'), recorded('SN-2', 'missing')]));
  it('a later delivery with the missing unit resolves its discrepancy, and confirms the readiness when nothing else is missing', () =>
    spec
      .given([...everyCheckBut('', ''), received(['SN-1']), recorded('SN-2', 'missing')])
      .when(delivery(['SN-2']))
      .then([received(['SN-2']), { type: 'DeliveryDiscrepancyResolved', data: { deploymentId, component: 'storage-shelf', serial: 'SN-2', resolution: 'delivered', resolvedAt: now } }, confirmed]));
});

describe('ResolveDiscrepancy', () => {
  const history = [...everyCheckBut('', ''), received(['SN-1']), recorded('SN-2', 'missing')];
  it("a deployment manager accepts a discrepancy with a reason: recorded, and the readiness confirmed", () =>
    spec
      .given(history)
      .when(resolve('SN-2', 'deployment-manager'))
      .then([
        { type: 'DeliveryDiscrepancyResolved', data: { deploymentId, component: 'storage-shelf', serial: 'SN-2', resolution: 'accepted', reason: 'a spare; follows next month', by: 'dana', resolvedAt: now } },
        confirmed,
      ]));
  it('another role may not', () => spec.given(history).when(resolve('SN-2', 'deployment-practitioner')).thenRefused({ code: 'RoleMayNotResolve', deploymentId, role: 'deployment-manager' }));
  it('a discrepancy never recorded is refused; one resolved already changes nothing', () => {
    spec.given(history).when(resolve('SN-7', 'deployment-manager')).thenRefused({ code: 'UnknownDiscrepancy', deploymentId, component: 'storage-shelf', serial: 'SN-7' });
    const resolved: PhysicalReadinessEvent = { type: 'DeliveryDiscrepancyResolved', data: { deploymentId, component: 'storage-shelf', serial: 'SN-2', resolution: 'delivered', resolvedAt: now } };
    spec.given([...history, resolved]).when(resolve('SN-2', 'deployment-manager')).thenNothing();
  });
});

describe('InstallUnits', () => {
  const ready = [...everyCheckBut('', ''), received(['SN-1', 'SN-2']), confirmed];
  const install = (target: string, serials: string[], extra: Partial<PhysicalReadinessCommand> = {}): PhysicalReadinessCommand =>
    ({ type: 'InstallUnits', deploymentId, plan, ordered, target, serials, by: 'sam', now, ...extra }) as PhysicalReadinessCommand;
  const installed = (target: string, serials: string[], organisation?: string): PhysicalReadinessEvent => ({
    type: 'UnitsInstalled',
    data: { deploymentId, target, units: [{ component: 'storage-shelf', serials }], by: 'sam', ...(organisation ? { organisation } : {}), installedAt: now },
  });
  it('the serials installed at a target are recorded, with their component', () => spec.given(ready).when(install('rack-eu-1', ['SN-1'])).then([installed('rack-eu-1', ['SN-1'])]));
  it('the same units at the same target again change nothing; only the new ones are recorded', () => {
    spec.given([...ready, installed('rack-eu-1', ['SN-1'])]).when(install('rack-eu-1', ['SN-1'])).thenNothing();
    spec.given([...ready, installed('rack-eu-1', ['SN-1'])]).when(install('rack-eu-1', ['SN-1', 'SN-2'])).then([installed('rack-eu-1', ['SN-2'])]);
  });
  it('a unit not delivered is refused (UnitNotDelivered)', () =>
    spec.given(ready).when(install('rack-eu-1', ['SN-1', 'SN-3'])).thenRefused({ code: 'UnitNotDelivered', deploymentId, serials: ['SN-3'] }));
  it('a unit installed at another target is refused (UnitAlreadyInstalled)', () =>
    spec.given([...ready, installed('rack-eu-1', ['SN-1'])]).when(install('rack-eu-2', ['SN-1'])).thenRefused({ code: 'UnitAlreadyInstalled', deploymentId, serial: 'SN-1', target: 'rack-eu-1' }));
  it('a target the plan does not have is refused; so is any installation before the readiness is confirmed', () => {
    spec.given(ready).when(install('rack-us-1', ['SN-1'])).thenRefused({ code: 'UnknownTarget', deploymentId, target: 'rack-us-1' });
    spec.given([received(['SN-1', 'SN-2'])]).when(install('rack-eu-1', ['SN-1'])).thenRefused({ code: 'PhysicalReadinessNotConfirmed', deploymentId });
  });
  it("a supplier's engineer installs at the targets in its scope only, and only for a registered organisation", () => {
    const scope: SupplierScope = { environments: ['datacentre'], sites: ['eu'], componentKinds: ['hardware'] };
    const rackworks = { supplier: { organisation: 'rackworks', scope } };
    spec.given(ready).when(install('rack-eu-2', ['SN-2'], rackworks)).then([installed('rack-eu-2', ['SN-2'], 'rackworks')]);
    spec.given(ready).when(install('desk-7', ['SN-2'], rackworks)).thenRefused({ code: 'OutsideSupplierScope', deploymentId, organisation: 'rackworks', outside: 'site', found: '(none)' });
    spec.given(ready).when(install('rack-eu-2', ['SN-2'], { supplier: { organisation: 'nobody' } })).thenRefused({ code: 'UnknownSupplier', deploymentId, organisation: 'nobody' });
  });
});

describe('what is missing', () => {
  it('names the checks unanswered or failed, the units not delivered and the open discrepancies', () => {
    const state = [answered('eu', 'power', 'failed'), received(['SN-1', 'SN-9']), recorded('SN-9', 'unexpected'), recorded('SN-2', 'missing')].reduce(evolve, initialState);
    const missing = missingForReadiness(state, plan, ordered);
    expect(missing.checks).toHaveLength(2 * SITE_CHECKLIST.length);
    expect(missing.checks[missing.checks.length - SITE_CHECKLIST.length]).toEqual({ site: 'eu', item: 'power', answer: 'failed' });
    expect(missing.undelivered).toEqual([{ component: 'storage-shelf', serials: ['SN-2'] }]);
    expect(missing.discrepancies).toEqual([
      { component: 'storage-shelf', serial: 'SN-9', discrepancy: 'unexpected' },
      { component: 'storage-shelf', serial: 'SN-2', discrepancy: 'missing' },
    ]);
  });
});
