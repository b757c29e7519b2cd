import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useSignedIn } from '../context';
import { mayOffer } from '../session';
import { Problem } from '../ui';
import { rollbackDecisionAsked } from './rollback-decision';
import type { Run } from './run';

/**
 * The decision a paused run asks for: roll back what it did, or not. Not rolling back ends a failed run failed; after
 * an inconclusive canary, a late change or a regression, the run goes on. Offered with `runs:control`; execution
 * decides who may (a late change or a regression: deployment managers only, `RoleMayNotDecide`).
 */
export function RollbackDecision({ id, run }: { id: string; run: Run }) {
  const { gantry, session } = useSignedIn();
  const queries = useQueryClient();
  const decide = useMutation({
    mutationFn: (rollback: boolean) => gantry.post('/runs/{deploymentId}/rollback-decision', { path: { deploymentId: id }, body: { rollback } }),
    onSettled: () => queries.invalidateQueries({ queryKey: ['run', id] }),
  });
  const asked = rollbackDecisionAsked(run);
  if (!asked && !decide.isSuccess) return null;
  return (
    <section aria-labelledby="rollback-decision" className="decision">
      <h3 id="rollback-decision">Rollback decision</h3>
      {decide.isSuccess && <p role="status">Decided: {decide.variables ? 'roll back' : 'do not roll back'}.</p>}
      {asked && (
        <>
          <p>
            The run is paused for <strong>{asked.reason}</strong> and waits for a decision.
            {run.lateChanges?.length ? ` What changed: ${run.lateChanges.map((c) => `${c.reason} (${c.detail})`).join('; ')}.` : ''}
          </p>
          <p>Rolling back undoes every target deployed (and restores the backup, where one was taken). Not rolling back ends a failed run failed; after an inconclusive canary analysis, a late change or a regression, the run goes on.</p>
          <Problem error={decide.error} />
          {mayOffer(session, 'runs:control') ? (
            <div role="group" aria-label="Rollback decision">
              <button type="button" className="danger" disabled={decide.isPending} onClick={() => decide.mutate(true)}>
                Roll back
              </button>
              <button type="button" disabled={decide.isPending} onClick={() => decide.mutate(false)}>
                Do not roll back
              </button>
            </div>
          ) : (
            <p>Your role does not decide runs (runs:control).</p>
          )}
        </>
      )}
    </section>
  );
}
