import type { AuditFindingRecorded, EnvironmentKind, SatisfactionResponseRecorded } from '@gantry/contracts';
import type { DeploymentRecord } from '../deployment-records';
import type { Incident } from '../incidents';
import { computeKpis, percentile, periodsBetween, periodStart, type Kpi, type KpiName } from './kpis';

const at = (hhmm: string) => `2026-12-01T${hhmm}:00.000Z`;
const std = { name: 'standard-web', version: 3 };

const record = (id: string, fields: Partial<DeploymentRecord>): DeploymentRecord => ({
  deploymentId: id,
  changeId: `CHG-${id}`,
  service: 'payments',
  environment: 'production',
  environmentKind: 'production',
  phase: fields.outcome ? 'closed' : 'planned',
  events: 1,
  model: std,
  ...fields,
});

/** The scripted day, by hand: see each expectation's comment. */
const records = [
  record('d1', { requestedAt: at('08:00'), window: { start: at('09:00'), end: at('10:00') }, startedAt: at('09:00'), executedAt: at('09:30'), verifiedAt: at('09:40'), endedAt: at('09:40'), outcome: 'succeeded' }),
  record('d2', { requestedAt: at('08:30'), model: null, window: { start: at('10:00'), end: at('11:00') }, startedAt: at('10:05'), endedAt: at('10:20'), outcome: 'failed', cause: 'DeploymentFailed: BackupFailed' }),
  record('d3', { service: 'ledger', requestedAt: at('09:00'), window: { start: at('11:00'), end: at('12:00') }, startedAt: at('11:10'), executedAt: at('11:30'), endedAt: at('11:50'), outcome: 'rolled-back', cause: 'RolledBack: DeploymentVerificationFailed' }),
  // starts late: outside its window
  record('d4', { requestedAt: at('10:00'), window: { start: at('12:00'), end: at('13:00') }, startedAt: at('13:10'), executedAt: at('13:20'), verifiedAt: at('13:30'), endedAt: at('13:30'), outcome: 'succeeded' }),
  record('d5', { service: 'ledger', changeId: 'CHG5', requestedAt: at('11:00'), window: { start: at('14:00'), end: at('15:00') }, startedAt: at('14:00'), executedAt: at('14:10'), verifiedAt: at('14:20'), endedAt: at('14:20'), outcome: 'succeeded' }),
  record('d6', { requestedAt: at('12:00'), model: null, endedAt: at('12:30'), outcome: 'cancelled' }),
  record('d7', { requestedAt: at('15:00'), window: { start: at('20:00'), end: at('21:00') } }),
  record('s1', { environment: 'staging', environmentKind: 'staging', requestedAt: at('07:00'), startedAt: at('07:10'), executedAt: at('07:20'), verifiedAt: at('07:30'), endedAt: at('07:30'), outcome: 'succeeded', window: { start: at('07:00'), end: at('08:00') } }),
];
// three incidents on d5, two linked to it and one to its change: d5 counts once in the change failure rate
const incidents: Incident[] = [
  { incidentId: 'INC1', deploymentId: 'd5', severity: 'high', openedAt: at('15:00'), resolvedAt: at('16:00') },
  { incidentId: 'INC2', deploymentId: 'd5', severity: 'low', openedAt: at('15:30') },
  { incidentId: 'INC3', changeId: 'CHG5', severity: 'medium', openedAt: at('16:00'), resolvedAt: at('18:00') },
];
const response = (responseId: string, score: number, topic: SatisfactionResponseRecorded['topic'], deploymentId?: string): SatisfactionResponseRecorded => ({
  responseId,
  score,
  topic,
  ...(deploymentId ? { deploymentId } : {}),
  respondent: 'pat',
  respondedAt: at('19:00'),
});
const satisfaction = [response('r1', 4, 'lead-time', 'd1'), response('r2', 2, 'quality', 'd2'), response('r3', 5, 'partner-alignment'), response('r4', 3, 'rate-of-change')];
const finding = (findingId: string, deploymentId: string, severity: AuditFindingRecorded['severity']): AuditFindingRecorded => ({
  findingId,
  deploymentId,
  severity,
  description: 'x',
  recordedBy: 'carol',
  recordedAt: at('20:00'),
});
const findings = [finding('f1', 'd2', 'high'), finding('f2', 'd5', 'low'), finding('f3', 'd3', 'high')];

