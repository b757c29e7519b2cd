import { specification } from '@gantry/decider';
import type { CloudEventEnvelope, ConfigurationItemsChanged } from '@gantry/contracts';
import { emptyRecord, evolveRecord, recordDecider, type RecordEvent, type StandingService } from './deployment-record.decider';

const deploymentId = '9d1f6a2c-1b7e-4c55-8f0e-2a4b6c8d0e12';
const event = (service: string, name: string, data: Record<string, unknown>): CloudEventEnvelope =>
  ({ specversion: '1.0', id: `${name}-${JSON.stringify(data).length}`, source: `/gantry/${service}`, type: `gantry.${service}.${name}.v1`, data: { deploymentId, ...data } }) as CloudEventEnvelope;

const digest = (c: string) => `sha256:${c.repeat(64)}`;
const window = { start: '2026-12-01T10:00:00.000Z', end: '2026-12-01T11:00:00.000Z' };
const closedAt = '2026-12-01T10:30:00.000Z';
const auditHistory = `/audit/deployments/${deploymentId}`;

const requested = (kind: string, components: object[]) =>
  event('planning', 'DeploymentRequested', { changeId: 'CHG7', service: 'payments', environment: 'prod-eu', kind, components, requestedBy: 'cm', requestedAt: window.start, window });
const planned = (targets: { name: string; kind: string }[]) =>
  event('planning', 'DeploymentPlanned', {
    model: null,
    window,
    waves: targets.map((t, i) => ({ index: i + 1, targets: [t.name] })),
    environmentSnapshot: { name: 'prod-eu', kind: 'production', version: 3, attributes: {}, targets: [...targets, { name: 'spare', kind: 'host' }] },
  });
const started = event('execution', 'DeploymentStarted', { startedAt: '2026-12-01T10:01:00.000Z' });
const executed = event('execution', 'DeploymentExecuted', { executedAt: '2026-12-01T10:20:00.000Z', targets: 2 });
const verified = event('verification', 'DeploymentVerified', { verifiedAt: '2026-12-01T10:25:00.000Z', criteria: [] });
const deployed = (target: string, components: object[]) => event('execution', 'TargetDeployed', { wave: 1, target, components });

const api = { name: 'payments-api', version: '2.5.0', kind: 'software' };
const hosts = [
  { name: 'eu-1', kind: 'host' },
  { name: 'eu-2', kind: 'host' },
];
/** payments 2.4.0 stood in prod-eu before, as records' environment state as of the close gives it */
const standing: StandingService = { components: [{ name: 'payments-api', version: '2.4.0', kind: 'software', digest: digest('b') }] };

const spec = specification(recordDecider);
/** What configuration management is told when the record of these ledger events closes at `closedAt`. */
const toldWhenClosing = (ledger: CloudEventEnvelope[], before?: StandingService): ConfigurationItemsChanged | undefined => {
  const record = ledger.reduce(evolveRecord, emptyRecord(deploymentId));
  const events = spec.given([]).when({ type: 'CloseRecord', record, incidents: [], now: closedAt, ...(before ? { standing: before } : {}) }).outcome as RecordEvent[];
  return events.find((e) => e.type === 'ConfigurationItemsChanged')?.data as ConfigurationItemsChanged | undefined;
};
const common = { deploymentId, changeId: 'CHG7', service: 'payments', environment: { name: 'prod-eu', kind: 'production' }, asOf: closedAt, auditHistory };

