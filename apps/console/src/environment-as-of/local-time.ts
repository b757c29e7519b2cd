/**
 * A `datetime-local` input holds a wall-clock time without a zone, read in the browser's time zone; the API takes an
 * instant (ISO 8601, UTC). These convert between the two, to the millisecond. In the hour the clocks repeat when
 * summer time ends, a wall-clock time names two instants: the browser takes the first (the URL keeps the instant).
 */
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The input's value for an instant: `2026-12-07T15:38:31.076` in Europe/Berlin for `2026-12-07T14:38:31.076Z`. */
export function localInputOf(instant: string): string {
  const d = new Date(instant);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** The instant an input's value names (a date-time without an offset is local time), or undefined when it names none. */
export function instantOf(localInput: string): string | undefined {
  const d = new Date(localInput);
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(localInput) && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined;
}
