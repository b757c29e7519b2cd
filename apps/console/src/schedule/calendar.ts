import { instantOf, occurrences, WEEKDAYS, type Interval, type Weekday } from '@gantry/contracts/weekly-windows';

/** A weekly window as an environment declares it: local wall-clock times on some days. */
export interface WeeklyWindow {
  days: Weekday[];
  start: string;
  end: string;
}

/** A freeze as an environment declares it: one-off (`start`, `end`) or weekly, for every service or those listed. */
export interface Freeze {
  id: string;
  reason: string;
  services?: string[];
  start?: string;
  end?: string;
  weekly?: WeeklyWindow;
}

/** A deployment holding its window in the forward schedule (`GET /schedule`'s `planned`). */
export interface Booking {
  deploymentId: string;
  service: string;
  targets?: string[];
  window: { start: string; end: string };
}

/**
 * On a day: an occurrence of a deployment window, of a freeze, or a booked deployment's window, cut to the day.
 * `from` and `to` are the local wall-clock times it covers that day (`24:00` when it runs past midnight);
 * `continues` says whether it began the day before or goes on the next.
 */
export type CalendarItem = { from: string; to: string; continues: { before: boolean; after: boolean } } & (
  | { kind: 'window' }
  | { kind: 'freeze'; id: string; reason: string; services?: string[] }
  | { kind: 'booking'; deploymentId: string; service: string; targets?: string[] }
);

/** A day of the environment's calendar: its local date (`YYYY-MM-DD`), its weekday, and what happens on it in order. */
export interface CalendarDay {
  date: string;
  weekday: Weekday;
  items: CalendarItem[];
}

export interface Calendar {
  timeZone: string;
  /** the instants the calendar covers: the first day's local midnight to the one after its last day */
  span: Interval;
  days: CalendarDay[];
  /** the days in weeks from Monday to Sunday; `null` before the first day and after the last */
  weeks: (CalendarDay | null)[][];
  /** an environment without deployment windows takes deployments at any time */
  anyTime: boolean;
}

const DAY_MS = 86_400_000;

/** `YYYY-MM-DD` → its calendar day number (days since 1970-01-01): the arithmetic of dates, no time zone in it. */
const dayNumber = (date: string) => Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10)) / DAY_MS;
const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const weekdayOf = (day: number): Weekday => WEEKDAYS[(new Date(day * DAY_MS).getUTCDay() + 6) % 7];

/** The instant a local date begins in the time zone. */
export const midnight = (timeZone: string, date: string): number => instantOf(timeZone, +date.slice(0, 4), +date.slice(5, 7), +date.slice(8, 10), 0, 0);

/** The local date (`YYYY-MM-DD`) in the time zone at an instant. */
export const localDate = (timeZone: string, at: number): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(at));

/** The local wall-clock time (`HH:MM`) in the time zone at an instant. */
export const localTime = (timeZone: string, at: number): string =>
  new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(at));

/** The instants from the local midnight of `from` to the local midnight after `days` days. */
export const spanOf = (timeZone: string, from: string, days: number): Interval => ({ start: midnight(timeZone, from), end: midnight(timeZone, dateOf(dayNumber(from) + days)) });

type Happening = Interval & ({ kind: 'window' } | { kind: 'freeze'; id: string; reason: string; services?: string[] } | { kind: 'booking'; deploymentId: string; service: string; targets?: string[] });

const ORDER: Record<Happening['kind'], number> = { freeze: 0, window: 1, booking: 2 };

/**
 * An environment's forward schedule laid out day by day in its own time zone: each occurrence of its deployment
 * windows and freezes, and each booked deployment, on every local day it touches.
 */
export function calendarOf(input: { timeZone: string; from: string; days: number; windows: readonly WeeklyWindow[]; freezes: readonly Freeze[]; bookings: readonly Booking[] }): Calendar {
  const { timeZone, from, days } = input;
  const span = spanOf(timeZone, from, days);
  const happenings: Happening[] = [
    ...input.windows.flatMap((w) => occurrences(w, timeZone, span.start, span.end).map((o): Happening => ({ ...o, kind: 'window' }))),
    ...input.freezes.flatMap((f) =>
      (f.weekly ? occurrences(f.weekly, timeZone, span.start, span.end) : f.start && f.end ? [{ start: Date.parse(f.start), end: Date.parse(f.end) }] : []).map(
        (o): Happening => ({ ...o, kind: 'freeze', id: f.id, reason: f.reason, ...(f.services ? { services: f.services } : {}) }),
      ),
    ),
    ...input.bookings.map(
      (b): Happening => ({ start: Date.parse(b.window.start), end: Date.parse(b.window.end), kind: 'booking', deploymentId: b.deploymentId, service: b.service, ...(b.targets ? { targets: b.targets } : {}) }),
    ),
  ];
  const first = dayNumber(from);
  const calendarDays = Array.from({ length: days }, (_, i): CalendarDay => {
    const date = dateOf(first + i);
    const day = { start: midnight(timeZone, date), end: midnight(timeZone, dateOf(first + i + 1)) };
    const items = happenings
      .filter((h) => h.start < day.end && day.start < h.end)
      .sort((a, b) => a.start - b.start || ORDER[a.kind] - ORDER[b.kind])
      .map(({ start, end, ...what }): CalendarItem => ({
        ...what,
        from: start <= day.start ? '00:00' : localTime(timeZone, start),
        to: end >= day.end ? '24:00' : localTime(timeZone, end),
        continues: { before: start < day.start, after: end > day.end },
      }));
    return { date, weekday: weekdayOf(first + i), items };
  });
  const lead = WEEKDAYS.indexOf(weekdayOf(first));
  const padded = [...Array<null>(lead).fill(null), ...calendarDays];
  const weeks = Array.from({ length: Math.ceil(padded.length / 7) }, (_, w) => {
    const week = padded.slice(w * 7, w * 7 + 7);
    return [...week, ...Array<null>(7 - week.length).fill(null)];
  });
  return { timeZone, span, days: calendarDays, weeks, anyTime: input.windows.length === 0 };
}
