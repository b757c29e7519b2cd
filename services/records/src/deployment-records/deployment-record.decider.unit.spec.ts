import { foldSpecification, specification } from '@gantry/decider';
import type { ChangeImplementationCorrected, CloseCode, CloudEventEnvelope, DeploymentOutcome } from '@gantry/contracts';
import { emptyRecord, evolveRecord, recordDecider, type DeploymentRecord, type RecordEvent } from './deployment-record.decider';

const deploymentId = '5b0c2f4e-8a4a-4d3e-9a51-0d7a3f1f2b11';
const event = (service: string, name: string, data: Record<string, unknown>): CloudEventEnvelope =>
  ({ specversion: '1.0', id: `${name}-id`, source: `/gantry/${service}`, type: `gantry.${service}.${name}.v1`, data: { deploymentId, ...data } }) as CloudEventEnvelope;

const window = { start: '2026-12-01T10:00:00.000Z', end: '2026-12-01T11:00:00.000Z' };
const requestedAt = '2026-12-01T10:00:00.000Z';
const requested = event('planning', 'DeploymentRequested', { changeId: 'CHG1', service: 'payments', environment: 'staging', requestedBy: 'cm', requestedAt, window });
const planned = event('planning', 'DeploymentPlanned', { model: null, window });
const started = event('execution', 'DeploymentStarted', { startedAt: '2026-12-01T10:01:00.000Z' });
const executed = event('execution', 'DeploymentExecuted', { executedAt: '2026-12-01T10:02:00.000Z' });
const verified = event('verification', 'DeploymentVerified', {});
const auditHistory = `/audit/deployments/${deploymentId}`;

/** The deployment record: the ledger's events of every service, folded. */
const record = (...ledger: CloudEventEnvelope[]): DeploymentRecord => ledger.reduce(evolveRecord, emptyRecord(deploymentId));
/** What the record knows once the request above was seen and planned. */
const requestedAndPlanned = { deploymentId, changeId: 'CHG1', service: 'payments', environment: 'staging', window, requestedBy: 'cm', requestedAt, model: null };

const spec = specification(recordDecider);
const closedAt = '2026-12-01T10:05:00.000Z';
/** The record of these ledger events, asked to close at 10:05. */
const closing = (...ledger: CloudEventEnvelope[]) => spec.given([]).when({ type: 'CloseRecord', record: record(...ledger), incidents: [], now: closedAt });

/** The close of the request above with an outcome other than success, and its report to change enablement. */
const closedWith = (outcome: DeploymentOutcome, closeCode: CloseCode, cause: string): RecordEvent[] => [
  { type: 'DeploymentRecordClosed', data: { deploymentId, changeId: 'CHG1', service: 'payments', environment: 'staging', model: null, outcome, cause, requestedAt, closedAt, leadTimeMs: 300_000 } },
  { type: 'ChangeImplementationReported', data: { deploymentId, changeId: 'CHG1', outcome, closeCode, cause, plannedWindow: window, closedAt, auditHistory } },
];

/** A success closed: requested, planned, started, executed and verified. */
const succeeded = record(requested, planned, started, executed, verified);
const closedSuccess: RecordEvent[] = [
  {
    type: 'DeploymentRecordClosed',
    data: { deploymentId, changeId: 'CHG1', service: 'payments', environment: 'staging', model: null, outcome: 'succeeded', requestedAt, closedAt, leadTimeMs: 300_000 },
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
      closedAt,
      auditHistory,
    },
  },
];

