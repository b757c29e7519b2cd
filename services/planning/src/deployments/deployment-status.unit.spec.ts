import type { DeploymentPlanned, DeploymentRequested } from '@gantry/contracts';
import type { Deployment } from './deployment.decider';
import { statusOf } from './deployment-status';

const request = { deploymentId: 'd1', changeId: 'CHG1', service: 'payments', environment: 'staging' } as DeploymentRequested;
const planned: Deployment = { status: 'planned', request, plan: { deploymentId: 'd1' } as DeploymentPlanned, windowHeld: true };
const verified = { componentsVerified: true, environmentVerified: true } as const;

describe('the status planning answers for a deployment', () => {
  it('a planned deployment follows what the services after planning report, step by step', () => {
    expect(statusOf(planned, {})).toBe('planned');
    expect(statusOf(planned, { componentsVerified: true })).toBe('planned');
    expect(statusOf(planned, verified)).toBe('verified');
    expect(statusOf(planned, { ...verified, startedAt: '2026-12-01T10:00:00.000Z' })).toBe('executing');
    expect(statusOf(planned, { ...verified, startedAt: '2026-12-01T10:00:00.000Z', executedAt: '2026-12-01T10:05:00.000Z' })).toBe('executed');
    expect(statusOf(planned, { ...verified, startedAt: '2026-12-01T10:00:00.000Z', executedAt: '2026-12-01T10:05:00.000Z', outcome: 'succeeded' })).toBe('succeeded');
  });

  it('topics arrive independently: the furthest step counts, and the closed record outcome above all', () => {
    expect(statusOf(planned, { executedAt: '2026-12-01T10:05:00.000Z' })).toBe('executed');
    expect(statusOf(planned, { startedAt: '2026-12-01T10:00:00.000Z' })).toBe('executing');
    expect(statusOf(planned, { outcome: 'rolled-back', cause: 'RolledBack: DeploymentVerificationFailed' })).toBe('rolled-back');
    expect(statusOf(planned, { componentsVerified: true, outcome: 'failed' })).toBe('failed');
  });

  it("planning's own decisions stand: a rejected or cancelled deployment says so whatever the steps before an outcome report", () => {
    const rejection = { deploymentId: 'd1', changeId: 'CHG1', service: 'payments', environment: 'staging', reason: 'UnknownEnvironment' as const, details: {}, rejectedAt: '2026-12-01T10:00:00.000Z' };
    expect(statusOf({ status: 'rejected', request, rejection }, { outcome: 'rejected' })).toBe('rejected');
    const cancellation = { deploymentId: 'd1', changeId: 'CHG1', environment: 'staging', reason: 'withdrawn', cancelledBy: 'dana', cancelledAt: '2026-12-01T10:00:00.000Z' };
    expect(statusOf({ status: 'cancelled', request, cancellation }, { ...verified, outcome: 'cancelled' })).toBe('cancelled');
    expect(statusOf({ status: 'cancelled', request, cancellation }, verified)).toBe('cancelled');
  });

  it('a cancel accepted before planning learnt that records had closed the record does not contradict records: the outcome stands', () => {
    const cancellation = { deploymentId: 'd1', changeId: 'CHG1', environment: 'staging', reason: 'withdrawn', cancelledBy: 'dana', cancelledAt: '2026-12-01T10:00:00.000Z' };
    expect(statusOf({ status: 'cancelled', request, cancellation }, { componentsVerified: true, outcome: 'failed', cause: 'ComponentsVerificationFailed' })).toBe('failed');
  });
});
