import { refuse, type Decider, type Refused } from '@gantry/decider';
import type { StepOutcome } from '../runs';

// A pull executor's step, as agents see it: offered to the agents of its environment, leased to one for a while,
// reported once. A lease not renewed before it expires (the agent died, or lost its way) puts the step on offer again.

/** What a report was answered; a duplicate report gets the same answer. `recorded`: the run took the result. */
export interface ReportAnswer {
  leaseId: string;
  status: 'succeeded' | 'failed';
  recorded: boolean;
}

/** `lost`: leases given before and expired; a report or renewal under one is `LeaseExpired`, not `UnknownLease`. */
export type StepLease =
  | { status: 'offered'; lost: string[] }
  | { status: 'leased'; leaseId: string; agent: string; expiresAt: string; lost: string[] }
  | { status: 'reported'; leaseId: string; agent: string; answer: ReportAnswer; lost: string[] };

export type LeaseCommand =
  | { type: 'ClaimStep'; leaseId: string; agent: string; now: string; leaseMs: number }
  | { type: 'RenewLease'; leaseId: string; agent: string; now: string; leaseMs: number }
  /** `recorded`: whether the run awaits this step and takes the outcome (decided by the run, not here) */
  | { type: 'ReportStep'; leaseId: string; agent: string; now: string; outcome: Extract<StepOutcome, { status: 'succeeded' | 'failed' }>; recorded: boolean }
  /** the lease's due timer fired */
  | { type: 'ExpireLease'; leaseId: string; now: string };

export type LeaseEvent =
  | { type: 'StepLeased'; data: { leaseId: string; agent: string; expiresAt: string } }
  | { type: 'LeaseRenewed'; data: { leaseId: string; expiresAt: string } }
  | { type: 'LeaseExpired'; data: { leaseId: string } }
  | { type: 'StepReported'; data: ReportAnswer };

/** 409: the step is someone else's now or already done; the lease is over or was never given (to this agent). */
export type LeaseRefusal =
  | { code: 'StepAlreadyLeased'; expiresAt: string }
  | { code: 'StepAlreadyReported' }
  | { code: 'LeaseExpired'; leaseId: string }
  | { code: 'UnknownLease'; leaseId: string };

export const initialState: StepLease = { status: 'offered', lost: [] };

const at = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const over = (lease: { expiresAt: string }, now: string) => Date.parse(now) >= Date.parse(lease.expiresAt);

/** The agent holds this lease and it has not run out: the only lease a renewal or a report is taken under. */
function leaseInForce(state: StepLease, leaseId: string, agent: string, now: string): LeaseRefusal | undefined {
  if (state.lost.includes(leaseId)) return { code: 'LeaseExpired', leaseId };
  if (state.status !== 'leased' || state.leaseId !== leaseId || state.agent !== agent) return { code: 'UnknownLease', leaseId };
  return over(state, now) ? { code: 'LeaseExpired', leaseId } : undefined;
}

export function decide(command: LeaseCommand, state: StepLease): readonly LeaseEvent[] | Refused<LeaseRefusal> {
  switch (command.type) {
    case 'ClaimStep': {
      const leased: LeaseEvent = { type: 'StepLeased', data: { leaseId: command.leaseId, agent: command.agent, expiresAt: at(command.now, command.leaseMs) } };
      if (state.status === 'offered') return [leased];
      if (state.status === 'reported') return refuse({ code: 'StepAlreadyReported' });
      // a lease whose timer has not fired yet is over all the same
      return over(state, command.now) ? [{ type: 'LeaseExpired', data: { leaseId: state.leaseId } }, leased] : refuse({ code: 'StepAlreadyLeased', expiresAt: state.expiresAt });
    }
    case 'RenewLease': {
      if (state.status === 'reported' && state.leaseId === command.leaseId && state.agent === command.agent) return [];
      const refusal = leaseInForce(state, command.leaseId, command.agent, command.now);
      return refusal ? refuse(refusal) : [{ type: 'LeaseRenewed', data: { leaseId: command.leaseId, expiresAt: at(command.now, command.leaseMs) } }];
    }
    case 'ReportStep': {
      // a duplicate report (the agent did not hear the answer) changes nothing and is answered the same
      if (state.status === 'reported' && state.leaseId === command.leaseId && state.agent === command.agent) return [];
      const refusal = leaseInForce(state, command.leaseId, command.agent, command.now);
      return refusal ? refuse(refusal) : [{ type: 'StepReported', data: { leaseId: command.leaseId, status: command.outcome.status, recorded: command.recorded } }];
    }
    case 'ExpireLease':
      return state.status === 'leased' && state.leaseId === command.leaseId && over(state, command.now) ? [{ type: 'LeaseExpired', data: { leaseId: command.leaseId } }] : [];
    default: {
      const unknown: never = command;
      throw new Error(`unknown lease command ${JSON.stringify(unknown)}`);
    }
  }
}

export function evolve(state: StepLease, event: LeaseEvent): StepLease {
  switch (event.type) {
    case 'StepLeased':
      return { status: 'leased', ...event.data, lost: state.lost };
    case 'LeaseRenewed':
      return state.status === 'leased' ? { ...state, expiresAt: event.data.expiresAt } : state;
    case 'LeaseExpired':
      return { status: 'offered', lost: [...state.lost, event.data.leaseId] };
    case 'StepReported':
      return state.status === 'leased' ? { status: 'reported', leaseId: state.leaseId, agent: state.agent, answer: event.data, lost: state.lost } : state;
    default: {
      const unknown: never = event;
      throw new Error(`unknown lease event ${JSON.stringify(unknown)}`);
    }
  }
}

export const stepLeaseDecider: Decider<LeaseCommand, LeaseEvent, StepLease, LeaseRefusal> = { decide, evolve, initialState };