// The record is a fold with no commands of its own (the live projection, an auditor's rebuild and the close all use
// it): what it keeps is shown given the ledger's events then the record, and its outcome by what closing it reports.
describe('the deployment record', () => {
  const fold = foldSpecification(evolveRecord, emptyRecord(deploymentId));

  it('folds the events of every service, in whatever order they arrived, to the same record', () => {
    const verifiedRecord: DeploymentRecord = { ...requestedAndPlanned, startedAt: '2026-12-01T10:01:00.000Z', phase: 'verified', outcome: 'succeeded', events: 4 };
    fold.given([requested, planned, started, verified]).then(verifiedRecord);
    fold.given([verified, started, planned, requested]).then(verifiedRecord);
  });

  it('a request planning rejected is closable with the outcome rejected and the reason as cause', () =>
    closing(requested, event('planning', 'DeploymentRejected', { reason: 'FreezePeriod', details: { freezeId: 'year-end' } })).then(
      closedWith('rejected', 'unsuccessful', 'DeploymentRejected: FreezePeriod'),
    ));

  it('a deployment cancelled before it started is closable with the outcome cancelled', () =>
    closing(requested, planned, event('planning', 'DeploymentCancelled', { reason: 'change withdrawn' })).then(closedWith('cancelled', 'unsuccessful', 'DeploymentCancelled: change withdrawn')));

  it.each([
    ['rolled back', event('execution', 'RolledBack', { reason: 'CanaryAnalysisFailed' }), 'rolled-back', 'RolledBack: CanaryAnalysisFailed'],
    ['failed in execution', event('execution', 'DeploymentFailed', { reason: 'BackupFailed' }), 'failed', 'DeploymentFailed: BackupFailed'],
    ['denied at a gate', event('execution', 'ApprovalDenied', { gate: 'production approval' }), 'rejected', 'ApprovalDenied: production approval'],
    ['stopped before it started by a revoked verification', event('execution', 'RunAbandoned', { reason: 'ComponentVerificationRevoked' }), 'failed', 'ComponentVerificationRevoked'],
    ['aborted before it started', event('execution', 'RunAbandoned', { reason: 'Aborted' }), 'cancelled', 'RunAbandoned: Aborted'],
    ['stopped before it started by a freeze added after planning', event('execution', 'RunAbandoned', { reason: 'FreezePeriod' }), 'cancelled', 'RunAbandoned: FreezePeriod'],
    ['stopped before it started by its environment decommissioned', event('execution', 'RunAbandoned', { reason: 'EnvironmentDecommissioned' }), 'cancelled', 'RunAbandoned: EnvironmentDecommissioned'],
    ['stopped before it started by its authorisation revoked', event('execution', 'RunAbandoned', { reason: 'AuthorisationRevoked' }), 'cancelled', 'RunAbandoned: AuthorisationRevoked'],
  ] as const)('a deployment %s closes with its outcome and cause', (_what, last, outcome, cause) =>
    closing(requested, planned, last).then(closedWith(outcome, 'unsuccessful', cause)));

  it('a revoked verification alone closes nothing: only execution knows whether the run had started (then it holds, and its own end closes the record)', () => {
    const revoked = event('verification', 'ComponentVerificationRevoked', { components: [] });
    closing(requested, planned, started, revoked).thenRefused({ code: 'RecordNotClosable', deploymentId, missing: ['outcome'] });
    const [closed, reported] = closedWith('rolled-back', 'unsuccessful', 'RolledBack: ComponentVerificationRevoked');
    closing(requested, planned, started, revoked, event('execution', 'RolledBack', { reason: 'ComponentVerificationRevoked' })).then([
      closed,
      { ...reported, data: { ...reported.data, actualStart: '2026-12-01T10:01:00.000Z' } } as RecordEvent,
    ]);
  });

  it('a deployment denied at a gate between waves is not closed by the denial: it closes rolled back, naming the gate denied', () => {
    const denied = event('execution', 'ApprovalDenied', { gate: 'production approval between waves', wave: 2 });
    closing(requested, planned, started, denied).thenRefused({ code: 'RecordNotClosable', deploymentId, missing: ['outcome'] });
    const [closed, reported] = closedWith('rolled-back', 'unsuccessful', 'RolledBack: ApprovalDenied: production approval between waves');
    closing(requested, planned, started, denied, event('execution', 'RolledBack', { reason: 'ApprovalDenied' })).then([
      closed,
      { ...reported, data: { ...reported.data, actualStart: '2026-12-01T10:01:00.000Z' } } as RecordEvent,
    ]);
  });

  it('a run abandoned because of another event takes its outcome from that event, whichever arrives first', () => {
    const abandoned = event('execution', 'RunAbandoned', { reason: 'ComponentVerificationFailed' });
    const failedVerification = event('verification', 'ComponentVerificationFailed', { failures: [] });
    closing(requested, planned, abandoned).thenRefused({ code: 'RecordNotClosable', deploymentId, missing: ['outcome'] });
    closing(requested, planned, abandoned, failedVerification).then(closedWith('failed', 'unsuccessful', 'ComponentVerificationFailed'));
    closing(requested, planned, failedVerification, abandoned).then(closedWith('failed', 'unsuccessful', 'ComponentVerificationFailed'));
  });

  it('is closable once the request, the plan and the outcome are known, and for a success its execution timings', () => {
    closing(requested, verified).thenRefused({ code: 'RecordNotClosable', deploymentId, missing: ['DeploymentPlanned', 'DeploymentStarted', 'DeploymentExecuted'] });
    closing(requested, planned, verified).thenRefused({ code: 'RecordNotClosable', deploymentId, missing: ['DeploymentStarted', 'DeploymentExecuted'] });
    closing(requested, planned, verified, started).thenRefused({ code: 'RecordNotClosable', deploymentId, missing: ['DeploymentExecuted'] });
    closing(requested, planned, verified, started, executed).then(closedSuccess);
  });

  it('keeps when the outcome became known, when it was verified, and who approved, with what they said', () => {
    const granted = event('execution', 'ApprovalGranted', { gate: 'production', by: 'dana', role: 'deployment-manager', comment: 'rollback rehearsed', grantedAt: '2026-12-01T10:00:30.000Z' });
    const verifiedAt = event('verification', 'DeploymentVerified', { verifiedAt: '2026-12-01T10:04:00.000Z', criteria: [] });
    fold.given([requested, planned, granted, started, executed, verifiedAt]).then({
      ...requestedAndPlanned,
      approvals: [{ gate: 'production', by: 'dana', role: 'deployment-manager', comment: 'rollback rehearsed', grantedAt: '2026-12-01T10:00:30.000Z' }],
      startedAt: '2026-12-01T10:01:00.000Z',
      executedAt: '2026-12-01T10:02:00.000Z',
      verifiedAt: '2026-12-01T10:04:00.000Z',
      endedAt: '2026-12-01T10:04:00.000Z',
      acceptance: { verdict: 'met', criteria: [], evaluatedAt: '2026-12-01T10:04:00.000Z' },
      phase: 'verified',
      outcome: 'succeeded',
      events: 6,
    });
    const rolledBack = event('execution', 'RolledBack', { reason: 'CanaryAnalysisFailed', rolledBackAt: '2026-12-01T10:03:00.000Z' });
    fold.given([requested, planned, rolledBack]).then({
      ...requestedAndPlanned,
      endedAt: '2026-12-01T10:03:00.000Z',
      phase: 'failed',
      outcome: 'rolled-back',
      cause: 'RolledBack: CanaryAnalysisFailed',
      events: 3,
    });
  });
});

