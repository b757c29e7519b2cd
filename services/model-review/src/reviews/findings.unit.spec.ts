import { computeFindings, percentile, reviewCalledFor, type ClosedDeployment } from './findings';

const closed = (n: number, outcome: ClosedDeployment['outcome'], extra: Partial<ClosedDeployment> = {}): ClosedDeployment => ({
  deploymentId: `d-${n}`,
  service: n % 2 ? 'payments' : 'ledger',
  environment: 'staging',
  outcome,
  cause: outcome === 'succeeded' ? null : 'smoke tests failed',
  closedAt: `2026-12-${String(n).padStart(2, '0')}T10:00:00.000Z`,
  leadTimeMs: n * 60_000,
  ...extra,
});
const policy = { window: 10, share: 0.3 };

it('nearest-rank percentiles', () => {
  expect(percentile([], 50)).toBeNull();
  expect(percentile([5], 90)).toBe(5);
  expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
  expect(percentile([10, 9, 8, 7, 6, 5, 4, 3, 2, 1], 90)).toBe(9);
});

it('computes the figures of the reviewed deployments', () => {
  const deployments = [
    closed(1, 'succeeded'),
    closed(2, 'failed', { cause: 'health check failed' }),
    closed(3, 'rolled-back', { environment: 'production' }),
    closed(4, 'failed', { cause: null }),
    closed(5, 'rolled-back'),
    closed(6, 'cancelled'),
  ];
  expect(computeFindings(deployments, { from: null, to: '2027-01-01T00:00:00.000Z' })).toEqual({
    period: { from: null, to: '2027-01-01T00:00:00.000Z' },
    deploymentsReviewed: 6,
    succeeded: 1,
    failed: 2,
    rolledBack: 2,
    cancelledOrRejected: 1,
    successRate: 0.2,
    productionRollbacks: 1,
    failureCauses: [
      { cause: 'smoke tests failed', count: 2 },
      { cause: 'health check failed', count: 1 },
      { cause: 'unknown', count: 1 },
    ],
    leadTimeP50Ms: 180_000,
    leadTimeP90Ms: 360_000,
    services: ['ledger', 'payments'],
    environments: ['production', 'staging'],
    deploymentIds: ['d-1', 'd-2', 'd-3', 'd-4', 'd-5', 'd-6'],
  });
});

it('calls for a review when the failure share of the last N reaches the threshold', () => {
  const recent = [closed(10, 'failed'), closed(9, 'failed'), closed(8, 'failed'), ...[7, 6, 5, 4, 3, 2, 1].map((n) => closed(n, 'succeeded'))];
  expect(reviewCalledFor(recent[0], recent, policy)).toEqual({ trigger: 'failure-threshold', reason: '3 of the last 10 closed deployments failed or were rolled back (threshold 30%)' });
});

it('calls for one whatever closed last: deliveries arrive in any order', () => {
  const recent = [closed(10, 'succeeded'), closed(9, 'failed'), closed(8, 'failed'), closed(7, 'failed'), ...[6, 5, 4, 3, 2, 1].map((n) => closed(n, 'succeeded'))];
  expect(reviewCalledFor(recent[0], recent, policy)).toMatchObject({ trigger: 'failure-threshold' });
});

it('does not call again for failures a review has seen', () => {
  const recent = [closed(11, 'succeeded'), closed(10, 'failed'), closed(9, 'failed'), closed(8, 'failed'), ...[7, 6, 5, 4, 3, 2].map((n) => closed(n, 'succeeded'))];
  expect(reviewCalledFor(recent[0], recent, policy, recent[1].closedAt)).toBeNull();
  const rollback = closed(1, 'rolled-back', { environment: 'production' });
  expect(reviewCalledFor(rollback, [rollback], policy, rollback.closedAt)).toBeNull();
  const fresh = [closed(12, 'failed'), ...recent.slice(0, 9)];
  expect(reviewCalledFor(fresh[0], fresh, policy, recent[1].closedAt)).toMatchObject({ trigger: 'failure-threshold', reason: '4 of the last 10 closed deployments failed or were rolled back (threshold 30%)' });
});

it('does not call for one below the threshold or with fewer than N deployments', () => {
  const two = [closed(10, 'failed'), closed(9, 'failed'), ...[8, 7, 6, 5, 4, 3, 2, 1].map((n) => closed(n, 'succeeded'))];
  expect(reviewCalledFor(two[0], two, policy)).toBeNull();
  const young = [closed(3, 'failed'), closed(2, 'failed'), closed(1, 'failed')];
  expect(reviewCalledFor(young[0], young, policy)).toBeNull();
});

it('calls for a review on any rollback in production', () => {
  const rollback = closed(1, 'rolled-back', { environment: 'production' });
  expect(reviewCalledFor(rollback, [rollback], policy)).toEqual({ trigger: 'production-rollback', reason: 'deployment d-1 was rolled back in production (production)' });
});

it('calls for one on a rollback in an environment of kind production whatever its name, and not in one merely named production', () => {
  const euRollback = closed(1, 'rolled-back', { environment: 'prod-eu', environmentKind: 'production' });
  expect(reviewCalledFor(euRollback, [euRollback], policy)).toEqual({ trigger: 'production-rollback', reason: 'deployment d-1 was rolled back in production (prod-eu)' });
  const namedOnly = closed(2, 'rolled-back', { environment: 'production', environmentKind: 'staging' });
  expect(reviewCalledFor(namedOnly, [namedOnly], policy)).toBeNull();
  expect(computeFindings([euRollback, namedOnly], { from: null, to: '2027-01-01T00:00:00.000Z' })).toMatchObject({ productionRollbacks: 1 });
});

describe('a regression in the monitoring period (early life support)', () => {
  const regressed = (n: number, extra: Partial<ClosedDeployment> = {}) => closed(n, 'succeeded', { regressedAt: `2026-12-${String(n).padStart(2, '0')}T12:00:00.000Z`, ...extra });

  it('in an environment of kind production calls for a review at once', () => {
    const live = regressed(1, { environment: 'prod-eu', environmentKind: 'production' });
    expect(reviewCalledFor(live, [live], policy)).toEqual({ trigger: 'production-regression', reason: 'deployment d-1 regressed in its monitoring period in production (prod-eu)' });
  });

  it('elsewhere counts towards the failure threshold like a failure, named as its cause', () => {
    const recent = [regressed(10), regressed(9), closed(8, 'failed'), ...[7, 6, 5, 4, 3, 2, 1].map((n) => closed(n, 'succeeded'))];
    expect(reviewCalledFor(recent[0], recent, policy)).toEqual({ trigger: 'failure-threshold', reason: '3 of the last 10 closed deployments failed or were rolled back (threshold 30%)' });
    const fewer = [regressed(10), closed(9, 'succeeded'), ...recent.slice(2)];
    expect(reviewCalledFor(fewer[0], fewer, policy)).toBeNull();
    expect(computeFindings(recent, { from: null, to: '2027-01-01T00:00:00.000Z' }).failureCauses).toEqual([
      { cause: 'RegressionDetected', count: 2 },
      { cause: 'smoke tests failed', count: 1 },
    ]);
  });

  it('detected after the review that saw the deployment close is news to the next; before it, not', () => {
    const live = regressed(1, { environment: 'production' });
    expect(reviewCalledFor(live, [live], policy, '2026-12-01T11:00:00.000Z')).toMatchObject({ trigger: 'production-regression' });
    expect(reviewCalledFor(live, [live], policy, '2026-12-01T13:00:00.000Z')).toBeNull();
  });
});
