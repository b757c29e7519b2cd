import type { Decider } from '@gantry/decider';
import type { EventPayloads, MonitoringPeriod, MonitoringSignal } from '@gantry/contracts';
import { judge, JUDGE_VERSION, ruleDigest as digestOf, samplesDigest, type Judgement, type JudgeConfig, type Verdict } from '@gantry/judge';

/**
 * MonitoringPeriod: early life support after a deployment was verified (issue 17). Each look judges every signal on
 * everything seen so far: a metric against its baseline (the statistical judge of `@gantry/judge`, valid under
 * repeated looks), a health probe by failed looks in a row, incidents by their count. The samples each look added are
 * in its events, so the ledger alone lets an auditor re-run every judgement.
 */
export type MonitoringEvent =
  | { type: 'MonitoringPeriodStarted'; data: EventPayloads['MonitoringPeriodStarted'] }
  | { type: 'MonitoringSignalJudged'; data: EventPayloads['MonitoringSignalJudged'] }
  | { type: 'RegressionDetected'; data: EventPayloads['RegressionDetected'] }
  | { type: 'MonitoringPeriodEnded'; data: EventPayloads['MonitoringPeriodEnded'] };

/** What each signal has shown so far: its samples (a metric's, or the baseline group's beside them) and its verdicts. */
interface SignalSoFar {
  samples: number[];
  baselineGroup: number[];
  verdicts: Verdict[];
}

export type MonitoringState =
  | { status: 'none' }
  | {
      status: 'monitoring' | 'ended';
      period: EventPayloads['MonitoringPeriodStarted'];
      /** the last look judged (0: none yet) */
      look: number;
      signals: Record<string, SignalSoFar>;
      regressed: boolean;
    };

/** What one look saw of one signal: the samples its window added, or why there are none (the system did not answer). */
export interface Observation {
  signal: string;
  samples: number[];
  /** a metric compared with a baseline group: that group's samples over the same window */
  baselineSamples?: number[];
  problem?: string;
}

export type MonitoringCommand =
  | {
      type: 'StartMonitoring';
      deploymentId: string;
      environment: string;
      monitoring: MonitoringPeriod;
      baselineFrom: string;
      baselineTo: string;
      /** each metric's baseline before the deployment (none for one compared with a baseline group), or why there is none */
      baselines: { signal: string; samples: number[]; problem?: string }[];
      now: string;
    }
  | { type: 'JudgeLook'; deploymentId: string; look: number; from: string; to: string; observations: Observation[]; now: string };

export const initialState: MonitoringState = { status: 'none' };

/** Looks in a period: one every `lookEverySeconds`, the last at its end. */
export const looksIn = (monitoring: MonitoringPeriod) => Math.max(1, Math.ceil(monitoring.durationSeconds / monitoring.lookEverySeconds));

/** Fewer samples than this in the baseline or since the deployment: inconclusive (Argo Rollouts' minimum, Kayenta's too little data). */
export const DEFAULT_MINIMUM_SAMPLES = 10;
/** Failed health-probe looks in a row that make a regression, unless the signal says. */
export const DEFAULT_PROBE_FAILURES = 3;
export const PROBE_JUDGE_VERSION = 'gantry-probe-judge/1';
export const INCIDENTS_JUDGE_VERSION = 'gantry-incidents-judge/1';

