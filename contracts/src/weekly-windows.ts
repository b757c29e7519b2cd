import type { EnvironmentDefinition, FreezePeriod, WeeklyWindow } from './planning';
import { WEEKDAYS } from './weekdays';
import type { Window } from './vocabulary';

export { WEEKDAYS, type Weekday } from './weekdays';

/** An interval of real time, epoch milliseconds, end exclusive. */
export interface Interval {
  start: number;
  end: number;
}

const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
const formatterFor = (timeZone: string) => {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
};

/** Whether the runtime knows the IANA time zone. */
export const isTimeZone = (timeZone: string): boolean => {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
};

/** The wall-clock fields in `timeZone` at an instant. */
const wallClock = (timeZone: string, at: number) => {
  const parts = Object.fromEntries(formatterFor(timeZone).formatToParts(new Date(at)).map((p) => [p.type, p.value]));
  return { year: +parts.year, month: +parts.month, day: +parts.day, hour: +parts.hour, minute: +parts.minute, second: +parts.second };
};

/** The zone's offset from UTC at an instant, in milliseconds (Berlin in summer: +2 h). */
const offsetAt = (timeZone: string, at: number): number => {
  const w = wallClock(timeZone, at);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - (at - (((at % 1000) + 1000) % 1000));
};

/**
 * The instant of a local wall-clock time, disambiguated like Temporal's `compatible`: a time that occurs twice
 * (clocks go back) is the earlier instant; a time that does not exist (clocks go forward) is moved forward by the gap.
 */
export const instantOf = (timeZone: string, year: number, month: number, day: number, hour: number, minute: number): number => {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const before = offsetAt(timeZone, wall - DAY);
  const after = offsetAt(timeZone, wall + DAY);
  const valid = [...new Set([before, after])].map((offset) => wall - offset).filter((at) => wall - offsetAt(timeZone, at) === at);
  if (valid.length > 0) return Math.min(...valid);
  return wall - before;
};

const parseLocalTime = (hhmm: string) => {
  const [hour, minute] = hhmm.split(':').map(Number);
  return { hour, minute };
};

/** Occurrences of a weekly window that overlap [from, to), in real time. */
export const occurrences = (window: WeeklyWindow, timeZone: string, from: number, to: number): Interval[] => {
  const start = parseLocalTime(window.start);
  const end = parseLocalTime(window.end);
  const nextDay = window.end <= window.start ? 1 : 0;
  const first = wallClock(timeZone, from - 2 * DAY);
  const result: Interval[] = [];
  // Walk calendar days (UTC arithmetic on the local date is exact: no zone involved in counting days).
  for (let date = Date.UTC(first.year, first.month - 1, first.day); date <= to + 2 * DAY; date += DAY) {
    const d = new Date(date);
    const weekday = WEEKDAYS[(d.getUTCDay() + 6) % 7];
    if (!window.days.includes(weekday)) continue;
    const e = new Date(date + nextDay * DAY);
    const interval = {
      start: instantOf(timeZone, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), start.hour, start.minute),
      end: instantOf(timeZone, e.getUTCFullYear(), e.getUTCMonth() + 1, e.getUTCDate(), end.hour, end.minute),
    };
    if (interval.end > from && interval.start < to) result.push(interval);
  }
  return result;
};

export const overlaps = (a: Interval, b: Interval): boolean => a.start < b.end && b.start < a.end;

/** The occurrence of one of the windows that holds the whole interval, if any. */
export const occurrenceHolding = (windows: readonly WeeklyWindow[], timeZone: string, interval: Interval): Interval | undefined =>
  windows.flatMap((w) => occurrences(w, timeZone, interval.start, interval.end)).find((o) => o.start <= interval.start && interval.end <= o.end);

export const intervalOf = (window: Window): Interval => ({ start: Date.parse(window.start), end: Date.parse(window.end) });

/** The freezes of the environment that cover the service during the window (planning refuses them; verification re-checks). */
export const freezesOverlapping = (request: { service: string; window: Window }, environment: Pick<EnvironmentDefinition, 'freezes' | 'timeZone'>): FreezePeriod[] => {
  const window = intervalOf(request.window);
  return environment.freezes.filter(
    (f) =>
      (!f.services || f.services.includes(request.service)) &&
      (f.weekly ? occurrences(f.weekly, environment.timeZone, window.start, window.end).length > 0 : overlaps(intervalOf({ start: f.start!, end: f.end! }), window)),
  );
};
