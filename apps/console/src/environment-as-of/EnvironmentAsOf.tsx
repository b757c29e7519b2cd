import { useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSignedIn } from '../context';
import { hrefOf } from '../router';
import { Columns, Loading, Options, Problem, time } from '../ui';
import { instantOf, localInputOf } from './local-time';

/** One service as it stood in the environment: the last deployment that closed `succeeded` for it by then. */
interface DeployedService {
  service: string;
  deploymentId: string;
  changeId?: string;
  releaseId?: string;
  components: { name: string; version: string; kind?: string; digest?: string }[];
  model: { name: string; version: number } | null;
  requestedBy?: string;
  approvals: { gate: string; by: string; role: string }[];
  closedAt: string;
}

/**
 * What was deployed in an environment as of any time (records' `GET /audit/environments/:name/state`, rebuilt from the
 * ledger): per service the component versions, the deployment that put them there (to its ledger timeline), its
 * change, who asked for it and who approved it. The environment and the time are in the URL, so a view can be passed on.
 */
export function EnvironmentAsOf({ name, asOf }: { name?: string; asOf?: string }) {
  const { gantry } = useSignedIn();
  const environments = useQuery({ queryKey: ['environments'], queryFn: async () => (await gantry.get('/environments')).data.environments as { name: string }[] });
  const [chosen, setChosen] = useState(name ?? '');
  const [when, setWhen] = useState(() => (asOf ? localInputOf(asOf) : ''));
  const state = useQuery({
    queryKey: ['environment-as-of', name, asOf],
    queryFn: async () =>
      (await gantry.get('/audit/environments/{name}/state', { path: { name: name! }, query: asOf ? { asOf } : {} })).data as { environment: string; asOf: string; services: DeployedService[] },
    enabled: Boolean(name),
  });
  const show = (event: FormEvent) => {
    event.preventDefault();
    const instant = when ? instantOf(when) : undefined;
    if (chosen) window.location.hash = hrefOf({ view: 'environment-as-of', name: chosen, asOf: instant });
  };
  const names = [...new Set([...(environments.data ?? []).map((e) => e.name), ...(name ? [name] : [])])].sort();

  return (
    <>
      <h1>{name ? `${name} as of ${asOf ? time(asOf) : 'now'}` : 'An environment as of a time'}</h1>
      <form className="filters" onSubmit={show}>
        <label>
          Environment
          <select value={chosen} onChange={(e) => setChosen(e.target.value)} required>
            <option value="" disabled>
              choose one
            </option>
            <Options values={names} />
          </select>
        </label>
        <label>
          As of (your time zone; empty: now)
          <input type="datetime-local" step="0.001" value={when} onChange={(e) => setWhen(e.target.value)} />
        </label>
        <button type="submit" disabled={!chosen}>
          Show
        </button>
      </form>
      <Problem error={environments.error ?? state.error} />
      {name && state.isPending && <Loading what={`${name} as of then`} />}
      {state.data && (
        <table>
          <caption>
            What was deployed in {state.data.environment} as of {time(state.data.asOf)} ({state.data.asOf}): {state.data.services.length} service
            {state.data.services.length === 1 ? '' : 's'}
          </caption>
          <Columns names={['Service', 'Component versions', 'Deployment', 'Change', 'Requested by', 'Approved by', 'Model', 'Closed']} />
          <tbody>
            {state.data.services.map((s) => (
              <tr key={s.service} data-service={s.service}>
                <th scope="row">{s.service}</th>
                <td>
                  <ul className="plain">
                    {s.components.map((c) => (
                      <li key={c.name} title={c.digest}>
                        {c.name} {c.version}
                      </li>
                    ))}
                  </ul>
                </td>
                <td>
                  <a href={hrefOf({ view: 'audit', id: s.deploymentId })}>{s.deploymentId}</a>
                </td>
                <td>{s.changeId ?? '—'}</td>
                <td>{s.requestedBy ?? '—'}</td>
                <td>{s.approvals.length ? s.approvals.map((a) => `${a.by} (${a.gate})`).join(', ') : '—'}</td>
                <td>{s.model ? `${s.model.name} v${s.model.version}` : 'ad hoc'}</td>
                <td>{time(s.closedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