export function evolve(state: MonitoringState, event: MonitoringEvent): MonitoringState {
  switch (event.type) {
    case 'MonitoringPeriodStarted': {
      const signals = Object.fromEntries(event.data.monitoring.signals.map((s) => [s.name, { samples: [], baselineGroup: [], verdicts: [] } satisfies SignalSoFar]));
      return { status: 'monitoring', period: event.data, look: 0, signals, regressed: false };
    }
    case 'MonitoringSignalJudged': {
      if (state.status === 'none') return state;
      const { signal, look, samples, baselineSamples, verdict } = event.data;
      const before = state.signals[signal] ?? { samples: [], baselineGroup: [], verdicts: [] };
      const after: SignalSoFar = { samples: [...before.samples, ...samples], baselineGroup: [...before.baselineGroup, ...(baselineSamples ?? [])], verdicts: [...before.verdicts, verdict] };
      return { ...state, look: Math.max(state.look, look), signals: { ...state.signals, [signal]: after } };
    }
    case 'RegressionDetected':
      return state.status === 'none' ? state : { ...state, regressed: true };
    case 'MonitoringPeriodEnded':
      return state.status === 'none' ? state : { ...state, status: 'ended' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

type Judged = EventPayloads['MonitoringSignalJudged'];

/** The judge's configuration for a metric: as the plan says, over the period's planned looks. */
export const metricJudgeConfig = (signal: Extract<MonitoringSignal, { type: 'metric' }>, monitoring: MonitoringPeriod): JudgeConfig => ({
  harm: signal.harm,
  tolerance: signal.tolerance,
  alpha: monitoring.alpha,
  minimumSamples: signal.minimumSamples ?? DEFAULT_MINIMUM_SAMPLES,
  looks: looksIn(monitoring),
});

/** A judgement of a signal at a look: the verdict, its reason, the judge that gave it and the digest of what it judged. */
type Judging = Pick<Judged, 'judge' | 'samplesDigest' | 'verdict' | 'reason'> & { details?: Record<string, unknown> };

const judgeMetric = (signal: Extract<MonitoringSignal, { type: 'metric' }>, period: EventPayloads['MonitoringPeriodStarted'], soFar: SignalSoFar, look: number): Judging => {
  const config = metricJudgeConfig(signal, period.monitoring);
  const baseline = signal.baselineQuery ? soFar.baselineGroup : (period.baselines.find((b) => b.signal === signal.name)?.samples ?? []);
  const judgement: Judgement = judge(baseline, soFar.samples, look, config);
  return {
    judge: { version: JUDGE_VERSION, config: { ...config } },
    samplesDigest: samplesDigest({ baseline, current: soFar.samples, look, config }),
    verdict: judgement.verdict,
    reason: `${signal.name}: ${judgement.reason}`,
    details: { ...judgement.details },
  };
};


const judgeProbe = (signal: Extract<MonitoringSignal, { type: 'http-health' }>, soFar: SignalSoFar, look: number): Judging => {
  const failures = signal.failures ?? DEFAULT_PROBE_FAILURES;
  let inARow = 0;
  for (const sample of soFar.samples) inARow = sample === 1 ? 0 : inARow + 1;
  const config = { failures, expectedStatus: signal.expectedStatus ?? 200 };
  const verdict: Verdict = inARow >= failures ? 'fail' : soFar.samples.length === 0 ? 'inconclusive' : 'pass';
  return {
    judge: { version: PROBE_JUDGE_VERSION, config },
    samplesDigest: digestOf({ samples: soFar.samples, look, config, version: PROBE_JUDGE_VERSION }),
    verdict,
    reason: `${signal.name}: ${inARow} failed probe${inARow === 1 ? '' : 's'} in a row, ${failures} make a regression (look ${look})`,
  };
};

const judgeIncidents = (signal: Extract<MonitoringSignal, { type: 'incidents' }>, soFar: SignalSoFar, look: number): Judging => {
  const linked = soFar.samples.at(-1) ?? 0;
  const config = { maximum: signal.maximum };
  return {
    judge: { version: INCIDENTS_JUDGE_VERSION, config },
    samplesDigest: digestOf({ samples: soFar.samples, look, config, version: INCIDENTS_JUDGE_VERSION }),
    verdict: linked > signal.maximum ? 'fail' : 'pass',
    reason: `${signal.name}: ${linked} incident${linked === 1 ? '' : 's'} linked to the deployment, at most ${signal.maximum} allowed (look ${look})`,
  };
};

const judgeSignal = (signal: MonitoringSignal, period: EventPayloads['MonitoringPeriodStarted'], soFar: SignalSoFar, look: number): Judging => {
  switch (signal.type) {
    case 'metric':
      return judgeMetric(signal, period, soFar, look);
    case 'http-health':
      return judgeProbe(signal, soFar, look);
    case 'incidents':
      return judgeIncidents(signal, soFar, look);
  }
};

function judgeLook(command: Extract<MonitoringCommand, { type: 'JudgeLook' }>, state: Exclude<MonitoringState, { status: 'none' }>): MonitoringEvent[] {
  const { deploymentId, look, from, to, now } = command;
  const { period } = state;
  const events: MonitoringEvent[] = [];
  const regressions: { signal: string; reason: string }[] = [];
  for (const signal of period.monitoring.signals) {
    const observed: Observation = command.observations.find((o) => o.signal === signal.name) ?? { signal: signal.name, samples: [], problem: 'not observed at this look' };
    // a baseline the monitoring system did not give leaves nothing to judge against: every look says why
    const baselineProblem = signal.type === 'metric' && !signal.baselineQuery ? period.baselines.find((b) => b.signal === signal.name)?.problem : undefined;
    const seen: Observation = baselineProblem && !observed.problem ? { ...observed, problem: `no baseline: ${baselineProblem}` } : observed;
    const before = state.signals[signal.name]!;
    const soFar: SignalSoFar = { ...before, samples: [...before.samples, ...seen.samples], baselineGroup: [...before.baselineGroup, ...(seen.baselineSamples ?? [])] };
    const judged = judgeSignal(signal, period, soFar, look);
    // a look whose samples the monitoring system did not give judges nothing new: inconclusive, with the reason
    const verdict = seen.problem && judged.verdict !== 'fail' ? 'inconclusive' : judged.verdict;
    const reason = seen.problem && judged.verdict !== 'fail' ? `${signal.name}: ${seen.problem}` : judged.reason;
    events.push({
      type: 'MonitoringSignalJudged',
      data: {
        deploymentId,
        signal: signal.name,
        look,
        samples: seen.samples,
        ...(seen.baselineSamples ? { baselineSamples: seen.baselineSamples } : {}),
        from,
        to,
        judge: judged.judge,
        samplesDigest: judged.samplesDigest,
        verdict,
        reason: reason.slice(0, 2000),
        ...(judged.details ? { details: judged.details } : {}),
        judgedAt: now,
      },
    });
    if (verdict === 'fail') regressions.push({ signal: signal.name, reason: reason.slice(0, 2000) });
  }
  for (const regression of regressions) {
    events.push({ type: 'RegressionDetected', data: { deploymentId, ...regression, look, onRegression: period.monitoring.onRegression, detectedAt: now } });
  }
  if (regressions.length > 0) return [...events, { type: 'MonitoringPeriodEnded', data: { deploymentId, verdict: 'regressed', looks: look, endedAt: now } }];
  if (look < period.looks) return events;
  // the last look: clean only when every signal passed it (none failed, or the period would have ended regressed)
  const verdict = events.every((e) => e.type !== 'MonitoringSignalJudged' || e.data.verdict === 'pass') ? 'clean' : 'inconclusive';
  return [...events, { type: 'MonitoringPeriodEnded', data: { deploymentId, verdict, looks: look, endedAt: now } }];
}

export function decide(command: MonitoringCommand, state: MonitoringState): readonly MonitoringEvent[] {
  switch (command.type) {
    case 'StartMonitoring': {
      if (state.status !== 'none') return [];
      const { deploymentId, environment, monitoring, baselineFrom, baselineTo, baselines, now } = command;
      const endsAt = new Date(Date.parse(now) + monitoring.durationSeconds * 1000).toISOString();
      return [{ type: 'MonitoringPeriodStarted', data: { deploymentId, environment, monitoring, baselineFrom, baselineTo, baselines, looks: looksIn(monitoring), startedAt: now, endsAt } }];
    }
    case 'JudgeLook':
      // each look once, in order; nothing after the period ended
      if (state.status !== 'monitoring' || command.look !== state.look + 1) return [];
      return judgeLook(command, state);
  }
}

export const monitoringDecider: Decider<MonitoringCommand, MonitoringEvent, MonitoringState, never> = { decide, evolve, initialState };

export const monitoringStream = (deploymentId: string) => ({ streamId: `MonitoringPeriod-${deploymentId}`, streamType: 'MonitoringPeriod' });
