import { specification } from '@gantry/decider';
import type { CloudEventEnvelope } from '@gantry/contracts';
import { closableNow, emptyRecord, evolveRecord, recordDecider, type DeploymentRecord } from './deployment-record.decider';

const deploymentId = '5b0c2f4e-8a4a-4d3e-9a51-0d7a3f1f2b11';
const event = (service: string, name: string, data: Record<string, unknown>): CloudEventEnvelope =>
  ({ specversion: '1.0', id: `${name}-id`, source: `/gantry/${service}`, type: `gantry.${service}.${name}.v1`, data: { deploymentId, ...data } }) as CloudEventEnvelope;

const window = { start: '2026-12-01T10:00:00.000Z', end: '2026-12-01T11:00:00.000Z' };
const requested = event('planning', 'DeploymentRequested', { changeId: 'CHG1', service: 'payments', environment: 'staging', requestedBy: 'cm', requestedAt: '2026-12-01T10:00:00.000Z', window });
const planned = event('planning', 'DeploymentPlanned', { model: null, window });
const started = event('execution', 'DeploymentStarted', { startedAt: '2026-12-01T10:01:00.000Z' });
const executed = event('execution', 'DeploymentExecuted', { executedAt: '2026-12-01T10:02:00.000Z' });
const verified = event('verification', 'DeploymentVerified', {});
const fold = (...events: CloudEventEnvelope[]) => events.reduce(evolveRecord, emptyRecord(deploymentId));

describe('the deployment record', () => {
  it('folds the events of every service, in whatever order they arrived, to the same record', () => {
    const inOrder = fold(requested, planned, started, verified);
    const shuffled = fold(verified, started, planned, requested);
    expect(shuffled).toEqual(inOrder);
    expect(inOrder).toMatchObject({ phase: 'verified', outcome: 'succeeded', changeId: 'CHG1', model: null, events: 4 });
  });

  it('a request planning rejected is closable with the outcome rejected and the reason as cause', () => {
    const record = fold(requested, event('planning', 'DeploymentRejected', { reason: 'FreezePeriod', details: { freezeId: 'year-end' } }));
    expect(record).toMatchObject({ outcome: 'rejected', cause: 'DeploymentRejected: FreezePeriod', model: null });
    expect(closableNow(record)).toBe(true);
  });

  it('a deployment cancelled before it started is closable with the outcome cancelled', () => {
    const record = fold(requested, planned, event('planning', 'DeploymentCancelled', { reason: 'change withdrawn' }));
    expect(record).toMatchObject({ outcome: 'cancelled', cause: 'DeploymentCancelled: change withdrawn' });
    expect(closableNow(record)).toBe(true);
  });

  it.each([
    ['rolled back', event('execution', 'RolledBack', { reason: 'CanaryAnalysisFailed' }), 'rolled-back', 'RolledBack: CanaryAnalysisFailed'],
    ['failed in execution', event('execution', 'DeploymentFailed', { reason: 'BackupFailed' }), 'failed', 'DeploymentFailed: BackupFailed'],
    ['denied at a gate', event('execution', 'ApprovalDenied', { gate: 'production approval' }), 'rejected', 'ApprovalDenied: production approval'],
    ['revoked before it started', event('verification', 'ComponentVerificationRevoked', {}), 'failed', 'ComponentVerificationRevoked'],
    ['aborted before it started', event('execution', 'RunAbandoned', { reason: 'Aborted' }), 'cancelled', 'RunAbandoned: Aborted'],
  ])('a deployment %s closes with its outcome and cause', (_what, last, outcome, cause) => {
    const record = fold(requested, planned, last);
    expect(record).toMatchObject({ outcome, cause });
    expect(closableNow(record)).toBe(true);
  });

  it('a run abandoned because of another event takes its outcome from that event, whichever arrives first', () => {
    const abandoned = event('execution', 'RunAbandoned', { reason: 'ComponentVerificationFailed' });
    const failedVerification = event('verification', 'ComponentVerificationFailed', { failures: [] });
    expect(fold(requested, planned, abandoned).outcome).toBeUndefined();
    expect(fold(requested, planned, abandoned, failedVerification)).toMatchObject({ outcome: 'failed', cause: 'ComponentVerificationFailed' });
    expect(fold(requested, planned, failedVerification, abandoned)).toMatchObject({ outcome: 'failed', cause: 'ComponentVerificationFailed' });
  });

  it('is closable once the request, the plan and the outcome are known, and for a success its execution timings', () => {
    expect(closableNow(fold(requested, verified))).toBe(false);
    expect(closableNow(fold(requested, planned, verified))).toBe(false);
    expect(closableNow(fold(requested, planned, verified, started))).toBe(false);
    expect(closableNow(fold(requested, planned, verified, started, executed))).toBe(true);
  });
});

