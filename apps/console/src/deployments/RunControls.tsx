import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSignedIn } from '../context';
import { mayOffer } from '../session';
import { Problem } from '../ui';
import type { Run } from './run';

/**
 * What a person may do to a run: approve a gate, with a comment if they like, or deny it with the reason (runs:approve);
 * pause, resume or abort it (runs:control).
 * Offered by role; the server still decides (the gate's roles, never the requester, each person once).
 */
export function RunControls({ id, run }: { id: string; run: Run }) {
  const { gantry, session } = useSignedIn();
  const queries = useQueryClient();
  const act = useMutation({
    mutationFn: async (action: { kind: 'approve'; gate: string; comment: string } | { kind: 'deny'; gate: string; reason: string } | { kind: 'pause' | 'resume' | 'abort' }) => {
      const path = { deploymentId: id };
      switch (action.kind) {
        case 'approve': {
          // a comment is the approver's to give: a blank one is none
          const comment = action.comment.trim() ? { body: { comment: action.comment } } : {};
          return gantry.post('/runs/{deploymentId}/gates/{gate}/approve', { path: { ...path, gate: action.gate }, ...comment });
        }
        case 'deny':
          return gantry.post('/runs/{deploymentId}/gates/{gate}/deny', { path: { ...path, gate: action.gate }, body: { reason: action.reason } });
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
          <GateDecision
            key={gate.name}
            gate={gate.name}
            busy={act.isPending}
            onApprove={(comment) => act.mutate({ kind: 'approve', gate: gate.name, comment })}
            onDeny={(reason) => act.mutate({ kind: 'deny', gate: gate.name, reason })}
          />
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

/** One open gate: its comment (optional with an approval, a denial's reason) and the two decisions. */
function GateDecision({ gate, busy, onApprove, onDeny }: { gate: string; busy: boolean; onApprove: (comment: string) => void; onDeny: (reason: string) => void }) {
  const [comment, setComment] = useState('');
  const field = `comment-${gate}`;
  return (
    <form onSubmit={(e) => e.preventDefault()} aria-label={`Gate ${gate}`}>
      <label htmlFor={field}>Comment (optional with an approval; a denial's reason)</label>
      <textarea id={field} rows={2} maxLength={2000} value={comment} onChange={(e) => setComment(e.target.value)} />
      <button type="button" disabled={busy} onClick={() => onApprove(comment)}>
        Approve {gate}
      </button>
      <button type="button" disabled={busy || !comment.trim()} onClick={() => onDeny(comment)}>
        Deny {gate}
      </button>
    </form>
  );
}