const day = (filters: { environment?: string; service?: string; model?: string; environmentKind?: EnvironmentKind } = {}, of: readonly DeploymentRecord[] = records) => {
  const [period] = computeKpis(
    { records: of, incidents, satisfaction, findings },
    { period: 'day', environmentKind: 'production', from: at('00:00'), to: at('23:59'), now: '2026-12-05T00:00:00.000Z', ...filters },
  );
  return (name: KpiName): Kpi => period.kpis.find((k) => k.name === name)!;
};

describe('KPIs over a scripted day in production', () => {
  const kpi = day({ environment: 'production' });

  it('successful deployments: 3 succeeded of 5 that did not end cancelled', () =>
    expect(kpi('successful-deployments')).toMatchObject({ value: 0.6, numerator: 3, denominator: 5, deployments: ['d1', 'd4', 'd5'], outOf: ['d1', 'd2', 'd3', 'd4', 'd5'], definitionVersion: 1 }));

  it('failures by cause', () =>
    expect(kpi('deployment-failures')).toMatchObject({
      value: 2,
      deployments: ['d2', 'd3'],
      breakdown: { 'DeploymentFailed: BackupFailed': { value: 1, deployments: ['d2'] }, 'RolledBack: DeploymentVerificationFailed': { value: 1, deployments: ['d3'] } },
    }));

  it('incidents related and the change failure rate, a deployment with three incidents counting once', () => {
    expect(kpi('incidents-related')).toMatchObject({ value: 3, numerator: 3, denominator: 5, deployments: ['d5'] });
    expect(kpi('change-failure-rate')).toMatchObject({ value: 0.6, numerator: 3, denominator: 5, deployments: ['d2', 'd3', 'd5'] });
  });

  it('a deployment that failed verification before it started did not run: not in the change failure rate nor the incidents, though a failure', () => {
    // d8 never started (its components failed verification) and an incident is linked to its change
    const refused = record('d8', { requestedAt: at('16:00'), endedAt: at('16:05'), outcome: 'failed', cause: 'ComponentsVerificationFailed' });
    const [period] = computeKpis(
      { records: [...records, refused], incidents: [...incidents, { incidentId: 'INC8', changeId: 'CHG-d8', severity: 'high', openedAt: at('17:00') }], satisfaction, findings },
      { period: 'day', environmentKind: 'production', from: at('00:00'), to: at('23:59'), now: '2026-12-05T00:00:00.000Z', environment: 'production' },
    );
    const withRefused = (name: KpiName): Kpi => period.kpis.find((k) => k.name === name)!;
    expect(withRefused('change-failure-rate')).toMatchObject({ value: 0.6, numerator: 3, denominator: 5, deployments: ['d2', 'd3', 'd5'], definitionVersion: 3 });
    expect(withRefused('incidents-related')).toMatchObject({ value: 3, denominator: 5, deployments: ['d5'], outOf: ['d1', 'd2', 'd3', 'd4', 'd5'], definitionVersion: 2 });
    expect(withRefused('deployment-failures')).toMatchObject({ value: 3, deployments: ['d2', 'd3', 'd8'] });
  });

  it('lead time p50 and p90 (nearest rank) of 100, 200 and 210 minutes', () => {
    expect(kpi('lead-time-p50')).toMatchObject({ value: 200 * 60_000, denominator: 3, deployments: ['d1', 'd4', 'd5'] });
    expect(kpi('lead-time-p90')).toMatchObject({ value: 210 * 60_000, denominator: 3 });
  });

  it('deployment frequency: successes in production', () => expect(kpi('deployment-frequency')).toMatchObject({ value: 3, deployments: ['d1', 'd4', 'd5'] }));

  it('time to restore: d2 → d4 (190 min), d3 → d5 (150 min), INC1 (60 min), INC3 (120 min)', () =>
    expect(kpi('time-to-restore')).toMatchObject({ value: (520 / 4) * 60_000, numerator: 520 * 60_000, denominator: 4, deployments: ['d2', 'd3', 'd5'] }));

  it('schedule adherence: d4 started late, d2 never executed', () => expect(kpi('schedule-adherence')).toMatchObject({ value: 0.75, deployments: ['d1', 'd3', 'd5'], outOf: ['d1', 'd3', 'd4', 'd5'] }));

  it('backlog at the end of the day (15:00 → 24:00) and the age of the oldest open deployment; throughput', () => {
    expect(kpi('backlog')).toMatchObject({ value: 1, deployments: ['d7'], oldestOpenAgeMs: 9 * 3_600_000 });
    expect(kpi('throughput')).toMatchObject({ value: 6, deployments: ['d1', 'd2', 'd3', 'd4', 'd5', 'd6'] });
  });

  it('adoption: planned with an agreed model, of those planned', () => expect(kpi('adoption')).toMatchObject({ value: 5 / 7, numerator: 5, denominator: 7, deployments: ['d1', 'd3', 'd4', 'd5', 'd7'] }));

  it('satisfaction (filtered: responses about deployments in scope) and findings by severity', () => {
    expect(kpi('satisfaction')).toMatchObject({ value: 3, numerator: 6, denominator: 2, deployments: ['d1', 'd2'] });
    expect(kpi('audit-findings')).toMatchObject({ value: 3, breakdown: { high: { value: 2, deployments: ['d2', 'd3'] }, low: { value: 1, deployments: ['d5'] } } });
  });
});

