export interface Gate {
  name: string;
  roles: string[];
  minimumApprovers: number;
  approvers: string[];
}

/** `GET /runs/:id` as far as the console shows it (execution's README, "Runs"). */
export interface Run {
  status: string;
  plan?: { waves?: { index: number; targets: string[] }[] };
  gates?: Gate[];
  boundary?: { wave: number; gates: Gate[] };
  done?: { wave: number; target: string }[];
  wave?: { index: number; completed: boolean };
  manual?: { stepId?: string; instruction?: string; status?: string }[];
  startedAt?: string;
  /** an ended run answers its status and outcome only */
  outcome?: string;
}

const stateOf = (run: Run, wave: number, target: string): string => {
  if (run.status === 'ended') return run.outcome === 'succeeded' ? 'done' : `run ${run.outcome ?? 'ended'}`;
  if (run.done?.some((d) => d.wave === wave && d.target === target)) return 'done';
  if (run.wave?.index === wave && !run.wave.completed && run.status !== 'waiting') return 'deploying';
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
                  <li key={target} className={`target target-${state}`}>
                    {target}: {state}
                  </li>
                );
              })}
            </ul>
          </li>
        ))}
      </ol>
      {run.manual?.length ? (
        <ul aria-label="Manual steps">
          {run.manual.map((step, i) => (
            <li key={step.stepId ?? i}>
              {step.instruction ?? step.stepId}: {step.status ?? 'open'}
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
