import { refuse, type Decider, type Refused } from '@gantry/decider';
import type { SatisfactionResponseRecorded } from '@gantry/contracts';

/**
 * A satisfaction response: one stakeholder's score about one topic, recorded once. Sent again (a retry under the same
 * Idempotency-Key) it changes nothing; another response under a taken id is refused.
 */
export type SatisfactionCommand = { type: 'RecordSatisfactionResponse'; response: SatisfactionResponseRecorded };
export type SatisfactionEvent = { type: 'SatisfactionResponseRecorded'; data: SatisfactionResponseRecorded };
export type SatisfactionState = { recorded: false } | { recorded: true; response: SatisfactionResponseRecorded };
export type SatisfactionRefusal = { code: 'ResponseIdTaken'; responseId: string };

/** What makes two responses the same: everything but the time it was sent. */
const sameResponse = (a: SatisfactionResponseRecorded, b: SatisfactionResponseRecorded) => {
  const { respondedAt: _a, ...left } = a;
  const { respondedAt: _b, ...right } = b;
  return JSON.stringify(left, Object.keys(left).sort()) === JSON.stringify(right, Object.keys(right).sort());
};

export const satisfactionDecider: Decider<SatisfactionCommand, SatisfactionEvent, SatisfactionState, SatisfactionRefusal> = {
  initialState: { recorded: false },
  evolve: (_state, event) => ({ recorded: true, response: event.data }),
  decide(command, state): readonly SatisfactionEvent[] | Refused<SatisfactionRefusal> {
    if (!state.recorded) return [{ type: 'SatisfactionResponseRecorded', data: command.response }];
    if (sameResponse(state.response, command.response)) return [];
    return refuse({ code: 'ResponseIdTaken', responseId: command.response.responseId });
  },
};

export const satisfactionStream = (responseId: string) => ({ streamId: `SatisfactionResponse-${responseId}`, streamType: 'SatisfactionResponse' });
