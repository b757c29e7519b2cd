import type { AuditFindingRecorded, EnvironmentKind, SatisfactionResponseRecorded } from '@gantry/contracts';
import type { DeploymentRecord } from '../deployment-records';
import type { Incident } from '../incidents';

/**
 * The KPIs of domain.md, folded from records' projections by pure functions. Every figure carries its numerator,
 * denominator and the deployments behind them; every KPI its definition and the definition's version (a change of
 * definition bumps the version, so figures of different versions are never compared unknowingly).
 */
export const KPI_DEFINITIONS = {
  'successful-deployments': { version: 1, unit: 'ratio', definition: 'deployments whose outcome became known in the period: succeeded ÷ all but cancelled' },
  'deployment-failures': { version: 1, unit: 'count', definition: 'deployments ended failed or rolled-back in the period (÷ all but cancelled), by cause' },
  'incidents-related': { version: 2, unit: 'count', definition: 'distinct incidents linked to a deployment that ran (execution started it) and ended in the period, directly or through its change (÷ deployments that ran)' },
  'change-failure-rate': {
    version: 3,
    unit: 'ratio',
    definition:
      'deployments to environments of the asked kind (production by default) that ran (execution started them; ended succeeded, failed or rolled-back) and ended in the period with ≥1 linked incident or failed/rolled-back ÷ those that ran; each deployment counts once',
  },
  'lead-time-p50': { version: 2, unit: 'ms', definition: 'DORA lead time for changes: commit (the request’s commitTime; the request time where it gave none) → verified, of the deployments to environments of the asked kind (production by default) succeeded in the period, 50th percentile (nearest rank); numerator: the percentile, denominator: the sample size; breakdown: from-commit and from-request apart' },
  'lead-time-p90': { version: 2, unit: 'ms', definition: 'DORA lead time for changes: commit (the request’s commitTime; the request time where it gave none) → verified, of the deployments to environments of the asked kind (production by default) succeeded in the period, 90th percentile (nearest rank); numerator: the percentile, denominator: the sample size; breakdown: from-commit and from-request apart' },
  'deployment-frequency': { version: 2, unit: 'count per period', definition: 'deployments to environments of the asked kind (production by default, whatever their names) succeeded in the period' },
  'time-to-restore': { version: 2, unit: 'ms', definition: 'mean of: failed/rolled-back deployment to an environment of the asked kind (production by default) ended in the period → next success of the same service and environment; and opened → resolved of incidents linked to such deployments that ran and ended in the period' },
  'schedule-adherence': { version: 1, unit: 'ratio', definition: 'deployments executed in the period that started inside their planned window and finished before its end ÷ executed' },
  backlog: { version: 1, unit: 'count', definition: 'deployments requested and without an outcome at the end of the period (or now, if earlier); oldestOpenAgeMs: the age of the oldest' },
  throughput: { version: 1, unit: 'count per period', definition: 'deployments whose outcome became known in the period, any outcome' },
  adoption: { version: 1, unit: 'ratio', definition: 'deployments requested in the period and planned with an agreed (active, not ad hoc) model ÷ those planned; rejected requests excluded' },
  satisfaction: { version: 1, unit: 'score 1–5', definition: 'mean score of the responses given in the period about rate of change, lead time and quality; by topic, partner alignment included' },
  'audit-findings': { version: 1, unit: 'count', definition: 'findings recorded against deployments in the period, by severity' },
  'monitoring-regressions': {
    version: 1,
    unit: 'count',
    definition: 'regressions verification detected in the monitoring periods (early life support) that ended in the period (÷ those periods), by signal',
  },
  'closed-clean-after-monitoring': { version: 1, unit: 'ratio', definition: 'monitoring periods ended in the period whose verdict was clean ÷ monitoring periods ended in the period; by verdict' },
} as const;
export type KpiName = keyof typeof KPI_DEFINITIONS;
export const KPI_NAMES = Object.keys(KPI_DEFINITIONS) as KpiName[];

export const PERIODS = ['day', 'week', 'month'] as const;
export type Period = (typeof PERIODS)[number];

