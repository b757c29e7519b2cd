import type { Decider } from '@gantry/decider';
import type { CanaryAnalysisRequested, CanaryVerdict, EventPayloads } from '@gantry/contracts';
import type { Observation } from '../acceptance';

/** CanaryAnalysis: the verdict on one canary step of a deployment, from the observations of its targets. */
export type CanaryEvent =
  | { type: 'CanaryAnalysisOpened'; data: EventPayloads['CanaryAnalysisOpened'] }
  | { type: 'CanaryAnalysisCompleted'; data: EventPayloads['CanaryAnalysisCompleted'] };

export type CanaryAnalysis =
  | { status: 'none' }
  | { status: 'open'; request: EventPayloads['CanaryAnalysisOpened'] }
  | { status: 'completed'; request: EventPayloads['CanaryAnalysisOpened']; verdict: CanaryVerdict };

export const initialState: CanaryAnalysis = { status: 'none' };

export type CanaryCommand =
  | { type: 'OpenCanaryAnalysis'; request: CanaryAnalysisRequested; observations: readonly Observation[]; now: string }
  | { type: 'AssessCanary'; observations: readonly Observation[]; now: string };

export function evolve(state: CanaryAnalysis, event: CanaryEvent): CanaryAnalysis {
  switch (event.type) {
    case 'CanaryAnalysisOpened':
      return { status: 'open', request: event.data };
    case 'CanaryAnalysisCompleted':
      return state.status === 'none' ? state : { status: 'completed', request: state.request, verdict: event.data.verdict };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length;

/**
 * The canary targets' observations against the thresholds: the mean error rate and the highest p95 latency reported.
 * With at least `minimumObservations` a verdict is given at once (pass, or fail when a threshold is exceeded); with
 * fewer, nothing is decided until the deadline, which makes it inconclusive (a person decides then).
 */
export function assessCanary(request: EventPayloads['CanaryAnalysisOpened'], observations: readonly Observation[], now: string): CanaryEvent[] {
  const mine = observations.filter((o) => o.target !== undefined && request.targets.includes(o.target));
  const errorRates = mine.map((o) => o.values.errorRate).filter((v): v is number => typeof v === 'number');
  const latencies = mine.map((o) => o.values.p95LatencyMs).filter((v): v is number => typeof v === 'number');
  const measured = { ...(errorRates.length ? { errorRate: mean(errorRates) } : {}), ...(latencies.length ? { p95LatencyMs: Math.max(...latencies) } : {}) };
  const enough = mine.length >= request.minimumObservations;
  if (!enough && Date.parse(now) < Date.parse(request.deadline)) return [];
  const exceeded = (measured.errorRate ?? 0) > request.thresholds.maxErrorRate || (measured.p95LatencyMs ?? 0) > request.thresholds.maxP95LatencyMs;
  const verdict: CanaryVerdict = !enough ? 'inconclusive' : exceeded ? 'fail' : 'pass';
  return [
    {
      type: 'CanaryAnalysisCompleted',
      data: { deploymentId: request.deploymentId, wave: request.wave, verdict, observations: mine.length, measured, thresholds: request.thresholds, completedAt: now },
    },
  ];
}

export function decide(command: CanaryCommand, state: CanaryAnalysis): readonly CanaryEvent[] {
  switch (command.type) {
    case 'OpenCanaryAnalysis': {
      if (state.status !== 'none') return [];
      const { requestedAt: _at, ...request } = command.request;
      const opened: CanaryEvent = { type: 'CanaryAnalysisOpened', data: { ...request, openedAt: command.now } };
      return [opened, ...assessCanary(opened.data, command.observations, command.now)];
    }
    case 'AssessCanary':
      return state.status === 'open' ? assessCanary(state.request, command.observations, command.now) : [];
  }
}

export const canaryAnalysisDecider: Decider<CanaryCommand, CanaryEvent, CanaryAnalysis> = { decide, evolve, initialState };

export const canaryStream = (deploymentId: string, wave: number) => ({ streamId: `CanaryAnalysis-${deploymentId}-${wave}`, streamType: 'CanaryAnalysis' });
