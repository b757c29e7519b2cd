import { specification } from '@gantry/decider';
import type { MonitoringPeriod } from '@gantry/contracts';
import { canonicalJson, sha256Hex } from '@gantry/event-store';
import { judge, samplesDigest } from '@gantry/judge';
import { evolve, initialState, looksIn, metricJudgeConfig, monitoringDecider, type MonitoringCommand, type MonitoringEvent } from './monitoring-period.decider';

const spec = specification(monitoringDecider);
const deploymentId = '5b0c2f4e-8a4a-4d3e-9a51-0d7a3f1f2b11';
const now = '2026-12-01T23:00:00.000Z';

const errorRate = { type: 'metric' as const, name: 'error-rate', query: 'sum(rate(errors[1m])) / sum(rate(requests[1m]))', harm: 'increase' as const, tolerance: 0.1 };
const monitoring: MonitoringPeriod = { durationSeconds: 4 * 3600, lookEverySeconds: 3600, baselineSeconds: 86_400, stepSeconds: 60, alpha: 0.05, signals: [errorRate], onRegression: 'decide' };

/** A recorded series: an error ratio around `level`, the same small wobble every time (a deterministic test). */
const series = (level: number, n = 30) => Array.from({ length: n }, (_, i) => level * (1 + 0.1 * Math.sin(i * 1.7)));
const baseline = series(0.01);

const start = (m: MonitoringPeriod = monitoring, baselines: { signal: string; samples: number[]; problem?: string }[] = [{ signal: 'error-rate', samples: baseline }]): MonitoringCommand => ({
  type: 'StartMonitoring',
  deploymentId,
  environment: 'production',
  monitoring: m,
  baselineFrom: '2026-11-30T22:00:00.000Z',
  baselineTo: '2026-12-01T22:00:00.000Z',
  baselines,
  now,
});
const started = (m: MonitoringPeriod = monitoring, baselines: { signal: string; samples: number[]; problem?: string }[] = [{ signal: 'error-rate', samples: baseline }]) => monitoringDecider.decide(start(m, baselines), initialState) as MonitoringEvent[];
const look = (n: number, observations: { signal: string; samples: number[]; baselineSamples?: number[]; problem?: string }[]): MonitoringCommand => ({
  type: 'JudgeLook',
  deploymentId,
  look: n,
  from: new Date(Date.parse(now) + (n - 1) * 3_600_000).toISOString(),
  to: new Date(Date.parse(now) + n * 3_600_000).toISOString(),
  observations,
  now: new Date(Date.parse(now) + n * 3_600_000).toISOString(),
});
const typesAndVerdicts = (events: readonly MonitoringEvent[]) =>
  events.map((e) => (e.type === 'MonitoringSignalJudged' ? `${e.type}:${e.data.verdict}` : e.type === 'MonitoringPeriodEnded' ? `${e.type}:${e.data.verdict}` : e.type));

describe('StartMonitoring', () => {
  it('the period begins with its baseline, its looks (one an hour over four hours) and its end', () =>
    spec.given([]).when(start()).then([
      {
        type: 'MonitoringPeriodStarted',
        data: {
          deploymentId,
          environment: 'production',
          monitoring,
          baselineFrom: '2026-11-30T22:00:00.000Z',
          baselineTo: '2026-12-01T22:00:00.000Z',
          baselines: [{ signal: 'error-rate', samples: baseline }],
          looks: 4,
          startedAt: now,
          endsAt: '2026-12-02T03:00:00.000Z',
        },
      },
    ]));

  it('begun once', () => spec.given(started()).when(start()).thenNothing());

  it('a period that is not a whole number of looks ends with a shorter last one', () => expect(looksIn({ ...monitoring, durationSeconds: 3 * 3600 + 60 })).toBe(4));
});