describe('CloseRecord', () => {
  const close = (r: DeploymentRecord, incidents: string[] = []) => ({ type: 'CloseRecord' as const, record: r, incidents, now: closedAt });

  it('closes with the outcome and the lead time, and reports the implementation to change enablement', () => spec.given([]).when(close(succeeded)).then(closedSuccess));

  it('a deployment of a release is also reported to release management; a failure is unsuccessful for the change', () => {
    const components = [{ name: 'a', version: '1', kind: 'software' }];
    const failed = record(
      event('planning', 'DeploymentRequested', { changeId: 'CHG2', releaseId: 'REL-1', service: 'payments', environment: 'staging', components, requestedBy: 'cm', requestedAt, window }),
      planned,
      event('verification', 'ComponentVerificationFailed', {}),
    );
    const cause = 'ComponentVerificationFailed';
    spec
      .given([])
      .when(close(failed))
      .then([
        { type: 'DeploymentRecordClosed', data: { deploymentId, changeId: 'CHG2', service: 'payments', environment: 'staging', model: null, outcome: 'failed', cause, requestedAt, closedAt, leadTimeMs: 300_000 } },
        { type: 'ChangeImplementationReported', data: { deploymentId, changeId: 'CHG2', outcome: 'failed', closeCode: 'unsuccessful', cause, plannedWindow: window, closedAt, auditHistory } },
        { type: 'ReleaseDeploymentReported', data: { deploymentId, releaseId: 'REL-1', environment: 'staging', components: components as never, outcome: 'failed', closedAt } },
      ]);
  });

  it('a plan with its environment snapshot gives the record the environment kind, and the close carries it; the commit time is kept from the request', () => {
    const committed = event('planning', 'DeploymentRequested', { ...(requested.data as Record<string, unknown>), commitTime: '2026-12-01T08:00:00.000Z' });
    const inStaging = event('planning', 'DeploymentPlanned', { model: null, window, environmentSnapshot: { name: 'staging', kind: 'staging', version: 1, attributes: {}, targets: [] } });
    const folded = record(committed, inStaging, started, executed, verified);
    expect(folded).toMatchObject({ environmentKind: 'staging', commitTime: '2026-12-01T08:00:00.000Z' });
    const [closedEvent, ...reports] = closedSuccess;
    spec
      .given([])
      .when(close(folded))
      .then([{ ...closedEvent, data: { ...(closedEvent.data as object), environmentKind: 'staging' } } as RecordEvent, ...reports]);
  });

  it('a record that does not know its request yet is refused', () =>
    spec.given([]).when(close(record(planned, started, executed, verified))).thenRefused({ code: 'RecordNotClosable', deploymentId, missing: ['DeploymentRequested'] }));

  it('a closed record is not closed twice', () => spec.given(closedSuccess).when(close(succeeded)).thenNothing());

  it('a success with an incident already linked closes successful-with-issues, naming the incidents', () => {
    const [recordClosed, report] = closedSuccess as [RecordEvent, Extract<RecordEvent, { type: 'ChangeImplementationReported' }>];
    spec
      .given([])
      .when(close(succeeded, ['INC2', 'INC1']))
      .then([recordClosed, { type: 'ChangeImplementationReported', data: { ...report.data, closeCode: 'successful-with-issues', incidents: ['INC1', 'INC2'] } }]);
  });

  it("the report to change enablement carries the ledger's signed checkpoints it is given, as evidence held outside Gantry", () => {
    const [recordClosed, report] = closedSuccess as [RecordEvent, Extract<RecordEvent, { type: 'ChangeImplementationReported' }>];
    const ledgerCheckpoint = 'gantry.local/ledger\n24\nq83vAA==\n\n— gantry.local/ledger AAAA\n';
    const witnessedCheckpoint = 'gantry.local/ledger\n20\nq83vAA==\n\n— gantry.local/ledger AAAA\n— witness.example BBBB\n';
    spec
      .given([])
      .when({ ...close(succeeded), ledgerCheckpoint })
      .then([recordClosed, { type: 'ChangeImplementationReported', data: { ...report.data, ledgerCheckpoint } }]);
    spec
      .given([])
      .when({ ...close(succeeded), ledgerCheckpoint, witnessedCheckpoint })
      .then([recordClosed, { type: 'ChangeImplementationReported', data: { ...report.data, ledgerCheckpoint, witnessedCheckpoint } }]);
  });
});

