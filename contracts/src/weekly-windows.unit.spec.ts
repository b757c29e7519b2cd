import { instantOf, occurrenceHolding, occurrences } from './weekly-windows';

const iso = (ms: number) => new Date(ms).toISOString();

describe('weekly deployment windows in an IANA time zone', () => {
  it('a Saturday 22:00–04:00 window in Berlin that crosses the spring-forward change lasts five real hours', () => {
    // 2026-03-29 02:00 CET the clocks jump to 03:00 CEST
    const found = occurrences({ days: ['saturday'], start: '22:00', end: '04:00' }, 'Europe/Berlin', Date.parse('2026-03-27T00:00:00Z'), Date.parse('2026-03-30T00:00:00Z'));
    expect(found.map((o) => [iso(o.start), iso(o.end)])).toEqual([['2026-03-28T21:00:00.000Z', '2026-03-29T02:00:00.000Z']]);
  });

  it('the same window across the autumn change lasts seven real hours', () => {
    // 2026-10-25 03:00 CEST the clocks go back to 02:00 CET
    const found = occurrences({ days: ['saturday'], start: '22:00', end: '04:00' }, 'Europe/Berlin', Date.parse('2026-10-23T00:00:00Z'), Date.parse('2026-10-26T00:00:00Z'));
    expect(found.map((o) => [iso(o.start), iso(o.end)])).toEqual([['2026-10-24T20:00:00.000Z', '2026-10-25T03:00:00.000Z']]);
  });

  it('a window keeps its local hours on both sides of a change (New York, 09:00 local)', () => {
    const found = occurrences({ days: ['friday', 'monday'], start: '09:00', end: '11:00' }, 'America/New_York', Date.parse('2026-03-06T00:00:00Z'), Date.parse('2026-03-10T00:00:00Z'));
    // Friday 6 March is EST (UTC-5); Monday 9 March, after the 8 March change, EDT (UTC-4)
    expect(found.map((o) => iso(o.start))).toEqual(['2026-03-06T14:00:00.000Z', '2026-03-09T13:00:00.000Z']);
  });

  it('a local time skipped by spring-forward moves forward by the gap; one repeated in autumn is the earlier instant', () => {
    expect(iso(instantOf('Europe/Berlin', 2026, 3, 29, 2, 30))).toBe('2026-03-29T01:30:00.000Z');
    expect(iso(instantOf('Europe/Berlin', 2026, 10, 25, 2, 30))).toBe('2026-10-25T00:30:00.000Z');
  });

  it('a requested window inside an occurrence is held by it; one running past the local end is not', () => {
    const windows = [{ days: ['saturday' as const], start: '22:00', end: '04:00' }];
    const inside = { start: Date.parse('2026-03-29T00:00:00Z'), end: Date.parse('2026-03-29T01:59:00Z') };
    const pastTheEnd = { start: Date.parse('2026-03-29T00:00:00Z'), end: Date.parse('2026-03-29T02:30:00Z') };
    expect(occurrenceHolding(windows, 'Europe/Berlin', inside)).toBeDefined();
    // 02:30Z is 04:30 CEST: the window closed at 04:00 local, which after the change is 02:00Z
    expect(occurrenceHolding(windows, 'Europe/Berlin', pastTheEnd)).toBeUndefined();
  });
});
