import { specification } from '@gantry/decider';
import type { CanaryAnalysisRequested } from '@gantry/contracts';
import { canaryAnalysisDecider } from './canary-analysis.decider';

const deploymentId = '5b0c2f4e-8a4a-4d3e-9a51-0d7a3f1f2b11';
const request: CanaryAnalysisRequested = {
  deploymentId,
  wave: 1,
  targets: ['prod-eu-1'],
  thresholds: { maxErrorRate: 0.01, maxP95LatencyMs: 400 },
  minimumObservations: 2,
  deadline: '2026-12-01T22:15:00.000Z',
  requestedAt: '2026-12-01T22:05:00.000Z',
};
const now = '2026-12-01T22:06:00.000Z';
const { requestedAt: _r, ...kept } = request;
const opened = { type: 'CanaryAnalysisOpened' as const, data: { ...kept, openedAt: now } };
const at = (target: string, errorRate: number, p95LatencyMs: number) => ({ target, values: { errorRate, p95LatencyMs }, observedAt: now });
const completed = (verdict: 'pass' | 'fail' | 'inconclusive', observations: number, measured: object, completedAt = now) => ({
  type: 'CanaryAnalysisCompleted' as const,
  data: { deploymentId, wave: 1, verdict, observations, measured, thresholds: request.thresholds, completedAt },
});
const spec = specification(canaryAnalysisDecider);

describe('OpenCanaryAnalysis', () => {
  it('opened without enough observations, it waits', () => spec.given([]).when({ type: 'OpenCanaryAnalysis', request, observations: [], now }).then([opened]));
  it('observations already posted for the canary targets decide at once', () =>
    spec
      .given([])
      .when({ type: 'OpenCanaryAnalysis', request, observations: [at('prod-eu-1', 0.002, 200), at('prod-eu-1', 0.004, 300)], now })
      .then([opened, completed('pass', 2, { errorRate: 0.003, p95LatencyMs: 300 })]));
  it('the same request again changes nothing', () => spec.given([opened]).when({ type: 'OpenCanaryAnalysis', request, observations: [], now }).thenNothing());
});

describe('AssessCanary', () => {
  it('a threshold exceeded fails; observations of other targets do not count', () =>
    spec
      .given([opened])
      .when({ type: 'AssessCanary', observations: [at('prod-eu-2', 0.5, 5000), at('prod-eu-1', 0.002, 200), at('prod-eu-1', 0.002, 900)], now })
      .then([completed('fail', 2, { errorRate: 0.002, p95LatencyMs: 900 })]));
  it('fewer observations than the minimum at the deadline: inconclusive', () =>
    spec.given([opened]).when({ type: 'AssessCanary', observations: [at('prod-eu-1', 0.001, 100)], now: request.deadline }).then([completed('inconclusive', 1, { errorRate: 0.001, p95LatencyMs: 100 }, request.deadline)]));
  it('before the deadline, too few observations decide nothing; a completed analysis is not assessed again', () => {
    spec.given([opened]).when({ type: 'AssessCanary', observations: [at('prod-eu-1', 0.001, 100)], now }).thenNothing();
    spec.given([opened, completed('pass', 2, {})]).when({ type: 'AssessCanary', observations: [], now: request.deadline }).thenNothing();
  });
});