describe('KPI scope', () => {
  it('without filters, every response counts; partners’ alignment is reported apart', () => {
    const kpi = day();
    expect(kpi('satisfaction')).toMatchObject({ value: 3, numerator: 9, denominator: 3, breakdown: { 'partner-alignment': { value: 5 }, quality: { value: 2 } } });
    expect(kpi('successful-deployments')).toMatchObject({ numerator: 4, denominator: 6 });
  });

  it('a service filter keeps that service’s deployments, responses and findings', () => {
    const kpi = day({ service: 'payments', environment: 'production' });
    expect(kpi('successful-deployments')).toMatchObject({ value: 2 / 3, outOf: ['d1', 'd2', 'd4'] });
    expect(kpi('audit-findings')).toMatchObject({ value: 1, deployments: ['d2'] });
    expect(kpi('time-to-restore')).toMatchObject({ denominator: 1, deployments: ['d2'] });
  });

  it('a model filter keeps the deployments planned with that model', () => {
    expect(day({ model: 'standard-web', environment: 'production' })('throughput')).toMatchObject({ deployments: ['d1', 'd3', 'd4', 'd5'] });
  });
});

describe('DORA’s figures by the environment’s kind, not its name', () => {
  const estate = [
    record('eu', { environment: 'prod-eu', requestedAt: at('08:00'), startedAt: at('08:30'), verifiedAt: at('09:00'), endedAt: at('09:00'), outcome: 'succeeded' }),
    record('us', { environment: 'prod-us', requestedAt: at('08:00'), commitTime: at('06:00'), startedAt: at('09:00'), verifiedAt: at('10:00'), endedAt: at('10:00'), outcome: 'succeeded' }),
    record('us-failed', { environment: 'prod-us', requestedAt: at('07:00'), startedAt: at('07:30'), endedAt: at('07:45'), outcome: 'failed', cause: 'DeploymentFailed: TargetFailed' }),
    // named production, but a staging environment: not counted as production
    record('named', { environment: 'production', environmentKind: 'staging', requestedAt: at('08:00'), startedAt: at('08:10'), verifiedAt: at('08:30'), endedAt: at('08:30'), outcome: 'succeeded' }),
  ];

  it('deployment frequency counts prod-eu and prod-us of kind production, and not an environment merely named production', () =>
    expect(day({}, estate)('deployment-frequency')).toMatchObject({ value: 2, deployments: ['eu', 'us'] }));

  it('change failure rate and time to restore are limited to the kind: us-failed → us (135 min)', () => {
    expect(day({}, estate)('change-failure-rate')).toMatchObject({ value: 1 / 3, deployments: ['us-failed'], outOf: ['eu', 'us', 'us-failed'] });
    expect(day({}, estate)('time-to-restore')).toMatchObject({ value: 135 * 60_000, deployments: ['us-failed'] });
  });

  it('lead time runs from the commit where the request gave one (us: 4 h), from the request otherwise (eu: 1 h), and says which', () => {
    expect(day({}, estate)('lead-time-p90')).toMatchObject({
      value: 4 * 3_600_000,
      denominator: 2,
      breakdown: { 'from-commit': { value: 4 * 3_600_000, deployments: ['us'] }, 'from-request': { value: 3_600_000, deployments: ['eu'] } },
      definitionVersion: 2,
    });
  });

  it('another kind is asked for by name: staging', () => {
    const kpi = day({ environmentKind: 'staging' }, estate);
    expect(kpi('deployment-frequency')).toMatchObject({ value: 1, deployments: ['named'] });
    expect(kpi('lead-time-p50')).toMatchObject({ value: 30 * 60_000, deployments: ['named'] });
  });
});

