import type { ReactNode } from 'react';
import { describeError } from './gantry';

/** A query's or an action's failure, announced to screen readers. */
export const Problem = ({ error }: { error: unknown }) => (error ? <p role="alert" className="problem">{describeError(error)}</p> : null);

export const Loading = ({ what }: { what: string }) => <p aria-live="polite">Loading {what}…</p>;

export const Section = ({ title, children, id }: { title: string; children: ReactNode; id?: string }) => (
  <section aria-labelledby={id ?? slug(title)}>
    <h2 id={id ?? slug(title)}>{title}</h2>
    {children}
  </section>
);

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-');

export const Status = ({ status }: { status: string }) => <span className={`status status-${status}`}>{status}</span>;

export const time = (iso: unknown) => (typeof iso === 'string' ? new Date(iso).toLocaleString() : '—');

/** A table's column headings. */
export const Columns = ({ names }: { names: readonly string[] }) => (
  <thead>
    <tr>
      {names.map((name) => (
        <th scope="col" key={name}>
          {name}
        </th>
      ))}
    </tr>
  </thead>
);

/** A select's options, each its own value. */
export const Options = ({ values }: { values: readonly string[] }) => (
  <>
    {values.map((value) => (
      <option key={value}>{value}</option>
    ))}
  </>
);
