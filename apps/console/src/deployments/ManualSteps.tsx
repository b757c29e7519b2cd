import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSignedIn } from '../context';
import { mayOffer } from '../session';
import { Problem } from '../ui';
import type { ManualStep } from './run';

/** Evidence of manual work: what it is, where the document is kept, and the sha256 of that document (execution refuses evidence without it). */
interface Evidence {
  description: string;
  reference: string;
  digest: string;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;
const noEvidence = (): Evidence => ({ description: '', reference: '', digest: '' });

/** The sha256 of a file, computed in the browser: the document itself is not sent, only its digest. */
async function digestOf(file: File): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', await file.arrayBuffer()));
  return `sha256:${Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The manual steps the run waits for (hardware installed, a physical check), each assigned to a role, with what to do;
 * completed with evidence by someone who performs manual steps (`runs:perform-manual-steps`). Execution decides: the
 * step's role, a supplier's scope, evidence where required.
 */
export function ManualSteps({ id, steps }: { id: string; steps: readonly ManualStep[] }) {
  const { session } = useSignedIn();
  const [done, setDone] = useState('');
  const waiting = steps.filter((s) => !s.completed);
  if (waiting.length === 0 && !done) return null;
  return (
    <section aria-labelledby="manual-steps">
      <h3 id="manual-steps">Manual steps waiting</h3>
      <p role="status">{done}</p>
      {waiting.length === 0 && <p>None.</p>}
      <ul className="manual-steps">
        {waiting.map((step) => (
          <li key={step.stepId}>
            <p>
              <strong>{step.instruction ?? step.stepId}</strong>
              <span className="sub">
                step <code>{step.stepId}</code> on {step.target}, for {step.role}; {step.evidenceRequired ? 'evidence required' : 'evidence optional'}
              </span>
            </p>
            {mayOffer(session, 'runs:perform-manual-steps') && <CompleteStep id={id} step={step} onCompleted={() => setDone(`Completed ${step.stepId}.`)} />}
          </li>
        ))}
      </ul>
    </section>
  );
}

function CompleteStep({ id, step, onCompleted }: { id: string; step: ManualStep; onCompleted: () => void }) {
  const { gantry } = useSignedIn();
  const queries = useQueryClient();
  const [evidence, setEvidence] = useState<Evidence[]>(() => (step.evidenceRequired ? [noEvidence()] : []));
  const [digesting, setDigesting] = useState<unknown>();
  const complete = useMutation({
    mutationFn: () => gantry.post('/runs/{deploymentId}/manual-steps/{stepId}/complete', { path: { deploymentId: id, stepId: step.stepId }, body: { evidence } }),
    onSuccess: onCompleted,
    onSettled: () => queries.invalidateQueries({ queryKey: ['run', id] }),
  });
  const change = (i: number, field: keyof Evidence, value: string) => setEvidence((all) => all.map((e, j) => (j === i ? { ...e, [field]: value } : e)));
  const ready = evidence.every((e) => e.description.trim() && e.reference.trim() && DIGEST.test(e.digest)) && (!step.evidenceRequired || evidence.length > 0);
  const key = step.stepId.replace(/[^A-Za-z0-9_-]/g, '-');
  return (
    <form onSubmit={(e) => (e.preventDefault(), complete.mutate())} aria-label={`Complete ${step.stepId}`}>
      {evidence.map((item, i) => (
        <fieldset key={i}>
          <legend>Evidence {i + 1}</legend>
          <label htmlFor={`${key}-description-${i}`}>What it shows</label>
          <input id={`${key}-description-${i}`} className="wide" value={item.description} onChange={(e) => change(i, 'description', e.target.value)} placeholder="photo of the installed shelf" />
          <label htmlFor={`${key}-reference-${i}`}>Where the document is kept</label>
          <input id={`${key}-reference-${i}`} className="wide" value={item.reference} onChange={(e) => change(i, 'reference', e.target.value)} placeholder="https://evidence.example/rack-b7.jpg" />
          <label htmlFor={`${key}-file-${i}`}>The document (its sha256 is computed here; the file is not sent)</label>
          <input
            id={`${key}-file-${i}`}
            type="file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              if (file) digestOf(file).then((digest) => (setDigesting(undefined), change(i, 'digest', digest)), setDigesting);
            }}
          />
          <label htmlFor={`${key}-digest-${i}`}>or its digest</label>
          <input id={`${key}-digest-${i}`} className="wide" value={item.digest} onChange={(e) => change(i, 'digest', e.target.value.trim())} placeholder="sha256:…" aria-describedby={`${key}-digest-${i}-hint`} />
          <span id={`${key}-digest-${i}-hint`} className="sub">
            sha256: and 64 hexadecimal digits
          </span>
        </fieldset>
      ))}
      <Problem error={digesting ?? complete.error} />
      <button type="button" onClick={() => setEvidence((all) => [...all, noEvidence()])}>
        Add evidence
      </button>
      <button type="submit" disabled={complete.isPending || !ready}>
        Complete {step.stepId}
      </button>
    </form>
  );
}
