import { stringify } from 'yaml';

export const FORMATS = ['table', 'json', 'yaml'] as const;
export type Format = (typeof FORMATS)[number];

/** A table's column: its header and how a row gives its cell. */
export interface Column {
  header: string;
  cell: (row: any) => unknown;
  /** whether the cell is a status, coloured by what it says (default: a header that names one) */
  status?: (row: any) => boolean;
}

/** What a read shows: the data as the server answered it (json, yaml) and, for `table`, rows and their columns. */
export interface View {
  data: unknown;
  rows: readonly unknown[];
  columns: readonly Column[];
}

/** ANSI styles, or none: colour only on a terminal and when NO_COLOR is unset (no-color.org). */
export interface Style {
  bold(text: string): string;
  status(text: string): string;
}

const sgr = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
const GOOD = new Set(['succeeded', 'active', 'approved', 'completed', 'intact', 'true']);
const BAD = new Set(['failed', 'rolled-back', 'rejected', 'cancelled', 'aborted', 'denied', 'broken', 'false']);

export const plainStyle: Style = { bold: (t) => t, status: (t) => t };
export const colourStyle: Style = {
  bold: sgr(1),
  status: (t) => (GOOD.has(t) ? sgr(32)(t) : BAD.has(t) ? sgr(31)(t) : t ? sgr(33)(t) : t),
};

export const styleFor = (stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Style => (stream.isTTY && env.NO_COLOR === undefined ? colourStyle : plainStyle);

/** A cell's text: scalars as they are, lists of scalars joined, anything else as compact JSON. */
export function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object' || v === null)) return value.map(cellText).join(',');
  return JSON.stringify(value);
}

const STATUS = /^(status|outcome|state|intact)$/i;

/** Columns aligned with two spaces between them, headers in capitals, as kubectl prints them. */
export function table(rows: readonly unknown[], columns: readonly Column[], style: Style = plainStyle): string {
  const cells = rows.map((row) => columns.map((c) => cellText(c.cell(row)).replace(/\s*\n\s*/g, ' ')));
  const headers = columns.map((c) => c.header.toUpperCase());
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[], paint: (text: string, i: number) => string) =>
    values
      .map((v, i) => (i === values.length - 1 ? paint(v, i) : paint(v, i) + ' '.repeat(widths[i] - v.length + 2)))
      .join('')
      .trimEnd();
  const isStatus = (row: unknown, c: Column) => (c.status ? c.status(row) : STATUS.test(c.header));
  const body = cells.map((r, j) => line(r, (v, i) => (isStatus(rows[j], columns[i]) ? style.status(v) : v)));
  return [line(headers, (h) => style.bold(h)), ...body].join('\n') + '\n';
}

/** One object field by field, a line each (FIELD, VALUE): what `get` shows of one thing. */
export function detailView(object: unknown, names: readonly string[]): View {
  const o = (object ?? {}) as Record<string, unknown>;
  return {
    data: object,
    rows: names.filter((n) => o[n] !== undefined).map((name) => ({ name, value: o[name] })),
    columns: [
      { header: 'field', cell: (r: { name: string }) => r.name },
      { header: 'value', cell: (r: { value: unknown }) => r.value, status: (r: { name: string }) => STATUS.test(r.name) },
    ],
  };
}

/** The text a read prints in a format. */
export function render(view: View, format: Format, style: Style = plainStyle): string {
  if (format === 'json') return `${JSON.stringify(view.data, null, 2)}\n`;
  if (format === 'yaml') return stringify(view.data);
  return table(view.rows, view.columns, style);
}
