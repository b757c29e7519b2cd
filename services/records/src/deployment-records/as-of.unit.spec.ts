import type { CloudEventEnvelope } from '@gantry/contracts';
import type { LedgerEntry } from '../ledger';
import { environmentAsOf, recordAsOf } from './as-of';

/** A scripted scenario: payments 2.4.1 installed at 10:00, upgraded to 2.5.0 at 12:00; ledger retired at 14:00. */
let position = 0;
const SOURCE: Record<string, string> = { DeploymentRequested: 'planning', DeploymentPlanned: 'planning', DeploymentVerified: 'verification', DeploymentRecordClosed: 'records', TrafficSwitched: 'execution', RolledBack: 'execution' };
const entry = (deploymentId: string, name: string, at: string, data: Record<string, unknown> = {}): LedgerEntry => ({
  position: ++position,
  topic: `gantry.${SOURCE[name]}.v1`,
  deploymentId,
  recordedAt: at,
  previousHash: '',
  hash: '',
  event: { specversion: '1.0', id: `${deploymentId}-${name}`, source: `/gantry/${SOURCE[name]}`, type: `gantry.${SOURCE[name]}.${name}.v1`, data: { deploymentId, ...data } } as CloudEventEnvelope,
});
const deployment = (id: string, service: string, kind: string, version: string, start: number) => [
  entry(id, 'DeploymentRequested', `2026-12-01T${start}:00:00.000Z`, {
    changeId: `CHG-${id}`,
    service,
    environment: 'production',
    kind,
    components: [{ name: `${service}-api`, version, kind: 'software', digest: `sha256:${'a'.repeat(64)}` }],
    requestedBy: 'cm',
    requestedAt: `2026-12-01T${start}:00:00.000Z`,
  }),
  entry(id, 'DeploymentPlanned', `2026-12-01T${start}:01:00.000Z`, { model: { name: 'in-house-software', version: 2 } }),
  entry(id, 'DeploymentVerified', `2026-12-01T${start}:20:00.000Z`),
  entry(id, 'DeploymentRecordClosed', `2026-12-01T${start}:21:00.000Z`, { outcome: 'succeeded', closedAt: `2026-12-01T${start}:21:00.000Z` }),
];
const install = deployment('d1', 'payments', 'install', '2.4.1', 10);
const upgrade = deployment('d2', 'payments', 'upgrade', '2.5.0', 12);
const ledgerInstall = deployment('d3', 'ledger', 'install', '1.0.0', 11);
const ledgerRemoval = deployment('d4', 'ledger', 'removal', '1.0.0', 14);

const environmentAt = (at: string) =>
  environmentAsOf(
    [['d1', install], ['d2', upgrade], ['d3', ledgerInstall], ['d4', ledgerRemoval]]
      .map(([id, entries]) => recordAsOf(id as string, entries as LedgerEntry[], at)?.record)
      .filter((r) => r !== undefined),
  ).map((s) => `${s.service} ${s.components[0].version} ${s.deploymentId}`);

describe('state as of a time', () => {
  it('a deployment is rebuilt from what the ledger held then', () => {
    expect(recordAsOf('d2', upgrade, '2026-12-01T11:59:59.000Z')).toBeUndefined();
    expect(recordAsOf('d2', upgrade, '2026-12-01T12:10:00.000Z')).toMatchObject({ record: { phase: 'planned' }, position: upgrade[1].position });
    expect(recordAsOf('d2', upgrade, '2026-12-01T13:00:00.000Z')?.record).toMatchObject({ phase: 'closed', outcome: 'succeeded', components: [{ version: '2.5.0' }] });
  });

  it('an environment shows, per service, the last succeeded deployment by then; a removal takes the service out', () => {
    expect(environmentAt('2026-12-01T10:30:00.000Z')).toEqual(['payments 2.4.1 d1']);
    expect(environmentAt('2026-12-01T12:30:00.000Z')).toEqual(['ledger 1.0.0 d3', 'payments 2.5.0 d2']);
    expect(environmentAt('2026-12-01T14:30:00.000Z')).toEqual(['payments 2.5.0 d2']);
  });
});

