import { useQuery } from '@tanstack/react-query';
import { useRef, useState, type KeyboardEvent } from 'react';
import { useSignedIn } from '../context';
import { useEnvironments, type EnvironmentView } from '../environments/use-environments';
import { hrefOf } from '../router';
import { Loading, Problem } from '../ui';
import { calendarOf, localDate, spanOf, type Booking, type CalendarDay, type CalendarItem } from './calendar';

const DEFAULT_DAYS = 14;
const MAX_DAYS = 62;
const WEEKDAY_HEADINGS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/**
 * The forward schedule as a calendar: for one environment or each, a span of days (by default the coming 14) in the
 * environment's own time zone, with its deployment windows, its freezes and the deployments booked into it.
 */
export function ScheduleCalendar() {
  const environments = useEnvironments();
  const [chosen, setChosen] = useState('');
  const [from, setFrom] = useState('');
  const [days, setDays] = useState(DEFAULT_DAYS);
  const active = (environments.data ?? []).filter((e) => e.status === 'active').sort((a, b) => a.definition.position - b.definition.position || a.name.localeCompare(b.name));
  const shown = chosen ? active.filter((e) => e.name === chosen) : active;
  return (
    <>
      <h1>Schedule</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <div>
          <label htmlFor="schedule-environment">Environment</label>
          <select id="schedule-environment" value={chosen} onChange={(e) => setChosen(e.target.value)}>
            <option value="">all</option>
            {active.map((e) => (
              <option key={e.name}>{e.name}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="schedule-from">From</label>
          <input id="schedule-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} aria-describedby="schedule-from-hint" />
          <span id="schedule-from-hint" className="sub">
            empty: today in each environment’s time zone
          </span>
        </div>
        <div>
          <label htmlFor="schedule-days">Days</label>
          <input id="schedule-days" type="number" min={1} max={MAX_DAYS} value={days} onChange={(e) => setDays(Math.min(MAX_DAYS, Math.max(1, Number(e.target.value) || DEFAULT_DAYS)))} />
        </div>
      </form>
      <Problem error={environments.error} />
      {environments.isPending ? <Loading what="the environments" /> : shown.map((e) => <EnvironmentCalendar key={e.name} environment={e} from={from} days={days} />)}
    </>
  );
}

function EnvironmentCalendar({ environment, from, days }: { environment: EnvironmentView; from: string; days: number }) {
  const { gantry } = useSignedIn();
  const { timeZone, deploymentWindows, freezes } = environment.definition;
  const today = localDate(timeZone, Date.now());
  const first = from || today;
  const span = spanOf(timeZone, first, days);
  const schedule = useQuery({
    queryKey: ['schedule', environment.name, span.start, span.end],
    queryFn: async () =>
      (await gantry.get('/schedule', { query: { environment: environment.name, from: new Date(span.start).toISOString(), to: new Date(span.end).toISOString() } })).data as { planned: Booking[] },
    refetchInterval: 15_000,
  });
  const calendar = calendarOf({ timeZone, from: first, days, windows: deploymentWindows, freezes, bookings: schedule.data?.planned ?? [] });
  const id = `schedule-${environment.name}`;
  const last = calendar.days[calendar.days.length - 1].date;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{environment.name}</h2>
      <p>
        Times in <strong>{timeZone}</strong>, the environment’s time zone.{' '}
        {calendar.anyTime ? 'It has no deployment windows: deployments may be booked at any time outside its freezes.' : 'Deployments are booked inside its deployment windows, outside its freezes.'}
      </p>
      <Problem error={schedule.error} />
      {schedule.isPending ? (
        <Loading what={`the schedule of ${environment.name}`} />
      ) : (
        <DayGrid caption={`${environment.name}: ${dayLabel(first)} to ${dayLabel(last)}`} weeks={calendar.weeks} today={today} />
      )}
    </section>
  );
}

const MOVES: Record<string, number> = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -7, ArrowDown: 7 };

/**
 * The days in weeks, Monday to Sunday, as a table: each day a cell with its date and a list of what happens on it.
 * One day is in the tab order; the arrow keys move between days (a week up or down), Home and End to the first and last.
 */
function DayGrid({ caption, weeks, today }: { caption: string; weeks: (CalendarDay | null)[][]; today: string }) {
  const days = weeks.flat().filter((d): d is CalendarDay => d !== null);
  const [focused, setFocused] = useState(() => Math.max(0, days.findIndex((d) => d.date === today)));
  const cells = useRef(new Map<string, HTMLTableCellElement>());
  const current = Math.min(focused, days.length - 1);
  const move = (event: KeyboardEvent) => {
    const to = event.key === 'Home' ? 0 : event.key === 'End' ? days.length - 1 : MOVES[event.key] === undefined ? undefined : current + MOVES[event.key];
    if (to === undefined || !(event.target instanceof HTMLTableCellElement)) return;
    event.preventDefault();
    const next = Math.min(days.length - 1, Math.max(0, to));
    setFocused(next);
    cells.current.get(days[next].date)?.focus();
  };
  return (
    <table className="calendar" onKeyDown={move}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          {WEEKDAY_HEADINGS.map((name) => (
            <th scope="col" key={name}>
              {name}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {weeks.map((week, w) => (
          <tr key={w}>
            {week.map((day, d) =>
              day ? (
                <td
                  key={day.date}
                  ref={(cell) => void (cell ? cells.current.set(day.date, cell) : cells.current.delete(day.date))}
                  tabIndex={days[current]?.date === day.date ? 0 : -1}
                  onFocus={() => setFocused(days.indexOf(day))}
                  data-date={day.date}
                  className={day.date === today ? 'today' : undefined}
                >
                  <span className="date">
                    {dayLabel(day.date)}
                    {day.date === today ? ' (today)' : ''}
                  </span>
                  {day.items.length > 0 ? (
                    <ul aria-label={`On ${dayLabel(day.date)}`}>
                      {day.items.map((item, i) => (
                        <Item key={i} item={item} />
                      ))}
                    </ul>
                  ) : (
                    <span className="none">nothing</span>
                  )}
                </td>
              ) : (
                <td key={`empty-${d}`} className="outside" aria-hidden="true" />
              ),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A local date as people read it: `7 Dec 2026`. */
const dayLabel = (date: string) => new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(`${date}T00:00:00Z`));

const span = (item: CalendarItem) => `${item.continues.before ? '(from the day before) ' : ''}${item.from}–${item.to}${item.continues.after ? ' (into the next day)' : ''}`;

function Item({ item }: { item: CalendarItem }) {
  switch (item.kind) {
    case 'window':
      return <li className="item item-window">Deployment window {span(item)}</li>;
    case 'freeze':
      return (
        <li className="item item-freeze">
          Freeze {span(item)}: {item.reason} ({item.id}
          {item.services ? `; only ${item.services.join(', ')}` : ''})
        </li>
      );
    case 'booking':
      return (
        <li className="item item-booking">
          Booked {span(item)}: <a href={hrefOf({ view: 'deployment', id: item.deploymentId })}>{item.service}</a>
          {item.targets?.length ? ` on ${item.targets.join(', ')}` : ''}
        </li>
      );
    default: {
      const never: never = item;
      return never;
    }
  }
}