describe('CorrectReport', () => {
  const now = '2026-12-02T08:00:00.000Z';
  const correct = (...incidents: string[]) => ({ type: 'CorrectReport' as const, deploymentId, incidents, now });
  const corrected = (outcome: DeploymentOutcome, closeCode: CloseCode, previousCloseCode: CloseCode, incidents: string[]): RecordEvent => ({
    type: 'ChangeImplementationCorrected',
    data: { deploymentId, changeId: 'CHG1', outcome, closeCode, previousCloseCode, incidents, correctedAt: now, auditHistory },
  });

  it('an incident linked after a success closed corrects the report to successful-with-issues', () =>
    spec.given(closedSuccess).when(correct('INC1')).then([corrected('succeeded', 'successful-with-issues', 'successful', ['INC1'])]));

  it('a correction with nothing to correct is refused', () => spec.given(closedSuccess).when(correct()).thenRefused({ code: 'NothingToCorrect', deploymentId }));

  it('incidents already reported, or a record not closed yet (its close will carry them), change nothing', () => {
    spec.given([...closedSuccess, corrected('succeeded', 'successful-with-issues', 'successful', ['INC1'])]).when(correct('INC1')).thenNothing();
    spec.given([]).when(correct('INC1')).thenNothing();
  });

  it('a second incident is reported with the first; a failure stays unsuccessful', () => {
    spec
      .given([...closedSuccess, corrected('succeeded', 'successful-with-issues', 'successful', ['INC1'])])
      .when(correct('INC1', 'INC2'))
      .then([corrected('succeeded', 'successful-with-issues', 'successful-with-issues', ['INC1', 'INC2'])]);
    spec
      .given(closedWith('rolled-back', 'unsuccessful', 'RolledBack: CanaryAnalysisFailed'))
      .when(correct('INC3'))
      .then([corrected('rolled-back', 'unsuccessful', 'unsuccessful', ['INC3'])]);
  });
});

