import { Columns, Section } from '../ui';
import { recordDifferences, shown } from './record-difference';

/**
 * The deployment record twice: rebuilt from the ledger by folding the deployment's entries (`state`), and records'
 * live record (`projection`), with the verdict whether they agree and, when not, each field that differs.
 */
export function RecordAgreement({ rebuilt, live, entries }: { rebuilt: Record<string, unknown>; live: Record<string, unknown> | null; entries: number }) {
  const differences = live ? recordDifferences(rebuilt, live) : [];
  const agree = live !== null && differences.length === 0;
  const fields = [...new Set([...Object.keys(rebuilt), ...Object.keys(live ?? {})])].sort();
  const differing = new Set(differences.map((d) => d.field.split(/[.[]/)[0]));
  return (
    <Section title="The record: rebuilt from the ledger and live">
      <p role="status" data-testid="record-verdict" className={agree ? 'verdict verdict-ok' : 'verdict verdict-refused'}>
        {live === null
          ? `Records has no live record of this deployment: only the one rebuilt from its ${entries} ledger entries.`
          : agree
            ? `They agree: the record rebuilt from the ledger's ${entries} entries is the live record, field for field.`
            : `They disagree on ${differences.length} field${differences.length === 1 ? '' : 's'}: the live record is not what the ledger's entries make.`}
      </p>
      {differences.length > 0 && (
        <table data-testid="record-differences">
          <caption>Fields that differ</caption>
          <Columns names={['Field', 'Rebuilt from the ledger', 'Live record']} />
          <tbody>
            {differences.map((d) => (
              <tr key={d.field}>
                <th scope="row">
                  <code>{d.field || '(the whole record)'}</code>
                </th>
                <td>
                  <code>{shown(d.rebuilt)}</code>
                </td>
                <td>
                  <code>{shown(d.live)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <details>
        <summary>Both records, side by side</summary>
        <table className="records">
          <caption>The deployment record, field by field</caption>
          <Columns names={['Field', 'Rebuilt from the ledger', 'Live record']} />
          <tbody>
            {fields.map((field) => (
              <tr key={field} className={differing.has(field) ? 'differs' : undefined}>
                <th scope="row">
                  {field}
                  {differing.has(field) && ' (differs)'}
                </th>
                <td>
                  <code>{shown(rebuilt[field])}</code>
                </td>
                <td>
                  <code>{live ? shown(live[field]) : '—'}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </Section>
  );
}
