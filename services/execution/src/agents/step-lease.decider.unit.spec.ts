import { specification } from '@gantry/decider';
import { stepLeaseDecider, type LeaseEvent } from './step-lease.decider';

const spec = specification(stepLeaseDecider);
const t0 = '2026-12-01T22:00:00.000Z';
const t10 = '2026-12-01T22:00:10.000Z';
const t30 = '2026-12-01T22:00:30.000Z';
const t40 = '2026-12-01T22:00:40.000Z';
const leaseMs = 30_000;
const succeeded = { status: 'succeeded' as const, installed: [{ name: 'payments-api', version: '2.4.1', digest: `sha256:${'ab'.repeat(32)}` }] };

const leasedToA: LeaseEvent = { type: 'StepLeased', data: { leaseId: 'L1', agent: 'agent-a', expiresAt: t30 } };
const expiredA: LeaseEvent = { type: 'LeaseExpired', data: { leaseId: 'L1' } };
const leasedToB: LeaseEvent = { type: 'StepLeased', data: { leaseId: 'L2', agent: 'agent-b', expiresAt: '2026-12-01T22:01:10.000Z' } };
const reportedByA: LeaseEvent = { type: 'StepReported', data: { leaseId: 'L1', status: 'succeeded', recorded: true } };

describe('a pull step and its lease', () => {
  describe('claiming', () => {
    it('an offered step is leased to the agent until the lease runs out', () =>
      spec.given([]).when({ type: 'ClaimStep', leaseId: 'L1', agent: 'agent-a', now: t0, leaseMs }).then([leasedToA]));
    it('a step under a lease in force is not leased again', () =>
      spec.given([leasedToA]).when({ type: 'ClaimStep', leaseId: 'L2', agent: 'agent-b', now: t10, leaseMs }).thenRefused({ code: 'StepAlreadyLeased', expiresAt: t30 }));
    it('a lease that ran out (its timer not yet fired) expires, and the step goes to the next agent', () =>
      spec.given([leasedToA]).when({ type: 'ClaimStep', leaseId: 'L2', agent: 'agent-b', now: t40, leaseMs }).then([expiredA, { type: 'StepLeased', data: { leaseId: 'L2', agent: 'agent-b', expiresAt: '2026-12-01T22:01:10.000Z' } }]));
    it('a reported step is not offered again', () =>
      spec.given([leasedToA, reportedByA]).when({ type: 'ClaimStep', leaseId: 'L2', agent: 'agent-b', now: t40, leaseMs }).thenRefused({ code: 'StepAlreadyReported' }));
  });

  describe('renewing', () => {
    it('the holder extends its lease in force', () =>
      spec.given([leasedToA]).when({ type: 'RenewLease', leaseId: 'L1', agent: 'agent-a', now: t10, leaseMs }).then([{ type: 'LeaseRenewed', data: { leaseId: 'L1', expiresAt: t40 } }]));
    it('a lease that ran out is not renewed', () =>
      spec.given([leasedToA]).when({ type: 'RenewLease', leaseId: 'L1', agent: 'agent-a', now: t30, leaseMs }).thenRefused({ code: 'LeaseExpired', leaseId: 'L1' }));
    it('another agent cannot renew a lease it was not given', () =>
      spec.given([leasedToA]).when({ type: 'RenewLease', leaseId: 'L1', agent: 'agent-b', now: t10, leaseMs }).thenRefused({ code: 'UnknownLease', leaseId: 'L1' }));
    it('renewing a reported step changes nothing', () => spec.given([leasedToA, reportedByA]).when({ type: 'RenewLease', leaseId: 'L1', agent: 'agent-a', now: t10, leaseMs }).thenNothing());
  });

  describe('reporting', () => {
    it('the holder reports under its lease in force, once', () =>
      spec.given([leasedToA]).when({ type: 'ReportStep', leaseId: 'L1', agent: 'agent-a', now: t10, outcome: succeeded, recorded: true }).then([reportedByA]));
    it('a duplicate report changes nothing', () =>
      spec.given([leasedToA, reportedByA]).when({ type: 'ReportStep', leaseId: 'L1', agent: 'agent-a', now: t40, outcome: { status: 'failed', reason: 'Late' }, recorded: false }).thenNothing());
    it('a report after the lease ran out is refused, the step stays on offer', () =>
      spec.given([leasedToA]).when({ type: 'ReportStep', leaseId: 'L1', agent: 'agent-a', now: t30, outcome: succeeded, recorded: true }).thenRefused({ code: 'LeaseExpired', leaseId: 'L1' }));
    it('a lost agent that comes back after its step went to another is refused', () =>
      spec.given([leasedToA, expiredA, leasedToB]).when({ type: 'ReportStep', leaseId: 'L1', agent: 'agent-a', now: t40, outcome: succeeded, recorded: true }).thenRefused({ code: 'LeaseExpired', leaseId: 'L1' }));
    it('a lease never given is unknown', () =>
      spec.given([leasedToA]).when({ type: 'ReportStep', leaseId: 'L9', agent: 'agent-a', now: t10, outcome: succeeded, recorded: true }).thenRefused({ code: 'UnknownLease', leaseId: 'L9' }));
  });

  describe('expiring', () => {
    it('the due timer puts the step on offer again', () => spec.given([leasedToA]).when({ type: 'ExpireLease', leaseId: 'L1', now: t30 }).then([expiredA]));
    it('a timer of a renewed lease that has not run out changes nothing', () =>
      spec.given([leasedToA, { type: 'LeaseRenewed', data: { leaseId: 'L1', expiresAt: t40 } }]).when({ type: 'ExpireLease', leaseId: 'L1', now: t30 }).thenNothing());
    it('a timer of a reported step changes nothing', () => spec.given([leasedToA, reportedByA]).when({ type: 'ExpireLease', leaseId: 'L1', now: t40 }).thenNothing());
  });
});
