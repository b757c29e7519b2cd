import { dueAfter, reviewPolicyFromEnv } from './review-policy';

it('reviews every 90 days, on 30% failures of the last 10, polling every minute, unless configured', () => {
  expect(reviewPolicyFromEnv({})).toEqual({ intervalDays: 90, failureThreshold: { window: 10, share: 0.3 }, pollMs: 60_000 });
  expect(reviewPolicyFromEnv({ GANTRY_REVIEW_INTERVAL_DAYS: '30', GANTRY_REVIEW_FAILURE_WINDOW: '20', GANTRY_REVIEW_FAILURE_SHARE: '0.25', GANTRY_REVIEW_POLL_MS: '500' })).toEqual({
    intervalDays: 30,
    failureThreshold: { window: 20, share: 0.25 },
    pollMs: 500,
  });
});

it('refuses a configuration that makes no sense, naming the variable', () => {
  expect(() => reviewPolicyFromEnv({ GANTRY_REVIEW_INTERVAL_DAYS: '0' })).toThrow('GANTRY_REVIEW_INTERVAL_DAYS must be a positive whole number of days, got "0"');
  expect(() => reviewPolicyFromEnv({ GANTRY_REVIEW_FAILURE_SHARE: '1.5' })).toThrow(/GANTRY_REVIEW_FAILURE_SHARE/);
});

it('a model is due an interval after its publication or last review', () => {
  expect(dueAfter('2026-01-01T00:00:00.000Z', reviewPolicyFromEnv({})).toISOString()).toBe('2026-04-01T00:00:00.000Z');
});
