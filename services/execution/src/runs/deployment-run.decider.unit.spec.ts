import { specification } from '@gantry/decider';
import type { DeploymentPlanned } from '@gantry/contracts';
import { deploymentRunDecider, type RunEvent } from './deployment-run.decider';

const deploymentId = '5b0c2f4e-8a4a-4d3e-9a51-0d7a3f1f2b11';
const plan: DeploymentPlanned = {
  deploymentId,
  changeId: 'CHG0031337',
  service: 'payments',
  kind: 'upgrade',
  components: [{ name: 'payments-api', version: '2.4.1', kind: 'software' }],
  environment: 'staging',
  window: { start: '2026-12-01T22:00:00.000Z', end: '2026-12-01T23:00:00.000Z' },
  model: null,
  strategy: 'big-bang',
  waves: [{ index: 1, targets: ['staging-1', 'staging-2'] }],
  acceptanceCriteria: [],
  backupRequired: false,
  rollback: 'automatic',
};
const prepared: RunEvent = { type: 'RunPrepared', data: { deploymentId, plan } };
const components: RunEvent = { type: 'ReadinessConfirmed', data: { deploymentId, readiness: 'components' } };
const environment: RunEvent = { type: 'ReadinessConfirmed', data: { deploymentId, readiness: 'environment' } };
const spec = specification(deploymentRunDecider);

const execution = {
  type: 'RecordExecution' as const,
  deploymentId,
  startedAt: '2026-12-01T22:00:01.000Z',
  executedAt: '2026-12-01T22:00:02.000Z',
  results: [
    { wave: 1, target: 'staging-1', outcome: 'deployed' as const },
    { wave: 1, target: 'staging-2', outcome: 'deployed' as const },
  ],
};

describe('PrepareRun and ConfirmReadiness', () => {
  it('a plan prepares a run', () => spec.given([]).when({ type: 'PrepareRun', plan }).then([prepared]));
  it('verifications may arrive before the plan', () =>
    spec.given([components]).when({ type: 'ConfirmReadiness', deploymentId, readiness: 'environment' }).then([environment]));
  it('the same readiness twice changes nothing', () => spec.given([prepared, components]).when({ type: 'ConfirmReadiness', deploymentId, readiness: 'components' }).thenNothing());
  it('the same plan twice changes nothing', () => spec.given([prepared]).when({ type: 'PrepareRun', plan }).thenNothing());
});

describe('RecordExecution', () => {
  it('a ready run records start, each wave and target, and the execution', () =>
    spec
      .given([environment, prepared, components])
      .when(execution)
      .then([
        { type: 'DeploymentStarted', data: { deploymentId, startedAt: execution.startedAt } },
        { type: 'WaveStarted', data: { deploymentId, wave: 1, targets: ['staging-1', 'staging-2'] } },
        { type: 'TargetDeployed', data: { deploymentId, wave: 1, target: 'staging-1', components: [{ name: 'payments-api', version: '2.4.1' }] } },
        { type: 'TargetDeployed', data: { deploymentId, wave: 1, target: 'staging-2', components: [{ name: 'payments-api', version: '2.4.1' }] } },
        { type: 'WaveCompleted', data: { deploymentId, wave: 1 } },
        { type: 'DeploymentExecuted', data: { deploymentId, executedAt: execution.executedAt, targets: 2 } },
      ]));

  it('a run whose environment is not verified yet is not ready', () =>
    spec.given([prepared, components]).when(execution).thenRefused({ code: 'RunNotReady', deploymentId, status: 'awaiting' }));

  it('a run abandoned after a failed verification never executes', () =>
    spec
      .given([prepared, components, { type: 'RunAbandoned', data: { deploymentId, reason: 'TargetEnvironmentVerificationFailed' } }])
      .when(execution)
      .thenRefused({ code: 'RunNotReady', deploymentId, status: 'abandoned' }));

  it('a run whose deployment was cancelled never executes', () =>
    spec
      .given([prepared, { type: 'RunAbandoned', data: { deploymentId, reason: 'DeploymentCancelled' } }, components, environment])
      .when(execution)
      .thenRefused({ code: 'RunNotReady', deploymentId, status: 'abandoned' }));

  it('an executed run is not executed again', () => {
    const done = spec.given([prepared, components, environment]).when(execution).outcome as RunEvent[];
    spec.given([prepared, components, environment, ...done]).when(execution).thenRefused({ code: 'RunNotReady', deploymentId, status: 'executed' });
  });
});
