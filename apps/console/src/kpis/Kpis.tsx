import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSignedIn } from '../context';
import { hrefOf } from '../router';
import { mayOffer } from '../session';
import { Columns, Loading, Options, Problem, Section } from '../ui';
import { BarChart } from './BarChart';

type Period = 'day' | 'week' | 'month';
const ENVIRONMENT_KINDS = ['production', 'staging', 'test', 'integration', 'development'] as const;

interface Kpi {
  name: string;
  unit: string;
  value: number | null;
  numerator: number;
  denominator: number;
  deployments: string[];
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/** The KPIs over a chosen period: each one's definition, and per period its value, numerator, denominator and contributors. */
export function Kpis() {
  const { gantry, session } = useSignedIn();
  // each contributor leads to its deployment's record (its ledger timeline) for those who may read the ledger
  const recordOf = (id: string) => (mayOffer(session, 'audit:read') ? hrefOf({ view: 'audit', id }) : hrefOf({ view: 'deployment', id }));
  const [period, setPeriod] = useState<Period>('week');
  const [from, setFrom] = useState(() => day(-30));
  const [to, setTo] = useState(() => day(1));
  const [environmentKind, setEnvironmentKind] = useState<(typeof ENVIRONMENT_KINDS)[number]>('production');
  const [chosen, setChosen] = useState('successful-deployments');
  const definitions = useQuery({
    queryKey: ['kpi-definitions'],
    queryFn: async () => (await gantry.get('/kpis/definitions')).data as Record<string, { definition: string; unit: string; version: number }>,
  });
  const kpis = useQuery({
    queryKey: ['kpis', period, from, to, environmentKind],
    queryFn: async () =>
      (await gantry.get('/kpis', { query: { period, from: new Date(from).toISOString(), to: new Date(to).toISOString(), environmentKind } })).data as {
        periods: { start: string; end: string; kpis: Kpi[] }[];
      },
  });
  const definition = definitions.data?.[chosen];
  const rows = (kpis.data?.periods ?? []).map((p) => ({ start: p.start.slice(0, 10), kpi: p.kpis.find((k) => k.name === chosen) }));

  return (
    <>
      <h1>KPIs</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          KPI
          <select value={chosen} onChange={(e) => setChosen(e.target.value)}>
            <Options values={Object.keys(definitions.data ?? {})} />
          </select>
        </label>
        <label>
          By
          <select value={period} onChange={(e) => setPeriod(e.target.value as Period)}>
            <Options values={['day', 'week', 'month']} />
          </select>
        </label>
        <label>
          From
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          To
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <label>
          Environments of kind
          <select value={environmentKind} onChange={(e) => setEnvironmentKind(e.target.value as typeof environmentKind)}>
            <Options values={ENVIRONMENT_KINDS} />
          </select>
        </label>
      </form>
      <Problem error={kpis.error ?? definitions.error} />
      {definition && (
        <Section title={chosen} id="kpi-heading">
          <p data-testid="kpi-definition">
            {definition.definition} (unit: {definition.unit}; definition version {definition.version})
          </p>
          {kpis.isPending ? (
            <Loading what="the KPIs" />
          ) : (
            <>
              <BarChart bars={rows.map((r) => ({ label: r.start, value: r.kpi?.value ?? null }))} label={chosen} unit={definition.unit} />
              <table>
                <caption>
                  {chosen} by {period}
                </caption>
                <Columns names={['Period from', 'Value', 'Numerator', 'Denominator', 'Contributing deployments']} />
                <tbody>
                  {rows.map(({ start, kpi }) => (
                    <tr key={start} data-period={start}>
                      <td>{start}</td>
                      <td>{kpi?.value ?? '—'}</td>
                      <td>{kpi?.numerator ?? '—'}</td>
                      <td>{kpi?.denominator ?? '—'}</td>
                      <td>
                        <ul className="contributors">
                          {(kpi?.deployments ?? []).map((id) => (
                            <li key={id}>
                              <a href={recordOf(id)}>{id}</a>
                            </li>
                          ))}
                        </ul>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </Section>
      )}
    </>
  );
}
