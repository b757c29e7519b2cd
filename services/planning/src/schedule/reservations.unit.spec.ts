import { conflictingReservation } from './reservation-conflicts';
import { freeWindows } from './free-windows';
import { production } from '../test-fixtures';

const window = { start: '2026-11-28T22:00:00.000Z', end: '2026-11-29T00:00:00.000Z' };
const first = { environment: 'production', deploymentId: 'd-1', service: 'payments', targets: ['prod-eu-1'], window };

describe('conflicting reservations', () => {
  it('an overlapping window for the same service conflicts, naming the deployment that holds it', () =>
    expect(conflictingReservation([first], { ...first, deploymentId: 'd-2', targets: ['prod-us-1'] })).toBe(first));

  it('an overlapping window on a shared target conflicts, whatever the service', () =>
    expect(conflictingReservation([first], { ...first, deploymentId: 'd-2', service: 'ledger', targets: ['prod-us-1', 'prod-eu-1'] })).toBe(first));

  it('another service on other targets does not conflict', () =>
    expect(conflictingReservation([first], { ...first, deploymentId: 'd-2', service: 'ledger', targets: ['prod-us-1'] })).toBeUndefined());

  it('a window that only touches another (ends when it starts) does not conflict', () =>
    expect(conflictingReservation([first], { ...first, deploymentId: 'd-2', window: { start: window.end, end: '2026-11-29T01:00:00.000Z' } })).toBeUndefined());

  it("a deployment's own reservation is no conflict (a reschedule)", () => expect(conflictingReservation([first], first)).toBeUndefined());
});

describe('free windows', () => {
  it('the deployment windows of a week, minus what is reserved, in real time across the environment time zone', () => {
    const free = freeWindows(production, [first], Date.parse('2026-11-23T00:00:00Z'), Date.parse('2026-11-30T00:00:00Z'));
    // Saturday 28 November 22:00–04:00 Berlin (UTC+1) = 21:00Z–03:00Z, minus the reserved 22:00Z–00:00Z
    expect(free.map((i) => [new Date(i.start).toISOString(), new Date(i.end).toISOString()])).toEqual([
      ['2026-11-28T21:00:00.000Z', '2026-11-28T22:00:00.000Z'],
      ['2026-11-29T00:00:00.000Z', '2026-11-29T03:00:00.000Z'],
    ]);
  });

  it('a whole-environment freeze leaves no free window', () =>
    expect(freeWindows(production, [], Date.parse('2026-12-21T00:00:00Z'), Date.parse('2027-01-03T00:00:00Z'))).toEqual([]));
});