describe('CloseRecord', () => {
  const spec = specification(recordDecider);
  const record: DeploymentRecord = fold(requested, planned, started, executed, verified);
  const now = '2026-12-01T10:05:00.000Z';

  it('closes with the outcome and the lead time, and reports the implementation to change enablement', () =>
    spec
      .given([])
      .when({ type: 'CloseRecord', record, incidents: [], now })
      .then([
        {
          type: 'DeploymentRecordClosed',
          data: { deploymentId, changeId: 'CHG1', service: 'payments', environment: 'staging', model: null, outcome: 'succeeded', requestedAt: '2026-12-01T10:00:00.000Z', closedAt: now, leadTimeMs: 300_000 },
        },
        {
          type: 'ChangeImplementationReported',
          data: {
            deploymentId,
            changeId: 'CHG1',
            outcome: 'succeeded',
            closeCode: 'successful',
            plannedWindow: window,
            actualStart: '2026-12-01T10:01:00.000Z',
            actualEnd: '2026-12-01T10:02:00.000Z',
            closedAt: now,
            auditHistory: `/audit/deployments/${deploymentId}`,
          },
        },
      ]));

  it('a deployment of a release is also reported to release management; a failure is unsuccessful for the change', () => {
    const failed = fold(
      event('planning', 'DeploymentRequested', { changeId: 'CHG2', releaseId: 'REL-1', service: 'payments', environment: 'staging', components: [{ name: 'a', version: '1', kind: 'software' }], requestedBy: 'cm', requestedAt: '2026-12-01T10:00:00.000Z', window }),
      planned,
      event('verification', 'ComponentVerificationFailed', {}),
    );
    const [, report, release] = spec.given([]).when({ type: 'CloseRecord', record: failed, incidents: [], now }).outcome as unknown as { type: string; data: Record<string, unknown> }[];
    expect(report.data).toMatchObject({ outcome: 'failed', closeCode: 'unsuccessful', cause: 'ComponentVerificationFailed' });
    expect(report.data.actualStart).toBeUndefined();
    expect(release).toEqual({
      type: 'ReleaseDeploymentReported',
      data: { deploymentId, releaseId: 'REL-1', environment: 'staging', components: [{ name: 'a', version: '1', kind: 'software' }], outcome: 'failed', closedAt: now },
    });
  });

  it('a record that does not know its request yet is refused', () =>
    spec.given([]).when({ type: 'CloseRecord', record: fold(planned, started, executed, verified), incidents: [], now }).thenRefused({ code: 'RecordNotClosable', deploymentId, missing: ['DeploymentRequested'] }));

  it('a closed record is not closed twice', () => {
    const [closed] = spec.given([]).when({ type: 'CloseRecord', record, incidents: [], now }).outcome as never[];
    spec.given([closed]).when({ type: 'CloseRecord', record, incidents: [], now }).thenNothing();
  });
  it('a success with an incident already linked closes successful-with-issues, naming the incidents', () => {
    const [, report] = spec.given([]).when({ type: 'CloseRecord', record, incidents: ['INC2', 'INC1'], now }).outcome as unknown as { data: Record<string, unknown> }[];
    expect(report.data).toMatchObject({ closeCode: 'successful-with-issues', incidents: ['INC1', 'INC2'] });
  });
});