describe('ConfigurationItemsChanged: configuration management learns what a deployment changed when its record closes', () => {
  it('a software upgrade that succeeded: each component from the version that stood to the verified one, each target with the digests installed there', () => {
    const ledger = [
      requested('upgrade', [api]),
      planned(hosts),
      event('verification', 'ComponentsVerified', { components: [{ name: 'payments-api', version: '2.5.0', result: 'verified', digest: digest('a') }] }),
      started,
      deployed('eu-1', [{ name: 'payments-api', version: '2.5.0', digest: digest('a') }]),
      deployed('eu-2', [{ name: 'payments-api', version: '2.5.0' }]),
      executed,
      verified,
    ];
    expect(toldWhenClosing(ledger, standing)).toEqual({
      ...common,
      deploymentKind: 'upgrade',
      outcome: 'succeeded',
      change: 'applied',
      components: [{ name: 'payments-api', kind: 'software', previous: { version: '2.4.0', digest: digest('b') }, current: { version: '2.5.0', digest: digest('a') } }],
      targets: [
        { name: 'eu-1', kind: 'host', components: [{ name: 'payments-api', version: '2.5.0', digest: digest('a') }] },
        // the executor reported no digest here: the verified one stands for it
        { name: 'eu-2', kind: 'host', components: [{ name: 'payments-api', version: '2.5.0', digest: digest('a') }] },
      ],
    });
  });

  it('a hardware installation: one unit per target that holds it, and the evidence of the manual work there (no serial numbers in the contract: the evidence says where they are kept)', () => {
    const evidence = [{ description: 'serial numbers of the switches installed', reference: 'https://forms.example/rack-4/serials', digest: digest('c') }];
    const ledger = [
      requested('install', [{ name: 'edge-switch', version: 'SW-48P-r2', kind: 'hardware' }]),
      planned([{ name: 'dc1-rack4', kind: 'site' }]),
      started,
      event('execution', 'ManualStepRequired', { stepId: 'dc1-rack4/deploy/1', wave: 1, target: 'dc1-rack4', action: 'deploy', role: 'field-engineer', instruction: 'mount the switch', evidenceRequired: true, requestedAt: '2026-12-01T10:02:00.000Z' }),
      event('execution', 'ManualStepCompleted', { stepId: 'dc1-rack4/deploy/1', by: 'kim', evidence, completedAt: '2026-12-01T10:15:00.000Z' }),
      deployed('dc1-rack4', [{ name: 'edge-switch', version: 'SW-48P-r2' }]),
      executed,
      verified,
    ];
    expect(toldWhenClosing(ledger)).toEqual({
      ...common,
      deploymentKind: 'install',
      outcome: 'succeeded',
      change: 'applied',
      components: [{ name: 'edge-switch', kind: 'hardware', previous: null, current: { version: 'SW-48P-r2' }, units: 1 }],
      targets: [{ name: 'dc1-rack4', kind: 'site', components: [{ name: 'edge-switch', version: 'SW-48P-r2' }], evidence }],
    });
  });

  it('a hardware installation with its units recorded: the serials installed at each target, and as many units as serials', () => {
    const shelf = { name: 'storage-shelf', version: 'ds224c', kind: 'hardware' };
    const installed = (target: string, serials: string[]) =>
      event('execution', 'UnitsInstalled', { target, units: [{ component: 'storage-shelf', serials }], by: 'sam', organisation: 'rackworks', installedAt: '2026-12-01T10:10:00.000Z' });
    const ledger = [
      requested('install', [shelf]),
      planned([{ name: 'rack-eu-1', kind: 'site' }, { name: 'rack-eu-2', kind: 'site' }]),
      started,
      installed('rack-eu-1', ['SN-1', 'SN-2']),
      installed('rack-eu-1', ['SN-2']),
      installed('rack-eu-2', ['SN-3']),
      deployed('rack-eu-1', [{ name: 'storage-shelf', version: 'ds224c' }]),
      deployed('rack-eu-2', [{ name: 'storage-shelf', version: 'ds224c' }]),
      executed,
      verified,
    ];
    const told = toldWhenClosing(ledger);
    expect(told?.components).toEqual([{ name: 'storage-shelf', kind: 'hardware', previous: null, current: { version: 'ds224c' }, units: 3 }]);
    expect(told?.targets.map((t) => [t.name, t.units])).toEqual([
      ['rack-eu-1', [{ component: 'storage-shelf', serials: ['SN-1', 'SN-2'] }]],
      ['rack-eu-2', [{ component: 'storage-shelf', serials: ['SN-3'] }]],
    ]);
  });

  it('a rollback after targets were touched restored what stood: current is the previous version again, attempted the one taken out', () => {
    const ledger = [
      requested('upgrade', [{ ...api, digest: digest('a') }]),
      planned(hosts),
      started,
      deployed('eu-1', [{ name: 'payments-api', version: '2.5.0', digest: digest('a') }]),
      event('execution', 'TargetRolledBack', { wave: 1, target: 'eu-1', rolledBackAt: '2026-12-01T10:10:00.000Z' }),
      event('execution', 'RolledBack', { reason: 'DeploymentVerificationFailed', rolledBackAt: '2026-12-01T10:11:00.000Z' }),
    ];
    expect(toldWhenClosing(ledger, standing)).toEqual({
      ...common,
      deploymentKind: 'upgrade',
      outcome: 'rolled-back',
      change: 'restored',
      components: [
        { name: 'payments-api', kind: 'software', previous: { version: '2.4.0', digest: digest('b') }, current: { version: '2.4.0', digest: digest('b') }, attempted: { version: '2.5.0', digest: digest('a') } },
      ],
      targets: [{ name: 'eu-1', kind: 'host', components: [{ name: 'payments-api', version: '2.4.0', digest: digest('b') }] }],
    });
  });

  it('a failure without a rollback leaves the targets it reached with the new version: a partial change', () => {
    const ledger = [
      requested('upgrade', [{ ...api, digest: digest('a') }]),
      planned(hosts),
      started,
      deployed('eu-1', [{ name: 'payments-api', version: '2.5.0', digest: digest('a') }]),
      event('execution', 'DeploymentFailed', { reason: 'RollbackDeclined', failedAt: '2026-12-01T10:12:00.000Z' }),
    ];
    expect(toldWhenClosing(ledger, standing)).toMatchObject({
      outcome: 'failed',
      change: 'partial',
      components: [{ name: 'payments-api', previous: { version: '2.4.0' }, current: { version: '2.5.0', digest: digest('a') } }],
      targets: [{ name: 'eu-1', components: [{ name: 'payments-api', version: '2.5.0' }] }],
    });
  });

  it('a removal that succeeded takes the components out: current is null, the targets hold none of them', () => {
    const ledger = [
      requested('removal', [{ name: 'payments-api', version: '2.4.0', kind: 'software' }]),
      planned([hosts[0]]),
      started,
      event('execution', 'ComponentsRemoved', { wave: 1, target: 'eu-1', components: [{ name: 'payments-api', version: '2.4.0' }] }),
      executed,
      verified,
    ];
    expect(toldWhenClosing(ledger, standing)).toMatchObject({
      deploymentKind: 'removal',
      change: 'applied',
      components: [{ name: 'payments-api', previous: { version: '2.4.0', digest: digest('b') }, current: null }],
      targets: [{ name: 'eu-1', components: [] }],
    });
  });

  it('a deployment that touched no target changed nothing: no event, whatever its outcome', () => {
    expect(toldWhenClosing([requested('upgrade', [api]), planned(hosts), started, event('execution', 'RolledBack', { reason: 'Aborted', rolledBackAt: '2026-12-01T10:02:00.000Z' })], standing)).toBeUndefined();
    expect(toldWhenClosing([requested('upgrade', [api]), planned(hosts), event('verification', 'ComponentVerificationFailed', { failures: [] })], standing)).toBeUndefined();
  });

  it('is told once: a closed record is not closed again', () => {
    const ledger = [requested('upgrade', [api]), planned(hosts), started, deployed('eu-1', [{ name: 'payments-api', version: '2.5.0' }]), executed, verified];
    const record = ledger.reduce(evolveRecord, emptyRecord(deploymentId));
    const close = { type: 'CloseRecord' as const, record, incidents: [], now: closedAt, standing };
    const first = spec.given([]).when(close).outcome as RecordEvent[];
    expect(first.map((e) => e.type)).toEqual(['DeploymentRecordClosed', 'ChangeImplementationReported', 'ConfigurationItemsChanged']);
    spec.given(first).when(close).thenNothing();
  });
});
