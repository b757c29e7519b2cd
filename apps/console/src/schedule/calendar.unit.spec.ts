import { calendarOf, localDate, type Booking, type Freeze, type WeeklyWindow } from './calendar';

/** The forward schedule laid out day by day in the environment's time zone (Berlin: UTC+1 in winter, +2 in summer). */
const BERLIN = 'Europe/Berlin';
const saturdayNights: WeeklyWindow = { days: ['saturday'], start: '22:00', end: '04:00' };

const layout = (given: { windows?: WeeklyWindow[]; freezes?: Freeze[]; bookings?: Booking[] }, from = '2026-03-25', days = 14) =>
  calendarOf({ timeZone: BERLIN, from, days, windows: given.windows ?? [], freezes: given.freezes ?? [], bookings: given.bookings ?? [] });
const day = (calendar: ReturnType<typeof calendarOf>, date: string) => calendar.days.find((d) => d.date === date)!;

it('given a window over midnight, when laid out, then it shows on the evening it opens and on the morning it closes', () => {
  const calendar = layout({ windows: [saturdayNights] });
  expect(day(calendar, '2026-03-28').items).toEqual([{ kind: 'window', from: '22:00', to: '24:00', continues: { before: false, after: true } }]);
  // the night the clocks go forward: still 00:00 to 04:00 on the wall, an hour shorter in real time
  expect(day(calendar, '2026-03-29').items).toEqual([{ kind: 'window', from: '00:00', to: '04:00', continues: { before: true, after: false } }]);
  expect(day(calendar, '2026-03-27').items).toEqual([]);
});

it('given a span across the change to summer time, when laid out, then each day starts at its own local midnight', () => {
  const calendar = layout({}, '2026-03-28', 3);
  expect(calendar.span).toEqual({ start: Date.parse('2026-03-27T23:00:00Z'), end: Date.parse('2026-03-30T22:00:00Z') });
  expect(calendar.days.map((d) => [d.date, d.weekday])).toEqual([
    ['2026-03-28', 'saturday'],
    ['2026-03-29', 'sunday'],
    ['2026-03-30', 'monday'],
  ]);
});

it('given a freeze of several days, when laid out, then every day it covers shows it, whole in the middle', () => {
  const freeze: Freeze = { id: 'quarter-end', reason: 'quarter-end closing', start: '2026-03-30T16:00:00Z', end: '2026-04-01T08:00:00Z', services: ['payments'] };
  const calendar = layout({ freezes: [freeze] });
  const what = { kind: 'freeze', id: 'quarter-end', reason: 'quarter-end closing', services: ['payments'] };
  expect(day(calendar, '2026-03-30').items).toEqual([{ ...what, from: '18:00', to: '24:00', continues: { before: false, after: true } }]);
  expect(day(calendar, '2026-03-31').items).toEqual([{ ...what, from: '00:00', to: '24:00', continues: { before: true, after: true } }]);
  expect(day(calendar, '2026-04-01').items).toEqual([{ ...what, from: '00:00', to: '10:00', continues: { before: true, after: false } }]);
});

it('given a weekly freeze, when laid out, then each of its occurrences shows in local time', () => {
  const calendar = layout({ freezes: [{ id: 'month-end', reason: 'billing run', weekly: { days: ['friday'], start: '18:00', end: '23:00' } }] });
  expect(calendar.days.filter((d) => d.items.length > 0).map((d) => `${d.date} ${d.items[0].from}-${d.items[0].to}`)).toEqual(['2026-03-27 18:00-23:00', '2026-04-03 18:00-23:00']);
});

it('given a deployment booked into a window, when laid out, then its day lists the window, then the booking, with the service and deployment', () => {
  const booking: Booking = { deploymentId: 'd-1', service: 'payments', targets: ['eu-1'], window: { start: '2026-03-28T21:30:00Z', end: '2026-03-28T22:30:00Z' } };
  const calendar = layout({ windows: [saturdayNights], bookings: [booking] });
  expect(day(calendar, '2026-03-28').items).toEqual([
    { kind: 'window', from: '22:00', to: '24:00', continues: { before: false, after: true } },
    { kind: 'booking', deploymentId: 'd-1', service: 'payments', targets: ['eu-1'], from: '22:30', to: '23:30', continues: { before: false, after: false } },
  ]);
});

it('given a span that starts on a Wednesday, when laid out in weeks, then weeks run Monday to Sunday with empty days around the span', () => {
  const calendar = layout({});
  expect(calendar.weeks.map((week) => week.map((d) => d?.date.slice(8) ?? '--').join(' '))).toEqual([
    '-- -- 25 26 27 28 29',
    '30 31 01 02 03 04 05',
    '06 07 -- -- -- -- --',
  ]);
});

it('given no deployment windows, when laid out, then the calendar says deployments may happen at any time', () => {
  expect(layout({}).anyTime).toBe(true);
  expect(layout({ windows: [saturdayNights] }).anyTime).toBe(false);
});

it("reads today's date in the environment's time zone, not the browser's", () => {
  expect(localDate(BERLIN, Date.parse('2026-12-06T23:30:00Z'))).toBe('2026-12-07');
  expect(localDate('America/New_York', Date.parse('2026-12-06T23:30:00Z'))).toBe('2026-12-06');
});
