import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { GantryError } from '@gantry/client';
import { useSignedIn } from '../context';
import { hrefOf } from '../router';
import { mayOffer } from '../session';
import { Loading, Problem, Section, Status, time } from '../ui';
import { Communications } from './Communications';
import { ManualSteps } from './ManualSteps';
import { RollbackDecision } from './RollbackDecision';
import { RunControls } from './RunControls';
import type { Run } from './run';
import { RunProgress } from './RunProgress';
import { VerificationResults } from './VerificationResults';

const FINAL = new Set(['succeeded', 'failed', 'rolled-back', 'cancelled', 'rejected']);

/** A deployment: its plan, what verification found, and its run as it goes (asked again every second until it ends). */
export function DeploymentPage({ id }: { id: string }) {
  const { gantry, session } = useSignedIn();
  const deployment = useQuery({
    queryKey: ['deployment', id],
    queryFn: async () => (await gantry.get('/deployments/{id}', { path: { id } })).data,
    refetchInterval: (query) => (FINAL.has(query.state.data?.status) ? false : 1000),
  });
  const ended = FINAL.has(deployment.data?.status);
  const queries = useQueryClient();
  // once it has ended, the run and the verification are asked one last time: they stopped being polled
  useEffect(() => {
    if (ended) void queries.invalidateQueries({ predicate: (q) => ['run', 'verification', 'communications'].includes(q.queryKey[0] as string) && q.queryKey[1] === id });
  }, [ended, id, queries]);
  const run = useQuery({
    queryKey: ['run', id],
    // execution learns of the deployment from planning's events: until then there is no run
    queryFn: async () => {
      try {
        return (await gantry.get('/runs/{deploymentId}', { path: { deploymentId: id } })).data as Run;
      } catch (error) {
        if (error instanceof GantryError && error.status === 404) return null;
        throw error;
      }
    },
    enabled: mayOffer(session, 'runs:read'),
    refetchInterval: ended ? false : 1000,
  });
  const verification = useQuery({
    queryKey: ['verification', id],
    queryFn: async () => {
      try {
        return (await gantry.get('/verifications/{deploymentId}', { path: { deploymentId: id } })).data;
      } catch (error) {
        if (error instanceof GantryError && error.status === 404) return null;
        throw error;
      }
    },
    enabled: mayOffer(session, 'verifications:read'),
    refetchInterval: ended ? false : 2000,
  });

  if (deployment.isPending) return <Loading what="the deployment" />;
  if (deployment.error) return <Problem error={deployment.error} />;
  const { request, plan, status, progress } = deployment.data;
  return (
    <>
      <h1>
        {request?.service} to {request?.environment} <Status status={status} />
      </h1>
      <p>
        Change {request?.changeId} ({request?.changeType}), requested by {request?.requestedBy} on {time(request?.requestedAt)}. Deployment{' '}
        <code>{id}</code>.
        {mayOffer(session, 'audit:read') && (
          <>
            {' '}
            <a href={hrefOf({ view: 'audit', id })}>Ledger timeline</a>
          </>
        )}
      </p>
      {plan ? (
        <Section title="Plan">
          <dl className="facts">
            <dt>Strategy</dt>
            <dd>{plan.strategy}</dd>
            <dt>Window</dt>
            <dd>
              {time(plan.window?.start)} to {time(plan.window?.end)}
            </dd>
            <dt>Components</dt>
            <dd>{plan.components?.map((c: { name: string; version: string }) => `${c.name} ${c.version}`).join(', ')}</dd>
            <dt>Waves</dt>
            <dd>{plan.waves?.map((w: { index: number; targets: string[] }) => `${w.index}: ${w.targets.join(', ')}`).join(' · ')}</dd>
            <dt>Gates</dt>
            <dd>{plan.gates?.length ? plan.gates.map((g: { name: string; roles: string[] }) => `${g.name} (${g.roles.join(', ')})`).join('; ') : 'none'}</dd>
            <dt>Acceptance criteria</dt>
            <dd>{plan.acceptanceCriteria?.map((c: { description: string }) => c.description).join('; ') || 'none'}</dd>
            <dt>Rollback</dt>
            <dd>{plan.rollback}</dd>
          </dl>
        </Section>
      ) : (
        <p>Not planned{deployment.data.reason ? `: ${JSON.stringify(deployment.data.reason)}` : ''}.</p>
      )}
      <Section title="Verification">
        <Problem error={verification.error} />
        {verification.data ? <VerificationResults verification={verification.data} /> : <p>No verification results yet.</p>}
      </Section>
      <Section title="Run">
        <Problem error={run.error} />
        {run.data ? (
          <>
            <RunProgress run={run.data} waves={plan?.waves ?? []} progress={progress} />
            <RollbackDecision id={id} run={run.data} />
            <ManualSteps id={id} steps={run.data.manual ?? []} />
            {!ended && <RunControls id={id} run={run.data} />}
          </>
        ) : !mayOffer(session, 'runs:read') && mayOffer(session, 'runs:approve') && !ended && plan?.gates?.length ? (
          // a role that approves without reading runs (product owner, change manager) sees the plan's gates
          <RunControls id={id} run={{ status: 'unknown', gates: plan.gates.map((g: { name: string; roles: string[]; minimumApprovers: number }) => ({ ...g, approvers: [] })) }} />
        ) : (
          <p>{ended ? 'No run.' : mayOffer(session, 'runs:read') ? 'Execution has not taken the deployment up yet.' : 'Your role does not read runs.'}</p>
        )}
      </Section>
      {mayOffer(session, 'audit:read') && <Communications id={id} ended={ended} />}
    </>
  );
}