export interface Figure {
  value: number | null;
  numerator: number;
  denominator: number;
  /** the deployments behind the numerator */
  deployments: string[];
  /** the deployments behind the denominator, when it counts deployments */
  outOf?: string[];
}

export interface Kpi extends Figure {
  name: KpiName;
  definitionVersion: number;
  unit: string;
  breakdown?: Record<string, Figure>;
  oldestOpenAgeMs?: number | null;
}

export interface KpiInput {
  /** deployment records (those outside the filters are used only to find a restoring success) */
  records: readonly DeploymentRecord[];
  incidents: readonly Incident[];
  satisfaction: readonly SatisfactionResponseRecorded[];
  findings: readonly AuditFindingRecorded[];
}

export interface KpiQuery {
  period: Period;
  /** the kind of environment DORA's figures (change failure rate, lead time, deployment frequency, time to restore) count */
  environmentKind: EnvironmentKind;
  from: string;
  to: string;
  environment?: string;
  service?: string;
  model?: string;
  /** the time of the query: the backlog of a period not over yet is measured now */
  now: string;
}

export interface PeriodKpis {
  start: string;
  end: string;
  kpis: Kpi[];
}

/** The UTC start of the period holding `at`: midnight, Monday midnight (ISO week), the 1st of the month. */
export const periodStart = (period: Period, at: string): string => {
  const d = new Date(at);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (period === 'day') return new Date(day).toISOString();
  if (period === 'week') return new Date(day - ((d.getUTCDay() + 6) % 7) * 86_400_000).toISOString();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).toISOString();
};

const nextPeriod = (period: Period, start: string): string => {
  const d = new Date(start);
  if (period === 'day') return new Date(d.getTime() + 86_400_000).toISOString();
  if (period === 'week') return new Date(d.getTime() + 7 * 86_400_000).toISOString();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString();
};

/** The periods covering [from, to). */
export const periodsBetween = (period: Period, from: string, to: string): { start: string; end: string }[] => {
  const periods: { start: string; end: string }[] = [];
  for (let start = periodStart(period, from); start < to; start = nextPeriod(period, start)) periods.push({ start, end: nextPeriod(period, start) });
  return periods;
};

/** Nearest-rank percentile of sorted values. */
export const percentile = (sorted: readonly number[], p: number): number | null =>
  sorted.length === 0 ? null : sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];

const ms = (from: string, to: string) => Date.parse(to) - Date.parse(from);
const within = (at: string | undefined, p: { start: string; end: string }) => at !== undefined && at >= p.start && at < p.end;
const ids = (records: readonly DeploymentRecord[]) => records.map((r) => r.deploymentId).sort();
const ratio = (numerator: number, denominator: number) => (denominator === 0 ? null : numerator / denominator);
const RAN = new Set(['succeeded', 'failed', 'rolled-back']);
/** A deployment ran when execution started it: one refused by verification before it started never reached the environment. */
const ran = (record: DeploymentRecord) => RAN.has(record.outcome!) && record.startedAt !== undefined;
const FAILED = new Set(['failed', 'rolled-back']);

const kpi = (name: KpiName, figure: Figure, extra: Partial<Kpi> = {}): Kpi => ({
  name,
  definitionVersion: KPI_DEFINITIONS[name].version,
  unit: KPI_DEFINITIONS[name].unit,
  ...figure,
  ...extra,
});

const count = (records: readonly DeploymentRecord[], outOf?: readonly DeploymentRecord[]): Figure => ({
  value: records.length,
  numerator: records.length,
  denominator: outOf ? outOf.length : 1,
  deployments: ids(records),
  ...(outOf ? { outOf: ids(outOf) } : {}),
});

const share = (part: readonly DeploymentRecord[], whole: readonly DeploymentRecord[]): Figure => ({
  value: ratio(part.length, whole.length),
  numerator: part.length,
  denominator: whole.length,
  deployments: ids(part),
  outOf: ids(whole),
});

const groupBy = <T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
};

const matches = (record: DeploymentRecord, query: KpiQuery) =>
  (query.environment === undefined || record.environment === query.environment) &&
  (query.service === undefined || record.service === query.service) &&
  (query.model === undefined || record.model?.name === query.model);

