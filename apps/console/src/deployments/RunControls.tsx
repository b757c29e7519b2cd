import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSignedIn } from '../context';
import { mayOffer } from '../session';
import { Problem } from '../ui';
import type { Run } from './run';

/**
 * What a person may do to a run: approve or deny a gate (runs:approve), pause, resume or abort it (runs:control).
 * Offered by role; the server still decides (the gate's roles, never the requester, each person once).
 */
export function RunControls({ id, run }: { id: string; run: Run }) {
  const { gantry, session } = useSignedIn();
  const queries = useQueryClient();
  const [reason, setReason] = useState('');
  const act = useMutation({
    mutationFn: async (action: { kind: 'approve' | 'deny'; gate: string } | { kind: 'pause' | 'resume' | 'abort' }) => {
      const path = { deploymentId: id };
      switch (action.kind) {
        case 'approve':
          return gantry.post('/runs/{deploymentId}/gates/{gate}/approve', { path: { ...path, gate: action.gate } });
        case 'deny':
          return gantry.post('/runs/{deploymentId}/gates/{gate}/deny', { path: { ...path, gate: action.gate }, body: { reason } });
        case 'pause':
          return gantry.post('/runs/{deploymentId}/pause', { path });
        case 'resume':
          return gantry.post('/runs/{deploymentId}/resume', { path });
        case 'abort':
          return gantry.post('/runs/{deploymentId}/abort', { path });
        default: {
          const never: never = action;
          return never;
        }
      }
    },
    onSettled: () => queries.invalidateQueries({ queryKey: ['run', id] }),
  });
  const open = [...(run.gates ?? []), ...(run.boundary?.gates ?? [])].filter((g) => g.approvers.length < g.minimumApprovers);
  const approve = mayOffer(session, 'runs:approve') && open.length > 0;
  const control = mayOffer(session, 'runs:control');
  if (!approve && !control) return null;
  return (
    <div className="controls">
      <Problem error={act.error} />
      {act.isSuccess && <p role="status">Done: {act.variables?.kind}.</p>}
      {approve &&
        open.map((gate) => (
          <form key={gate.name} onSubmit={(e) => e.preventDefault()} aria-label={`Gate ${gate.name}`}>
            <label htmlFor={`reason-${gate.name}`}>Comment (a denial's reason)</label>
            <textarea id={`reason-${gate.name}`} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
            <button type="button" disabled={act.isPending} onClick={() => act.mutate({ kind: 'approve', gate: gate.name })}>
              Approve {gate.name}
            </button>
            <button type="button" disabled={act.isPending || !reason.trim()} onClick={() => act.mutate({ kind: 'deny', gate: gate.name })}>
              Deny {gate.name}
            </button>
          </form>
        ))}
      {control && (
        <div role="group" aria-label="Run">
          <button type="button" disabled={act.isPending} onClick={() => act.mutate({ kind: 'pause' })}>
            Pause
          </button>
          <button type="button" disabled={act.isPending} onClick={() => act.mutate({ kind: 'resume' })}>
            Resume
          </button>
          <button type="button" className="danger" disabled={act.isPending} onClick={() => act.mutate({ kind: 'abort' })}>
            Abort
          </button>
        </div>
      )}
    </div>
  );
}
