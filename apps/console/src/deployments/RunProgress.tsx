import type { Run } from './run';

const stateOf = (run: Run, wave: number, target: string): string => {
  if (run.status === 'ended') return run.outcome === 'succeeded' ? 'done' : `run ${run.outcome ?? 'ended'}`;
  if (run.done?.some((d) => d.wave === wave && d.target === target)) return 'done';
  if (run.wave?.index === wave && !run.wave.completed && run.status !== 'waiting') return run.pause ? `paused (${run.pause.reason})` : 'deploying';
  return 'waiting';
};

/** The run's waves and their targets as they go, and its gates with who approved. */
export function RunProgress({ run, waves, progress }: { run: Run; waves: { index: number; targets: string[] }[]; progress?: { outcome?: string } }) {
  const gates = [...(run.gates ?? []), ...(run.boundary?.gates ?? [])];
  return (
    <>
      <p aria-live="polite">
        Run status: <strong data-testid="run-status">{run.status}</strong>
        {run.outcome ?? progress?.outcome ? `; outcome ${run.outcome ?? progress?.outcome}` : ''}
      </p>
      {gates.length > 0 && (
        <ul className="gates" aria-label="Gates">
          {gates.map((g) => (
            <li key={g.name}>
              Gate <strong>{g.name}</strong>: {g.approvers.length} of {g.minimumApprovers} approvals ({g.roles.join(', ')})
              {g.approvers.length ? `, approved by ${g.approvers.join(', ')}` : ''}
            </li>
          ))}
        </ul>
      )}
      <ol className="waves" aria-label="Waves">
        {(run.plan?.waves ?? waves).map((wave) => (
          <li key={wave.index}>
            Wave {wave.index}
            <ul>
              {wave.targets.map((target) => {
                const state = stateOf(run, wave.index, target);
                return (
                  <li key={target} className={`target target-${state.split(' ')[0]}`}>
                    {target}: {state}
                  </li>
                );
              })}
            </ul>
          </li>
        ))}
      </ol>
    </>
  );
}