/** Every KPI for every period of the query. */
export function computeKpis(input: KpiInput, query: KpiQuery): PeriodKpis[] {
  const filtered = input.records.filter((r) => matches(r, query));
  const filtering = query.environment !== undefined || query.service !== undefined || query.model !== undefined;
  const inScope = new Set(filtered.map((r) => r.deploymentId));
  const incidentsOf = (record: DeploymentRecord) =>
    input.incidents.filter((i) => i.deploymentId === record.deploymentId || (i.changeId !== undefined && i.changeId === record.changeId));
  return periodsBetween(query.period, query.from, query.to).map((p) => {
    const ended = filtered.filter((r) => r.outcome && within(r.endedAt, p));
    const notCancelled = ended.filter((r) => r.outcome !== 'cancelled');
    const succeeded = ended.filter((r) => r.outcome === 'succeeded');
    const failed = ended.filter((r) => FAILED.has(r.outcome!));
    const thatRan = ended.filter(ran);
    const withIncidents = thatRan.filter((r) => incidentsOf(r).length > 0);
    const relatedIncidents = [...new Map(thatRan.flatMap(incidentsOf).map((i) => [i.incidentId, i])).values()];

    // DORA's four keys count the deployments to environments of the asked kind (production: live), whatever their names
    const ofKind = (rs: readonly DeploymentRecord[]) => rs.filter((r) => r.environmentKind === query.environmentKind);
    const ranOfKind = ofKind(thatRan);
    const leadTimes = ofKind(succeeded)
      .filter((r) => r.requestedAt && r.verifiedAt)
      .map((r) => ({ id: r.deploymentId, from: r.commitTime ? ('from-commit' as const) : ('from-request' as const), ms: ms(r.commitTime ?? r.requestedAt!, r.verifiedAt!) }));
    const leadTimeFigure = (of: typeof leadTimes, pct: number): Figure => {
      const value = percentile(of.map((l) => l.ms).sort((a, b) => a - b), pct);
      return { value, numerator: value ?? 0, denominator: of.length, deployments: of.map((l) => l.id).sort() };
    };
    // which start each figure measured from: the commit where the request gave its time, else the request
    const leadTime = (name: 'lead-time-p50' | 'lead-time-p90', pct: number) =>
      kpi(name, leadTimeFigure(leadTimes, pct), {
        breakdown: Object.fromEntries((['from-commit', 'from-request'] as const).map((from) => [from, leadTimeFigure(leadTimes.filter((l) => l.from === from), pct)])),
      });

    const restoringIncidents = [...new Map(ranOfKind.flatMap(incidentsOf).map((i) => [i.incidentId, i])).values()];
    const restores = [
      ...ofKind(failed).flatMap((r) => {
        const next = input.records
          .filter((s) => s.outcome === 'succeeded' && s.service === r.service && s.environment === r.environment && s.endedAt && s.endedAt > r.endedAt!)
          .sort((a, b) => a.endedAt!.localeCompare(b.endedAt!))[0];
        return next ? [{ id: r.deploymentId, ms: ms(r.endedAt!, next.endedAt!) }] : [];
      }),
      ...restoringIncidents.filter((i) => i.resolvedAt).map((i) => ({ id: ranOfKind.find((r) => incidentsOf(r).includes(i))!.deploymentId, ms: ms(i.openedAt, i.resolvedAt!) })),
    ];
    const restoreSum = restores.reduce((sum, r) => sum + r.ms, 0);

    const executed = filtered.filter((r) => r.startedAt && within(r.executedAt, p));
    const onSchedule = executed.filter((r) => r.window && r.startedAt! >= r.window.start && r.startedAt! <= r.window.end && r.executedAt! <= r.window.end);

    const backlogAt = p.end < query.now ? p.end : query.now;
    const open = filtered.filter((r) => r.requestedAt && r.requestedAt < backlogAt && !(r.outcome && r.endedAt && r.endedAt < backlogAt));
    const oldest = open.map((r) => r.requestedAt!).sort()[0];

    const planned = filtered.filter((r) => within(r.requestedAt, p) && r.model !== undefined && r.outcome !== 'rejected');
    const adopted = planned.filter((r) => r.model);

    const responses = input.satisfaction.filter((s) => within(s.respondedAt, p) && (!filtering || (s.deploymentId !== undefined && inScope.has(s.deploymentId))));
    const scores = (of: readonly SatisfactionResponseRecorded[]): Figure => {
      const sum = of.reduce((total, s) => total + s.score, 0);
      return { value: ratio(sum, of.length), numerator: sum, denominator: of.length, deployments: [...new Set(of.flatMap((s) => (s.deploymentId ? [s.deploymentId] : [])))].sort() };
    };
    // a monitoring period ends in the period when its verdict came then (`until` is its end once it ended)
    const monitored = filtered.filter((r) => r.monitoring && r.monitoring.status !== 'in-monitoring' && within(r.monitoring.until, p));
    const regressions = monitored.flatMap((r) => r.monitoring!.regressions.map((regression) => ({ deploymentId: r.deploymentId, signal: regression.signal })));
    const regressionCount = (of: typeof regressions): Figure => ({
      value: of.length,
      numerator: of.length,
      denominator: monitored.length,
      deployments: [...new Set(of.map((r) => r.deploymentId))].sort(),
      outOf: ids(monitored),
    });

    const findings = input.findings.filter((f) => within(f.recordedAt, p) && (!filtering || inScope.has(f.deploymentId)));
    const findingCount = (of: readonly AuditFindingRecorded[]): Figure => ({
      value: of.length,
      numerator: of.length,
      denominator: 1,
      deployments: [...new Set(of.map((f) => f.deploymentId))].sort(),
    });

    return {
      start: p.start,
      end: p.end,
      kpis: [
        kpi('successful-deployments', share(succeeded, notCancelled)),
        kpi('deployment-failures', count(failed, notCancelled), { breakdown: Object.fromEntries([...groupBy(failed, (r) => r.cause ?? r.outcome!)].map(([cause, rs]) => [cause, count(rs)])) }),
        kpi('incidents-related', {
          value: relatedIncidents.length,
          numerator: relatedIncidents.length,
          denominator: thatRan.length,
          deployments: ids(withIncidents),
          outOf: ids(thatRan),
        }),
        kpi('change-failure-rate', share(ranOfKind.filter((r) => FAILED.has(r.outcome!) || incidentsOf(r).length > 0), ranOfKind)),
        leadTime('lead-time-p50', 50),
        leadTime('lead-time-p90', 90),
        kpi('deployment-frequency', count(ofKind(succeeded))),
        kpi('time-to-restore', { value: ratio(restoreSum, restores.length), numerator: restoreSum, denominator: restores.length, deployments: [...new Set(restores.map((r) => r.id))].sort() }),
        kpi('schedule-adherence', share(onSchedule, executed)),
        kpi('backlog', count(open), { oldestOpenAgeMs: oldest ? ms(oldest, backlogAt) : null }),
        kpi('throughput', count(ended)),
        kpi('adoption', share(adopted, planned)),
        kpi('satisfaction', scores(responses.filter((s) => s.topic !== 'partner-alignment')), {
          breakdown: Object.fromEntries([...groupBy(responses, (s) => s.topic)].map(([topic, rs]) => [topic, scores(rs)])),
        }),
        kpi('audit-findings', findingCount(findings), { breakdown: Object.fromEntries([...groupBy(findings, (f) => f.severity)].map(([severity, fs]) => [severity, findingCount(fs)])) }),
        kpi('monitoring-regressions', regressionCount(regressions), { breakdown: Object.fromEntries([...groupBy(regressions, (r) => r.signal)].map(([signal, rs]) => [signal, regressionCount(rs)])) }),
        kpi('closed-clean-after-monitoring', share(monitored.filter((r) => r.monitoring!.status === 'clean'), monitored), {
          breakdown: Object.fromEntries([...groupBy(monitored, (r) => r.monitoring!.status)].map(([verdict, rs]) => [verdict, count(rs, monitored)])),
        }),
      ],
    };
  });
}
