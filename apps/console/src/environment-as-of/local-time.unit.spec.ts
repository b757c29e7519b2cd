import { instantOf, localInputOf } from './local-time';

/** The wall-clock time of an instant in this process's time zone, by its offset (another way than local-time.ts's). */
const wallClock = (iso: string) => new Date(Date.parse(iso) - new Date(iso).getTimezoneOffset() * 60_000).toISOString().slice(0, 23);

// a winter and a summer day, and around Europe's clock changes (not in an hour the clocks repeat: see local-time.ts)
const INSTANTS = ['2026-12-07T14:38:31.076Z', '2026-07-01T22:00:00.000Z', '2026-03-29T00:59:59.999Z', '2026-03-29T01:00:00.000Z', '2026-10-25T00:30:00.500Z'];

it("gives an instant as the picker's wall-clock time, to the millisecond, and reads it back", () => {
  for (const instant of INSTANTS) {
    expect(localInputOf(instant)).toBe(wallClock(instant));
    expect(localInputOf(instant)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/);
    expect(instantOf(localInputOf(instant))).toBe(instant);
  }
  // the picker may leave out the seconds
  expect(instantOf(localInputOf('2026-12-07T14:38:00.000Z').slice(0, 16))).toBe('2026-12-07T14:38:00.000Z');
});

it('names no instant for a value that is none', () => {
  expect(instantOf('')).toBeUndefined();
  expect(instantOf('yesterday')).toBeUndefined();
  expect(instantOf('2026-13-45T99:00')).toBeUndefined();
  expect(localInputOf('not a time')).toBe('');
});
