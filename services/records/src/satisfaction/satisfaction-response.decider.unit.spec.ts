import { specification } from '@gantry/decider';
import type { SatisfactionResponseRecorded } from '@gantry/contracts';
import { satisfactionDecider } from './satisfaction-response.decider';

const response: SatisfactionResponseRecorded = { responseId: 'r-1', score: 4, topic: 'lead-time', respondent: 'pat', respondedAt: '2026-12-05T10:00:00.000Z' };
const spec = specification(satisfactionDecider);

describe('RecordSatisfactionResponse', () => {
  it('records the response', () => spec.given([]).when({ type: 'RecordSatisfactionResponse', response }).then([{ type: 'SatisfactionResponseRecorded', data: response }]));
  it('another response under a taken id is refused', () =>
    spec
      .given([{ type: 'SatisfactionResponseRecorded', data: response }])
      .when({ type: 'RecordSatisfactionResponse', response: { ...response, score: 1 } })
      .thenRefused({ code: 'ResponseIdTaken', responseId: 'r-1' }));
  it('the same response sent again (a retry) changes nothing', () =>
    spec.given([{ type: 'SatisfactionResponseRecorded', data: response }]).when({ type: 'RecordSatisfactionResponse', response: { ...response, respondedAt: '2026-12-05T10:01:00.000Z' } }).thenNothing());
});
