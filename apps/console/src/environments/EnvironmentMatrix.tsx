import { useQueries, useQuery } from '@tanstack/react-query';
import { GantryError } from '@gantry/client';
import { useSignedIn } from '../context';
import { hrefOf } from '../router';
import { mayOffer } from '../session';
import { Loading, Problem, time } from '../ui';
import { useEnvironments } from './use-environments';
import { matrixOf, standingFromSucceeded, type EnvironmentColumn, type MatrixCell, type Standing, type SucceededDeployment } from './environment-matrix';

const REFRESH_MS = 15_000;

/**
 * What is deployed where: services by environments. With the ledger (`audit:read`), what stands in each environment
 * as records folds it (with the live side of blue-green) and the deployments in their monitoring period; without it,
 * planning's succeeded deployments and verification's monitoring periods, as far as the role reads them.
 */
export function EnvironmentMatrix() {
  const { gantry, session } = useSignedIn();
  const ledger = mayOffer(session, 'audit:read');
  const environments = useEnvironments();
  const states = useQueries({
    queries: (ledger ? (environments.data ?? []) : []).map((e) => ({
      queryKey: ['environment-state', e.name],
      queryFn: async () => ((await gantry.get('/audit/environments/{name}/state', { path: { name: e.name } })).data.services ?? []) as Standing[],
      refetchInterval: REFRESH_MS,
    })),
  });
  const succeeded = useQuery({
    queryKey: ['deployments', '', 'succeeded', 500],
    queryFn: async () => (await gantry.get('/deployments', { query: { status: 'succeeded', limit: 500 } })).data.deployments as SucceededDeployment[],
    enabled: !ledger && mayOffer(session, 'deployments:read'),
    refetchInterval: REFRESH_MS,
  });
  const standing: Record<string, Standing[]> = ledger
    ? Object.fromEntries((environments.data ?? []).map((e, i) => [e.name, states[i]?.data ?? []]))
    : standingFromSucceeded(succeeded.data ?? []);
  const watched = useInMonitoring(ledger, Object.values(standing).flat());

  if (environments.isPending) return <Loading what="the environments" />;
  if (environments.error) return <Problem error={environments.error} />;
  const columns = environments.data.map((e): EnvironmentColumn => ({ name: e.name, status: e.status, kind: e.definition.kind, position: e.definition.position }));
  const matrix = matrixOf(columns, standing, watched.ids);
  const unread = [
    !ledger && 'the ledger (audit:read): what stands is taken from planning’s last 500 succeeded deployments, without the live side of blue-green',
    !ledger && !mayOffer(session, 'deployments:read') && 'deployments (deployments:read): nothing deployed is shown',
    !watched.known && 'monitoring periods (audit:read or verifications:read): deployments in theirs are not marked',
  ].filter(Boolean);

  return (
    <>
      <h1>Environments</h1>
      <p>Which versions stand in each environment, the deployment that put them there, and which of those deployments are still in their monitoring period.</p>
      {unread.length > 0 && (
        <div className="note" role="note">
          <p>Your role does not read:</p>
          <ul>
            {unread.map((what) => (
              <li key={what as string}>{what}</li>
            ))}
          </ul>
        </div>
      )}
      <Problem error={states.find((s) => s.error)?.error ?? succeeded.error ?? watched.error} />
      <div className="scrolls" role="region" aria-labelledby="matrix-caption" tabIndex={0}>
        <table className="matrix">
          <caption id="matrix-caption">
            {count(matrix.rows.length, 'service')} in {count(matrix.environments.length, 'environment')}, in the order of the flow
          </caption>
          <thead>
            <tr>
              <th scope="col">Service</th>
              {matrix.environments.map((e) => (
                <th scope="col" key={e.name} data-environment={e.name}>
                  {/* with the ledger, what stood there at another time is one step away */}
                  {ledger ? <a href={hrefOf({ view: 'environment-as-of', name: e.name })}>{e.name}</a> : e.name}
                  <span className="sub">
                    {e.kind}
                    {e.status !== 'active' ? `, ${e.status}` : ''}
                  </span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {matrix.rows.map((row) => (
              <tr key={row.service}>
                <th scope="row">{row.service}</th>
                {row.cells.map((cell, i) => (
                  <td key={matrix.environments[i].name} data-environment={matrix.environments[i].name}>
                    {cell ? <Cell cell={cell} /> : <span className="none">not deployed</span>}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

function Cell({ cell }: { cell: MatrixCell }) {
  return (
    <>
      <ul className="versions">
        {cell.components.map((c) => (
          <li key={c.name}>
            {c.name} <strong>{c.version}</strong>
          </li>
        ))}
      </ul>
      <a href={hrefOf({ view: 'deployment', id: cell.deploymentId })} title={`deployment ${cell.deploymentId}`}>
        {cell.changeId ?? cell.deploymentId.slice(0, 8)}
      </a>
      {cell.closedAt && <span className="sub">since {time(cell.closedAt)}</span>}
      {cell.liveSide && <span className="mark">live: {cell.liveSide}</span>}
      {cell.inMonitoring && <span className="mark mark-watch">in monitoring</span>}
    </>
  );
}

/**
 * The deployments in their monitoring period among those shown: one query to records for a role with the ledger,
 * otherwise one to verification per deployment shown (404: none began).
 */
function useInMonitoring(ledger: boolean, shown: readonly Standing[]): { ids: ReadonlySet<string>; known: boolean; error: unknown } {
  const { gantry, session } = useSignedIn();
  const records = useQuery({
    queryKey: ['in-monitoring'],
    queryFn: async () => ((await gantry.get('/audit/deployments', { query: { monitoring: 'in-monitoring', limit: 200 } })).data.deployments as { deploymentId: string }[]).map((d) => d.deploymentId),
    enabled: ledger,
    refetchInterval: REFRESH_MS,
  });
  const perDeployment = !ledger && mayOffer(session, 'verifications:read');
  const periods = useQueries({
    queries: (perDeployment ? shown : []).map((s) => ({
      queryKey: ['monitoring', s.deploymentId],
      queryFn: async () => {
        try {
          return ((await gantry.get('/verifications/{deploymentId}/monitoring', { path: { deploymentId: s.deploymentId } })).data as { status: string }).status;
        } catch (error) {
          if (error instanceof GantryError && error.status === 404) return 'none';
          throw error;
        }
      },
      refetchInterval: REFRESH_MS,
    })),
  });
  if (ledger) return { ids: new Set(records.data ?? []), known: true, error: records.error };
  const ids = new Set(shown.filter((_, i) => periods[i]?.data === 'in-monitoring').map((s) => s.deploymentId));
  return { ids, known: perDeployment, error: periods.find((p) => p.error)?.error };
}
