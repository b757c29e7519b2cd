import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useSignedIn } from '../context';
import { hrefOf } from '../router';
import { Columns, Loading, Options, Problem, Status, time } from '../ui';

const STATUSES = ['requested', 'planned', 'verified', 'executing', 'executed', 'succeeded', 'failed', 'rolled-back', 'cancelled', 'rejected'];

interface DeploymentSummary {
  deploymentId: string;
  status: string;
  request?: { service?: string; changeId?: string; environment?: string; requestedBy?: string; requestedAt?: string; components?: { name: string; version: string }[] };
}

/** Newest first, filtered by environment and status on the server, searched by text here. */
export function DeploymentList() {
  const { gantry } = useSignedIn();
  const [environment, setEnvironment] = useState('');
  const [status, setStatus] = useState('');
  const [search, setSearch] = useState('');
  const environments = useQuery({ queryKey: ['environments'], queryFn: async () => (await gantry.get('/environments')).data.environments as { name: string }[] });
  const deployments = useQuery({
    queryKey: ['deployments', environment, status],
    queryFn: async () =>
      (await gantry.get('/deployments', { query: { ...(environment ? { environment } : {}), ...(status ? { status: status as 'planned' } : {}), limit: 200 } })).data
        .deployments as DeploymentSummary[],
    refetchInterval: 5000,
  });
  const words = search.trim().toLowerCase();
  const shown = (deployments.data ?? []).filter((d) => !words || searchableText(d).includes(words));

  return (
    <>
      <h1>Deployments</h1>
      <form className="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label>
          Environment
          <select value={environment} onChange={(e) => setEnvironment(e.target.value)}>
            <option value="">any</option>
            <Options values={(environments.data ?? []).map((e) => e.name)} />
          </select>
        </label>
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">any</option>
            <Options values={STATUSES} />
          </select>
        </label>
        <label>
          Search
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} placeholder="service, change, component, person" />
        </label>
      </form>
      <Problem error={deployments.error} />
      {deployments.isPending ? (
        <Loading what="deployments" />
      ) : (
        <table>
          <caption>{shown.length} deployments</caption>
          <Columns names={['Service', 'Change', 'Environment', 'Components', 'Status', 'Requested']} />
          <tbody>
            {shown.map((d) => (
              <tr key={d.deploymentId}>
                <td>
                  <a href={hrefOf({ view: 'deployment', id: d.deploymentId })}>{d.request?.service ?? d.deploymentId}</a>
                </td>
                <td>{d.request?.changeId}</td>
                <td>{d.request?.environment}</td>
                <td>{d.request?.components?.map((c) => `${c.name} ${c.version}`).join(', ')}</td>
                <td>
                  <Status status={d.status} />
                </td>
                <td>
                  {time(d.request?.requestedAt)} by {d.request?.requestedBy}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

const searchableText = (d: DeploymentSummary) =>
  [d.deploymentId, d.request?.service, d.request?.changeId, d.request?.requestedBy, ...(d.request?.components ?? []).map((c) => `${c.name} ${c.version}`)]
    .join(' ')
    .toLowerCase();