describe('periods', () => {
  it('days, ISO weeks from Monday, and months, in UTC', () => {
    expect(periodStart('week', '2026-12-03T10:00:00.000Z')).toBe('2026-11-30T00:00:00.000Z');
    expect(periodStart('month', '2026-12-03T10:00:00.000Z')).toBe('2026-12-01T00:00:00.000Z');
    expect(periodsBetween('month', '2026-11-15T00:00:00.000Z', '2027-01-02T00:00:00.000Z').map((p) => p.start)).toEqual([
      '2026-11-01T00:00:00.000Z',
      '2026-12-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ]);
    expect(periodsBetween('day', at('00:00'), '2026-12-03T00:00:00.000Z')).toHaveLength(2);
  });

  it('nearest-rank percentiles', () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 90)).toBe(4);
    expect(percentile([], 50)).toBeNull();
  });
});

describe('what the monitoring period (early life support) makes measurable', () => {
  const regression = (signal: string, look: number) => ({ signal, look, reason: `${signal} worse than its baseline`, at: at('15:00') });
  const monitored = [
    // regressed twice, ended that day
    record('m1', { outcome: 'succeeded', endedAt: at('10:00'), monitoring: { since: at('10:05'), until: at('18:00'), status: 'regressed', regressions: [regression('error-rate', 3), regression('p95-latency', 4)] } }),
    record('m2', { outcome: 'succeeded', endedAt: at('11:00'), monitoring: { since: at('11:05'), until: at('19:00'), status: 'clean', regressions: [] } }),
    record('m3', { outcome: 'succeeded', endedAt: at('12:00'), monitoring: { since: at('12:05'), until: at('20:00'), status: 'inconclusive', regressions: [] } }),
    // rolled back on a regression in its period, which ended then
    record('m4', { outcome: 'rolled-back', endedAt: at('13:00'), monitoring: { since: at('13:05'), until: at('16:00'), status: 'regressed', regressions: [regression('error-rate', 1)] } }),
    // still in monitoring at the end of the day (its planned end is the next day): not counted yet
    record('m5', { outcome: 'succeeded', endedAt: at('14:00'), monitoring: { since: at('14:05'), until: '2026-12-02T14:05:00.000Z', status: 'in-monitoring', regressions: [regression('error-rate', 2)] } }),
    // ended the next day
    record('m6', { outcome: 'succeeded', endedAt: at('15:00'), monitoring: { since: at('15:05'), until: '2026-12-02T15:05:00.000Z', status: 'clean', regressions: [] } }),
  ];
  const kpi = day({}, [...records, ...monitored]);

  it('regressions found in the monitoring periods that ended in the period, with the periods as denominator and by signal', () =>
    expect(kpi('monitoring-regressions')).toMatchObject({
      value: 3,
      numerator: 3,
      denominator: 4,
      deployments: ['m1', 'm4'],
      outOf: ['m1', 'm2', 'm3', 'm4'],
      breakdown: { 'error-rate': { value: 2, deployments: ['m1', 'm4'] }, 'p95-latency': { value: 1, deployments: ['m1'] } },
    }));

  it('the share of monitoring periods ended in the period that closed clean, by verdict', () =>
    expect(kpi('closed-clean-after-monitoring')).toMatchObject({
      value: 1 / 4,
      numerator: 1,
      denominator: 4,
      deployments: ['m2'],
      outOf: ['m1', 'm2', 'm3', 'm4'],
      breakdown: { clean: { numerator: 1 }, regressed: { numerator: 2, deployments: ['m1', 'm4'] }, inconclusive: { numerator: 1 } },
    }));

  it('without monitoring periods there is nothing to measure', () => {
    expect(day()('monitoring-regressions')).toMatchObject({ value: 0, denominator: 0 });
    expect(day()('closed-clean-after-monitoring')).toMatchObject({ value: null, denominator: 0 });
  });
});