describe('ReportHold: change enablement learns that a run is held for a late change', () => {
  const detail = 'freeze incident-freeze (major incident in progress) covers payments in staging during the window';
  const heldAt = '2026-12-01T10:03:00.000Z';
  const detected = event('execution', 'LateChangeDetected', { reason: 'FreezePeriod', detail, detectedAt: '2026-12-01T10:02:30.000Z' });
  const paused = event('execution', 'RunPaused', { reason: 'FreezePeriod', by: 'gantry-execution', pausedAt: heldAt });
  const hold = { reason: 'FreezePeriod', detail, heldAt };
  const held: RecordEvent = { type: 'ChangeImplementationHeld', data: { deploymentId, changeId: 'CHG1', reason: 'FreezePeriod', detail, heldAt, auditHistory } };

  it('the record keeps each hold for a late change with what changed; a pause by a person is no hold', () => {
    expect(record(requested, planned, started, detected, paused).holds).toEqual([hold]);
    expect(record(requested, planned, started, event('execution', 'RunPaused', { reason: 'paused by dana', by: 'dana', pausedAt: heldAt })).holds).toBeUndefined();
    expect(record(requested, planned, started, detected, paused, event('records', 'ChangeImplementationHeld', held.data)).holds).toEqual([{ ...hold, reported: true }]);
  });

  it('a hold is reported to change enablement with the reason and what changed', () =>
    spec.given([]).when({ type: 'ReportHold', deploymentId, changeId: 'CHG1', hold }).then([held]));

  it('each hold is reported once', () => spec.given([held]).when({ type: 'ReportHold', deploymentId, changeId: 'CHG1', hold }).thenNothing());

  it('a second hold, for another change later, is reported too', () =>
    spec
      .given([held])
      .when({ type: 'ReportHold', deploymentId, changeId: 'CHG1', hold: { reason: 'AuthorisationRevoked', detail: 'key revoked', heldAt: '2026-12-01T10:04:00.000Z' } })
      .then([{ type: 'ChangeImplementationHeld', data: { deploymentId, changeId: 'CHG1', reason: 'AuthorisationRevoked', detail: 'key revoked', heldAt: '2026-12-01T10:04:00.000Z', auditHistory } }]));

  it('once the record closed, its report told the end: a hold reported late changes nothing', () => {
    const closed = closing(requested, planned, event('execution', 'RolledBack', { reason: 'FreezePeriod' }));
    const events = closed.outcome as RecordEvent[];
    spec.given(events).when({ type: 'ReportHold', deploymentId, changeId: 'CHG1', hold }).thenNothing();
  });
});