describe('CorrectReport', () => {
  const spec = specification(recordDecider);
  const record: DeploymentRecord = fold(requested, planned, started, executed, verified);
  const now = '2026-12-02T08:00:00.000Z';
  const closedEvents = spec.given([]).when({ type: 'CloseRecord', record, incidents: [], now: '2026-12-01T10:05:00.000Z' }).outcome as never[];

  it('an incident linked after a success closed corrects the report to successful-with-issues', () =>
    spec
      .given(closedEvents)
      .when({ type: 'CorrectReport', deploymentId, incidents: ['INC1'], now })
      .then([
        {
          type: 'ChangeImplementationCorrected',
          data: {
            deploymentId,
            changeId: 'CHG1',
            outcome: 'succeeded',
            closeCode: 'successful-with-issues',
            previousCloseCode: 'successful',
            incidents: ['INC1'],
            correctedAt: now,
            auditHistory: `/audit/deployments/${deploymentId}`,
          },
        },
      ]));

  it('a correction without an incident is refused', () =>
    spec.given(closedEvents).when({ type: 'CorrectReport', deploymentId, incidents: [], now }).thenRefused({ code: 'NoIncidentToReport', deploymentId }));

  it('incidents already reported, or a record not closed yet (its close will carry them), change nothing', () => {
    const corrected = spec.given(closedEvents).when({ type: 'CorrectReport', deploymentId, incidents: ['INC1'], now }).outcome as never[];
    spec.given([...closedEvents, ...corrected]).when({ type: 'CorrectReport', deploymentId, incidents: ['INC1'], now }).thenNothing();
    spec.given([]).when({ type: 'CorrectReport', deploymentId, incidents: ['INC1'], now }).thenNothing();
  });

  it('a second incident is reported with the first; a failure stays unsuccessful', () => {
    const corrected = spec.given(closedEvents).when({ type: 'CorrectReport', deploymentId, incidents: ['INC1'], now }).outcome as never[];
    const [again] = spec.given([...closedEvents, ...corrected]).when({ type: 'CorrectReport', deploymentId, incidents: ['INC1', 'INC2'], now }).outcome as unknown as { data: Record<string, unknown> }[];
    expect(again.data).toMatchObject({ closeCode: 'successful-with-issues', previousCloseCode: 'successful-with-issues', incidents: ['INC1', 'INC2'] });
    const failed = fold(requested, planned, event('execution', 'RolledBack', { reason: 'CanaryAnalysisFailed', rolledBackAt: '2026-12-01T10:03:00.000Z' }));
    const failedClose = spec.given([]).when({ type: 'CloseRecord', record: failed, incidents: [], now }).outcome as never[];
    const [correction] = spec.given(failedClose).when({ type: 'CorrectReport', deploymentId, incidents: ['INC3'], now }).outcome as unknown as { data: Record<string, unknown> }[];
    expect(correction.data).toMatchObject({ closeCode: 'unsuccessful', previousCloseCode: 'unsuccessful', incidents: ['INC3'] });
  });
});

describe('record timings and approvals', () => {
  it('keeps when the outcome became known, when it was verified, and who approved', () => {
    const granted = event('execution', 'ApprovalGranted', { gate: 'production', by: 'dana', role: 'deployment-manager', grantedAt: '2026-12-01T10:00:30.000Z' });
    const verifiedAt = event('verification', 'DeploymentVerified', { verifiedAt: '2026-12-01T10:04:00.000Z', criteria: [] });
    expect(fold(requested, planned, granted, started, executed, verifiedAt)).toMatchObject({
      verifiedAt: '2026-12-01T10:04:00.000Z',
      endedAt: '2026-12-01T10:04:00.000Z',
      approvals: [{ gate: 'production', by: 'dana', role: 'deployment-manager', grantedAt: '2026-12-01T10:00:30.000Z' }],
    });
    const rolledBack = event('execution', 'RolledBack', { reason: 'CanaryAnalysisFailed', rolledBackAt: '2026-12-01T10:03:00.000Z' });
    expect(fold(requested, planned, rolledBack).endedAt).toBe('2026-12-01T10:03:00.000Z');
  });
});
