import { rollbackDecisionAsked } from './rollback-decision';

it('given a run paused by a failure, a late change, a regression or an inconclusive canary, then it asks for a rollback decision, saying why', () => {
  for (const reason of ['DiskFull', 'FreezePeriod', 'RegressionDetected', 'CanaryAnalysisInconclusive']) {
    expect(rollbackDecisionAsked({ status: 'running', pause: { reason } })).toEqual({ reason });
  }
  expect(rollbackDecisionAsked({ status: 'executed', pause: { reason: 'RegressionDetected' } })).toEqual({ reason: 'RegressionDetected' });
});

it('given a run paused on request, by its window closing or by a failed retirement, then it asks to be resumed, not decided', () => {
  for (const reason of ['Requested', 'WindowClosed', 'RetireFailed']) expect(rollbackDecisionAsked({ status: 'running', pause: { reason } })).toBeUndefined();
});

it('given a run not paused, or not started, or ended, then it asks nothing', () => {
  expect(rollbackDecisionAsked({ status: 'running' })).toBeUndefined();
  expect(rollbackDecisionAsked({ status: 'waiting', pause: { reason: 'DiskFull' } })).toBeUndefined();
  expect(rollbackDecisionAsked({ status: 'ended', outcome: 'rolled-back' })).toBeUndefined();
});
