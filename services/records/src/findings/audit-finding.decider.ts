import { refuse, type Decider, type Refused } from '@gantry/decider';
import type { AuditFindingRecorded } from '@gantry/contracts';

/**
 * An audit finding: compliance staff's observation about a deployment, recorded once. The same finding sent again
 * (a retry under the same Idempotency-Key) changes nothing; another finding under a taken id is refused.
 */
export type AuditFindingCommand = { type: 'RecordAuditFinding'; finding: AuditFindingRecorded };
export type AuditFindingEvent = { type: 'AuditFindingRecorded'; data: AuditFindingRecorded };
export type AuditFindingState = { recorded: false } | { recorded: true; finding: AuditFindingRecorded };
export type AuditFindingRefusal = { code: 'FindingIdTaken'; findingId: string };

/** What makes two findings the same: everything but the time it was sent. */
const sameFinding = (a: AuditFindingRecorded, b: AuditFindingRecorded) =>
  a.deploymentId === b.deploymentId && a.severity === b.severity && a.description === b.description && a.recordedBy === b.recordedBy;

export const auditFindingDecider: Decider<AuditFindingCommand, AuditFindingEvent, AuditFindingState, AuditFindingRefusal> = {
  initialState: { recorded: false },
  evolve: (_state, event) => ({ recorded: true, finding: event.data }),
  decide(command, state): readonly AuditFindingEvent[] | Refused<AuditFindingRefusal> {
    if (!state.recorded) return [{ type: 'AuditFindingRecorded', data: command.finding }];
    if (sameFinding(state.finding, command.finding)) return [];
    return refuse({ code: 'FindingIdTaken', findingId: command.finding.findingId });
  },
};

export const findingStream = (findingId: string) => ({ streamId: `AuditFinding-${findingId}`, streamType: 'AuditFinding' });