describe('JudgeLook: a metric against its baseline', () => {
  it('an error rate five times the baseline is a regression at the first look: judged, detected, and the period ends regressed', () => {
    const events = monitoringDecider.decide(look(1, [{ signal: 'error-rate', samples: series(0.05) }]), started().reduce(evolve, initialState)) as MonitoringEvent[];
    expect(typesAndVerdicts(events)).toEqual(['MonitoringSignalJudged:fail', 'RegressionDetected', 'MonitoringPeriodEnded:regressed']);
    expect(events[1]).toEqual({
      type: 'RegressionDetected',
      data: { deploymentId, signal: 'error-rate', look: 1, reason: (events[0]!.data as { reason: string }).reason, onRegression: 'decide', detectedAt: '2026-12-02T00:00:00.000Z' },
    });
    expect((events[0]!.data as { reason: string }).reason).toMatch(/^error-rate: /);
  });

  it('the same error rate as the baseline passes each look, and the period ends clean after the last', () => {
    let history = started();
    for (let n = 1; n <= 4; n++) {
      const events = monitoringDecider.decide(look(n, [{ signal: 'error-rate', samples: series(0.01) }]), history.reduce(evolve, initialState)) as MonitoringEvent[];
      expect(typesAndVerdicts(events)).toEqual(n < 4 ? ['MonitoringSignalJudged:pass'] : ['MonitoringSignalJudged:pass', 'MonitoringPeriodEnded:clean']);
      history = [...history, ...events];
    }
  });

  it('a small rise inside the tolerance is no regression', () => {
    const events = monitoringDecider.decide(look(1, [{ signal: 'error-rate', samples: series(0.0105) }]), started().reduce(evolve, initialState)) as MonitoringEvent[];
    expect(typesAndVerdicts(events)).toEqual(['MonitoringSignalJudged:pass']);
  });

  it('too little data is inconclusive, and a period that ends so is inconclusive', () => {
    const short = { ...monitoring, durationSeconds: 3600 };
    const events = monitoringDecider.decide(look(1, [{ signal: 'error-rate', samples: [0.01, 0.011] }]), started(short).reduce(evolve, initialState)) as MonitoringEvent[];
    expect(typesAndVerdicts(events)).toEqual(['MonitoringSignalJudged:inconclusive', 'MonitoringPeriodEnded:inconclusive']);
  });

  it('a look the monitoring system did not answer is inconclusive, with the reason', () => {
    const events = monitoringDecider.decide(look(1, [{ signal: 'error-rate', samples: [], problem: 'the monitoring system did not answer (timeout)' }]), started().reduce(evolve, initialState)) as MonitoringEvent[];
    expect(events).toEqual([expect.objectContaining({ type: 'MonitoringSignalJudged', data: expect.objectContaining({ verdict: 'inconclusive', reason: 'error-rate: the monitoring system did not answer (timeout)' }) })]);
  });

  it('without a baseline (the monitoring system did not give one) each look is inconclusive and says why', () => {
    const noBaseline = started(monitoring, [{ signal: 'error-rate', samples: [], problem: 'the monitoring system did not answer (unreachable)' }]);
    const events = monitoringDecider.decide(look(1, [{ signal: 'error-rate', samples: series(0.05) }]), noBaseline.reduce(evolve, initialState)) as MonitoringEvent[];
    expect(events).toEqual([
      expect.objectContaining({ type: 'MonitoringSignalJudged', data: expect.objectContaining({ verdict: 'inconclusive', reason: 'error-rate: no baseline: the monitoring system did not answer (unreachable)' }) }),
    ]);
  });

  it('compared with a baseline group over the same time (a canary), not the time before', () => {
    const canary = { ...monitoring, signals: [{ ...errorRate, baselineQuery: 'sum(rate(errors{group="baseline"}[1m]))' }] };
    const events = monitoringDecider.decide(look(1, [{ signal: 'error-rate', samples: series(0.05), baselineSamples: series(0.05) }]), started(canary, []).reduce(evolve, initialState)) as MonitoringEvent[];
    expect(typesAndVerdicts(events)).toEqual(['MonitoringSignalJudged:pass']);
  });

  it('an auditor re-runs a judgement from the ledger alone: the baseline and every look\'s samples give the same digest and verdict', () => {
    const first = monitoringDecider.decide(look(1, [{ signal: 'error-rate', samples: series(0.01) }]), started().reduce(evolve, initialState)) as MonitoringEvent[];
    const history = [...started(), ...first];
    const second = monitoringDecider.decide(look(2, [{ signal: 'error-rate', samples: series(0.012, 20) }]), history.reduce(evolve, initialState)) as MonitoringEvent[];
    const judged = second[0]!.data as { samplesDigest: string; verdict: string; judge: { config: Record<string, unknown> } };
    // what the auditor folds: the baseline from the start, the samples of looks 1 and 2
    const current = [...series(0.01), ...series(0.012, 20)];
    const config = metricJudgeConfig(errorRate, monitoring);
    expect(judged.judge.config).toEqual({ ...config });
    expect(judged.samplesDigest).toBe(samplesDigest({ baseline, current, look: 2, config }));
    expect(judged.verdict).toBe(judge(baseline, current, 2, config).verdict);
  });

  it('each look once, in order; nothing after the period ended', () => {
    const state = started().reduce(evolve, initialState);
    spec.given(started()).when(look(2, [{ signal: 'error-rate', samples: series(0.01) }])).thenNothing();
    const regressed = [...started(), ...(monitoringDecider.decide(look(1, [{ signal: 'error-rate', samples: series(0.05) }]), state) as MonitoringEvent[])];
    spec.given(regressed).when(look(2, [{ signal: 'error-rate', samples: series(0.01) }])).thenNothing();
    spec.given([]).when(look(1, [])).thenNothing();
  });
});

