import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSignedIn } from '../context';
import { hrefOf } from '../router';
import { Columns, Loading, Options, Problem, Section, Status, time } from '../ui';
import type { AdoptionFigures, ModelStatus, ModelSummary } from './model-views';

const percent = (ratio: number) => `${Math.round(ratio * 1000) / 10} %`;

/** The deployment models (model review's catalogue), and how far deployments use them: adoption by month. */
export function Models() {
  const { gantry } = useSignedIn();
  const [status, setStatus] = useState<ModelStatus | ''>('');
  const models = useQuery({
    queryKey: ['models', status],
    queryFn: async () => (await gantry.get('/models', { query: status ? { status } : {} })).data.models as ModelSummary[],
  });
  const adoption = useQuery({
    queryKey: ['model-adoption'],
    queryFn: async () => (await gantry.get('/model-adoption', { query: { period: 'month' } })).data.periods as AdoptionFigures[],
  });

  return (
    <>
      <h1>Deployment models</h1>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value as ModelStatus | '')}>
            <option value="">any</option>
            <Options values={['draft', 'active', 'retired']} />
          </select>
        </label>
      </form>
      <Problem error={models.error} />
      {models.isPending ? (
        <Loading what="deployment models" />
      ) : (
        <table>
          <caption>{models.data?.length ?? 0} deployment models</caption>
          <Columns names={['Model', 'Status', 'Active version', 'Draft', 'Published', 'Strategy', 'What it is for']} />
          <tbody>
            {(models.data ?? []).map((m) => (
              <tr key={m.name}>
                <th scope="row">
                  <a href={hrefOf({ view: 'model', name: m.name })}>{m.name}</a>
                </th>
                <td>
                  <Status status={m.status} />
                </td>
                <td>{m.activeVersion ?? '—'}</td>
                <td>{m.draftVersion ?? '—'}</td>
                <td>{time(m.publishedAt)}</td>
                <td>{m.content.strategy?.type ?? '—'}</td>
                <td>{m.content.description ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Section title="Adoption of the agreed approach">
        <p>Deployments planned with an active model (not ad hoc, not a retired one), by month.</p>
        <Problem error={adoption.error} />
        {adoption.data && (
          <table>
            <caption>Adoption by month</caption>
            <Columns names={['Month', 'Planned', 'With an active model', 'Adoption']} />
            <tbody>
              {adoption.data.map((p) => (
                <tr key={p.periodStart}>
                  <td>{p.periodStart.slice(0, 7)}</td>
                  <td>{p.planned}</td>
                  <td>{p.withActiveModel}</td>
                  <td>{percent(p.adoptionRate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </>
  );
}
