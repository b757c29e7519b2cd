import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { BodyOf } from '@gantry/client';
import { useSignedIn } from '../context';
import { hrefOf } from '../router';
import { mayOffer } from '../session';
import { Options, Problem } from '../ui';

interface Draft {
  changeId: string;
  changeType: 'standard' | 'normal' | 'emergency';
  service: string;
  kind: 'install' | 'upgrade' | 'removal';
  componentName: string;
  componentVersion: string;
  environment: string;
  /** comma-separated; none: every target of the environment */
  targets: string;
  model: string;
  durationMinutes: number;
  smokeSuite: string;
}

/** `POST /deployments` as a deployment manager asks it: an authorised change, into the next free window. */
export function RequestDeployment() {
  const { gantry, session } = useSignedIn();
  const adHocAllowed = mayOffer(session, 'deployments:request-ad-hoc');
  const [draft, setDraft] = useState<Draft>({
    changeId: '',
    changeType: 'normal',
    service: '',
    kind: 'upgrade',
    componentName: '',
    componentVersion: '',
    environment: '',
    targets: '',
    model: '',
    durationMinutes: 60,
    smokeSuite: '',
  });
  const set = <K extends keyof Draft>(key: K) => (value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const environments = useQuery({ queryKey: ['environments'], queryFn: async () => (await gantry.get('/environments')).data.environments as { name: string }[] });
  const models = useQuery({ queryKey: ['models'], queryFn: async () => ((await gantry.get('/models')).data.models ?? []) as { name: string; activeVersion: number | null }[] });
  const request = useMutation({
    mutationFn: async () => {
      const targets = draft.targets.split(',').map((t) => t.trim()).filter(Boolean);
      const body = {
        changeId: draft.changeId.trim(),
        changeType: draft.changeType,
        changeState: 'authorised',
        service: draft.service.trim(),
        kind: draft.kind,
        components: [{ name: draft.componentName.trim(), version: draft.componentVersion.trim(), kind: 'software' }],
        environment: draft.environment,
        ...(targets.length ? { targets } : {}),
        ...(draft.model ? { model: draft.model } : { adHoc: true }),
        nextAvailable: { durationMinutes: draft.durationMinutes },
        // the criteria's own fields (`suite`) hang on JSON Schema if/then, which the generated types do not follow
        acceptanceCriteria: draft.smokeSuite.trim() ? [{ type: 'smoke-tests', description: `${draft.smokeSuite.trim()} smoke suite passes`, suite: draft.smokeSuite.trim() }] : [],
      } as unknown as BodyOf<'/deployments', 'post'>;
      return (await gantry.post('/deployments', { body })).data as { deploymentId: string; status: string; reason?: unknown };
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    request.mutate();
  };
  const text = (key: 'changeId' | 'service' | 'componentName' | 'componentVersion' | 'targets' | 'smokeSuite', label: string, required = true) => (
    <p>
      <label htmlFor={`request-${key}`}>{label}</label>
      <input id={`request-${key}`} value={draft[key]} required={required} onChange={(e) => set(key)(e.target.value)} />
    </p>
  );

  return (
    <>
      <h1>Request a deployment</h1>
      <form onSubmit={submit} className="request">
        {text('changeId', 'Change (its id in change enablement)')}
        <p>
          <label htmlFor="request-changeType">Change type</label>
          <select id="request-changeType" value={draft.changeType} onChange={(e) => set('changeType')(e.target.value as Draft['changeType'])}>
            <Options values={['standard', 'normal', 'emergency']} />
          </select>
        </p>
        {text('service', 'Service')}
        <p>
          <label htmlFor="request-kind">Kind</label>
          <select id="request-kind" value={draft.kind} onChange={(e) => set('kind')(e.target.value as Draft['kind'])}>
            <Options values={['upgrade', 'install', 'removal']} />
          </select>
        </p>
        <fieldset>
          <legend>Component</legend>
          {text('componentName', 'Name')}
          {text('componentVersion', 'Version')}
        </fieldset>
        <p>
          <label htmlFor="request-environment">Environment</label>
          <select id="request-environment" required value={draft.environment} onChange={(e) => set('environment')(e.target.value)}>
            <option value="">choose one</option>
            <Options values={(environments.data ?? []).map((e) => e.name)} />
          </select>
        </p>
        {text('targets', 'Targets (optional, comma-separated: every target of the environment otherwise)', false)}
        <p>
          <label htmlFor="request-model">Deployment model</label>
          <select id="request-model" value={draft.model} onChange={(e) => set('model')(e.target.value)} required={!adHocAllowed}>
            {adHocAllowed && <option value="">none: ad hoc</option>}
            {!adHocAllowed && <option value="">choose one</option>}
            {/* a model plans requests once a version of it is published (active) */}
            <Options values={(models.data ?? []).filter((m) => m.activeVersion !== null).map((m) => m.name)} />
          </select>
        </p>
        <p>
          <label htmlFor="request-duration">Duration (minutes, in the next free window)</label>
          <input id="request-duration" type="number" min={1} max={10080} value={draft.durationMinutes} onChange={(e) => set('durationMinutes')(Number(e.target.value))} />
        </p>
        {text('smokeSuite', 'Smoke suite that must pass (optional)', false)}
        <button type="submit" disabled={request.isPending}>
          Request
        </button>
      </form>
      <Problem error={request.error} />
      {request.data && (
        <p role="status">
          {request.data.status === 'rejected' ? `Rejected: ${JSON.stringify(request.data.reason)}. ` : `Deployment ${request.data.status}. `}
          <a href={hrefOf({ view: 'deployment', id: request.data.deploymentId })}>Open the deployment</a>
        </p>
      )}
    </>
  );
}