describe('JudgeLook: health probes and incidents', () => {
  const watched: MonitoringPeriod = {
    ...monitoring,
    durationSeconds: 10 * 3600,
    signals: [
      { type: 'http-health', name: 'checkout', url: 'http://checkout.internal/health', failures: 2 },
      { type: 'incidents', name: 'incidents', maximum: 0 },
    ],
  };

  it('a probe failing as many looks in a row as the signal says is a regression', () => {
    let history = started(watched, []);
    const seen = (probe: number, incidents = 0) => monitoringDecider.decide(look(history.filter((e) => e.type === 'MonitoringSignalJudged').length / 2 + 1, [{ signal: 'checkout', samples: [probe] }, { signal: 'incidents', samples: [incidents] }]), history.reduce(evolve, initialState)) as MonitoringEvent[];
    for (const probe of [1, 0, 1]) {
      const events = seen(probe);
      expect(typesAndVerdicts(events)).toEqual(['MonitoringSignalJudged:pass', 'MonitoringSignalJudged:pass']);
      history = [...history, ...events];
    }
    history = [...history, ...seen(0)];
    expect(typesAndVerdicts(seen(0))).toEqual(['MonitoringSignalJudged:fail', 'MonitoringSignalJudged:pass', 'RegressionDetected', 'MonitoringPeriodEnded:regressed']);
  });

  it('an incident linked during the period, where none is allowed, is a regression', () => {
    const events = monitoringDecider.decide(look(1, [{ signal: 'checkout', samples: [1] }, { signal: 'incidents', samples: [1] }]), started(watched, []).reduce(evolve, initialState)) as MonitoringEvent[];
    expect(typesAndVerdicts(events)).toEqual(['MonitoringSignalJudged:pass', 'MonitoringSignalJudged:fail', 'RegressionDetected', 'MonitoringPeriodEnded:regressed']);
    expect((events[2]!.data as { reason: string }).reason).toBe('incidents: 1 incident linked to the deployment, at most 0 allowed (look 1)');
    // a rule's judgement is re-run the same way: its digest is the canonical JSON's of what it judged
    const judged = events[1]!.data as { samplesDigest: string; judge: { version: string; config: Record<string, number> } };
    expect(judged.samplesDigest).toBe(sha256Hex(canonicalJson({ config: judged.judge.config, look: 1, samples: [1], version: judged.judge.version })));
  });
});
