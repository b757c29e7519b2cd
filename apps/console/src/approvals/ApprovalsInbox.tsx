import { useMutation, useQueries, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { GantryError } from '@gantry/client';
import { useSignedIn } from '../context';
import type { Run } from '../deployments/run';
import { hrefOf } from '../router';
import { mayOffer } from '../session';
import { Columns, Loading, Problem, time } from '../ui';
import { gatesWaitingFor, type GatedDeployment, type WaitingGate } from './waiting-gates';

/** The statuses of a deployment that may wait at a gate: before its start (planned, verified) and between its waves (executing). */
const GATED_STATUSES = ['planned', 'verified', 'executing'] as const;
const REFRESH_MS = 5000;

/**
 * Every gate waiting for a decision the signed-in person may take, with approve and deny inline. Planning lists the
 * deployments that may wait; execution's run of each says which gates are open and who approved (execution has no
 * list of open gates). The server decides: the gate's roles, never the requester nor the authoriser, each person once.
 */
export function ApprovalsInbox() {
  const { gantry, session } = useSignedIn();
  const readsRuns = mayOffer(session, 'runs:read');
  const lists = useQueries({
    queries: GATED_STATUSES.map((status) => ({
      queryKey: ['deployments', '', status, 200],
      queryFn: async () => (await gantry.get('/deployments', { query: { status, limit: 200 } })).data.deployments as GatedDeployment[],
      refetchInterval: REFRESH_MS,
    })),
  });
  const deployments = lists.flatMap((l) => l.data ?? []);
  const runs = useQueries({
    queries: (readsRuns ? deployments : []).map((d) => ({
      queryKey: ['run', d.deploymentId],
      queryFn: async () => {
        try {
          return (await gantry.get('/runs/{deploymentId}', { path: { deploymentId: d.deploymentId } })).data as Run;
        } catch (error) {
          if (error instanceof GantryError && error.status === 404) return null;
          throw error;
        }
      },
      refetchInterval: REFRESH_MS,
    })),
  });
  const [done, setDone] = useState('');
  const waiting = gatesWaitingFor(
    session,
    deployments.map((deployment, i) => ({ deployment, ...(readsRuns ? { run: runs[i]?.data } : {}) })).filter((c) => !readsRuns || c.run !== undefined),
  );
  const pending = lists.some((l) => l.isPending) || runs.some((r) => r.isPending);

  return (
    <>
      <h1>Approvals</h1>
      <p>
        Gates waiting for a decision you may take{session.roles ? ` as ${session.roles.join(', ')}` : ''}: approve (with a comment if you like), or deny with a reason (a
        denial ends the deployment, or rolls back what its waves did).
        {!readsRuns && ' Your role does not read runs (runs:read): the gates before each start are listed from the plans, without the approvals given so far.'}
      </p>
      <p role="status">{done}</p>
      <Problem error={lists.find((l) => l.error)?.error ?? runs.find((r) => r.error)?.error} />
      {pending && waiting.length === 0 ? (
        <Loading what="the gates waiting" />
      ) : (
        <table className="inbox">
          <caption>{waiting.length === 1 ? '1 gate waits' : `${waiting.length} gates wait`} for you</caption>
          <Columns names={['Deployment', 'Window', 'Gate', 'Decision']} />
          <tbody>
            {waiting.map((w) => (
              <WaitingGateRow key={`${w.deployment.deploymentId}/${w.gate.name}/${w.wave ?? 0}`} waiting={w} onDecided={setDone} />
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function WaitingGateRow({ waiting, onDecided }: { waiting: WaitingGate; onDecided: (what: string) => void }) {
  const { gantry } = useSignedIn();
  const queries = useQueryClient();
  const { deployment, gate, wave, approvalsKnown } = waiting;
  const { deploymentId, request, plan } = deployment;
  const [reason, setReason] = useState('');
  const decide = useMutation({
    mutationFn: async (decision: 'approve' | 'deny') => {
      const path = { deploymentId, gate: gate.name };
      // as on the deployment's page: a comment is the approver's to give (a blank one is none), a denial's reason is required
      await (decision === 'approve'
        ? gantry.post('/runs/{deploymentId}/gates/{gate}/approve', { path, ...(reason.trim() ? { body: { comment: reason } } : {}) })
        : gantry.post('/runs/{deploymentId}/gates/{gate}/deny', { path, body: { reason } }));
      return decision;
    },
    onSuccess: (decision) => onDecided(`${decision === 'approve' ? 'Approved' : 'Denied'} ${gate.name} of ${request?.service ?? deploymentId}.`),
    onSettled: () => Promise.all([queries.invalidateQueries({ queryKey: ['run', deploymentId] }), queries.invalidateQueries({ queryKey: ['deployments'] })]),
  });
  const label = `${gate.name} of ${request?.service ?? deploymentId}`;
  const reasonId = `reason-${deploymentId}-${gate.name}`.replace(/[^A-Za-z0-9_-]/g, '-');
  return (
    <tr>
      <td>
        <a href={hrefOf({ view: 'deployment', id: deploymentId })}>{request?.service ?? deploymentId}</a> to {request?.environment}
        <span className="sub">
          change {request?.changeId}, requested by {request?.requestedBy}; {deployment.status}
        </span>
      </td>
      <td>
        {time(plan?.window?.start)} to {time(plan?.window?.end)}
      </td>
      <td>
        <strong>{gate.name}</strong>
        {wave !== undefined && ` (before wave ${wave})`}
        <span className="sub">
          roles: {gate.roles.join(', ')}; {approvalsKnown ? `${gate.approvers.length} of ${gate.minimumApprovers} approvals${gate.approvers.length ? ` (${gate.approvers.join(', ')})` : ''}` : `${gate.minimumApprovers} approvals needed`}
        </span>
      </td>
      <td>
        <form onSubmit={(e) => e.preventDefault()} aria-label={`Decide ${label}`}>
          <Problem error={decide.error} />
          <label htmlFor={reasonId}>Comment (optional with an approval; a denial's reason)</label>
          <textarea id={reasonId} rows={2} maxLength={2000} value={reason} onChange={(e) => setReason(e.target.value)} />
          <button type="button" disabled={decide.isPending} onClick={() => decide.mutate('approve')} aria-label={`Approve ${label}`}>
            Approve
          </button>
          <button type="button" className="danger" disabled={decide.isPending || !reason.trim()} onClick={() => decide.mutate('deny')} aria-label={`Deny ${label}`}>
            Deny
          </button>
        </form>
      </td>
    </tr>
  );
}