describe('the monitoring period (early life support) after a success closed', () => {
  const now = '2026-12-02T08:00:00.000Z';
  const periodStarted = event('verification', 'MonitoringPeriodStarted', { startedAt: '2026-12-01T10:06:00.000Z', endsAt: '2026-12-04T10:06:00.000Z', looks: 72 });
  const errorRate = { signal: 'error-rate', look: 3, reason: 'error-rate 0.040 vs baseline 0.010', detectedAt: '2026-12-01T13:06:05.000Z' };
  const regressed = (r = errorRate) => event('verification', 'RegressionDetected', { ...r, onRegression: 'decide' });
  const periodEnded = (verdict: string) => event('verification', 'MonitoringPeriodEnded', { verdict, looks: 72, endedAt: '2026-12-04T10:06:00.000Z' });
  const recordClosed = event('records', 'DeploymentRecordClosed', closedSuccess[0].data as unknown as Record<string, unknown>);
  const rolledBack = event('execution', 'RolledBack', { reason: 'RegressionDetected', rolledBackAt: '2026-12-01T13:20:00.000Z' });
  const regression = { signal: 'error-rate', look: 3, reason: errorRate.reason, at: errorRate.detectedAt };
  const correct = (r: DeploymentRecord, incidents: string[] = []) => ({
    type: 'CorrectReport' as const,
    deploymentId,
    incidents,
    regressions: (r.monitoring?.regressions ?? []).map(({ at, ...rest }) => ({ ...rest, detectedAt: at })),
    ...(r.outcome === 'rolled-back' ? { outcome: { outcome: r.outcome, cause: r.cause } } : {}),
    now,
  });
  const corrected = (data: Partial<ChangeImplementationCorrected>): RecordEvent => ({
    type: 'ChangeImplementationCorrected',
    data: { deploymentId, changeId: 'CHG1', outcome: 'succeeded', closeCode: 'successful-with-issues', previousCloseCode: 'successful', incidents: [], correctedAt: now, auditHistory, ...data },
  });

  it('the record shows the deployment in monitoring until the period ends, with each regression once', () => {
    const watched = record(requested, planned, started, executed, verified, recordClosed, periodStarted);
    expect(watched).toMatchObject({ phase: 'closed', outcome: 'succeeded', monitoring: { since: '2026-12-01T10:06:00.000Z', until: '2026-12-04T10:06:00.000Z', status: 'in-monitoring', regressions: [] } });
    expect(evolveRecord(evolveRecord(watched, regressed()), regressed()).monitoring).toEqual({ ...watched.monitoring, regressions: [regression] });
    expect(record(requested, planned, started, executed, verified, recordClosed, periodStarted, regressed(), periodEnded('regressed')).monitoring).toEqual({
      since: '2026-12-01T10:06:00.000Z',
      until: '2026-12-04T10:06:00.000Z',
      status: 'regressed',
      regressions: [regression],
    });
    expect(record(periodEnded('clean'), periodStarted).monitoring?.status).toBe('clean');
  });

  it('a rollback in the period overturns the success, whichever the ledger holds first', () => {
    const expected = { phase: 'closed', outcome: 'rolled-back', cause: 'RolledBack: RegressionDetected' };
    expect(record(requested, planned, started, executed, verified, recordClosed, periodStarted, regressed(), rolledBack)).toMatchObject(expected);
    expect(record(requested, planned, started, executed, rolledBack, verified, recordClosed)).toMatchObject(expected);
  });

  it('a regression after the close corrects the report to successful-with-issues, with the reason', () => {
    const r = record(requested, planned, started, executed, verified, recordClosed, periodStarted, regressed());
    spec.given(closedSuccess).when(correct(r)).then([corrected({ regressions: [errorRate] })]);
  });

  it('each regression is reported once; a second one is reported with the first', () => {
    const once = record(requested, planned, started, executed, verified, recordClosed, periodStarted, regressed());
    spec.given([...closedSuccess, corrected({ regressions: [errorRate] })]).when(correct(once)).thenNothing();
    const latency = { signal: 'p95-latency', look: 4, reason: 'p95 latency 900 ms vs 300 ms', detectedAt: '2026-12-01T14:06:05.000Z' };
    spec
      .given([...closedSuccess, corrected({ regressions: [errorRate] })])
      .when(correct(evolveRecord(once, regressed(latency))))
      .then([corrected({ regressions: [errorRate, latency], previousCloseCode: 'successful-with-issues' })]);
  });

  it('a rollback in the period corrects the report to rolled-back and unsuccessful, once', () => {
    const r = record(requested, planned, started, executed, verified, recordClosed, periodStarted, regressed(), rolledBack);
    const overturned = corrected({ outcome: 'rolled-back', closeCode: 'unsuccessful', previousCloseCode: 'successful-with-issues', regressions: [errorRate], cause: 'RolledBack: RegressionDetected' });
    spec.given([...closedSuccess, corrected({ regressions: [errorRate] })]).when(correct(r)).then([overturned]);
    spec.given([...closedSuccess, corrected({ regressions: [errorRate] }), overturned]).when(correct(r)).thenNothing();
  });

  it('before the close nothing is corrected: the close reports what is known then', () => {
    const r = record(requested, planned, started, executed, verified, periodStarted, regressed());
    spec.given([]).when(correct(r)).thenNothing();
  });
});