describe('hardware units as of a time', () => {
  it('an environment shows the serials a physical deployment installed at each target, once it succeeded', () => {
    const units = [{ component: 'storage-shelf', serials: ['SN-1', 'SN-2'] }];
    const [requested, planned, deploymentVerified, closed] = deployment('d5', 'storage', 'install', 'ds224c', 15);
    const installed = { ...entry('d5', 'DeploymentRequested', '2026-12-01T15:10:00.000Z'), event: { ...requested.event, id: 'd5-UnitsInstalled', type: 'gantry.execution.UnitsInstalled.v1', data: { deploymentId: 'd5', target: 'rack-eu-1', units, by: 'sam', installedAt: '2026-12-01T15:10:00.000Z' } } } as LedgerEntry;
    const entries = [requested, planned, installed, deploymentVerified, closed];
    const at = (time: string) => environmentAsOf([recordAsOf('d5', entries, time)!.record]);
    expect(at('2026-12-01T15:15:00.000Z')).toEqual([]);
    expect(at('2026-12-01T15:30:00.000Z')).toMatchObject([{ service: 'storage', units: [{ target: 'rack-eu-1', units }] }]);
  });
});

describe('blue-green sides as of a time', () => {
  /** a blue-green deployment of checkout at `hour`: traffic switched from → to; a failed live verification switches back */
  const blueGreen = (id: string, hour: number, from: string, to: string, rolledBack = false) => {
    const [requested, planned] = deployment(id, 'checkout', 'upgrade', `3.${hour}.0`, hour);
    const at = (minute: number) => `2026-12-01T${hour}:${minute}:00.000Z`;
    const switched = entry(id, 'TrafficSwitched', at(10), { from, to, switchedAt: at(10) });
    if (!rolledBack) return [requested, planned, switched, entry(id, 'DeploymentVerified', at(20)), entry(id, 'DeploymentRecordClosed', at(21), { outcome: 'succeeded', closedAt: at(21) })];
    const back = { ...entry(id, 'TrafficSwitched', at(15), { from: to, to: from, switchedAt: at(15) }), event: { ...switched.event, id: `${id}-switched-back`, data: { deploymentId: id, from: to, to: from, switchedAt: at(15) } } };
    return [requested, planned, switched, back, entry(id, 'RolledBack', at(16), { reason: 'DeploymentVerificationFailed' }), entry(id, 'DeploymentRecordClosed', at(17), { outcome: 'rolled-back', closedAt: at(17) })];
  };
  const runs: [string, LedgerEntry[]][] = [['b1', blueGreen('b1', 15, 'blue', 'green')], ['b2', blueGreen('b2', 16, 'green', 'blue')], ['b3', blueGreen('b3', 17, 'blue', 'green', true)]];
  const sideAt = (at: string) =>
    environmentAsOf(runs.map(([id, entries]) => recordAsOf(id, entries, at)?.record).filter((r) => r !== undefined)).map((s) => `${s.deploymentId} ${s.liveSide}`);

  it('shows the side each deployment switched to, and after a rollback the side switched back to', () => {
    expect(sideAt('2026-12-01T15:30:00.000Z')).toEqual(['b1 green']);
    expect(sideAt('2026-12-01T16:30:00.000Z')).toEqual(['b2 blue']);
    expect(recordAsOf('b3', runs[2][1], '2026-12-01T17:12:00.000Z')?.record.liveSide).toBe('green');
    expect(recordAsOf('b3', runs[2][1], '2026-12-01T17:30:00.000Z')?.record).toMatchObject({ outcome: 'rolled-back', liveSide: 'blue' });
    expect(sideAt('2026-12-01T17:30:00.000Z')).toEqual(['b2 blue']);
  });
});
