import { specification } from '@gantry/decider';
import type { DeploymentPlanned } from '@gantry/contracts';
import { deploymentVerificationDecider } from './deployment-verification.decider';

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
  waves: [{ index: 1, targets: ['staging-1'] }],
  acceptanceCriteria: [{ type: 'smoke-tests', description: 'checkout smoke suite passes' }],
  backupRequired: true,
  rollback: 'automatic',
};
const opened = {
  type: 'DeploymentVerificationOpened' as const,
  data: { deploymentId, environment: 'staging', window: plan.window, components: plan.components, acceptanceCriteria: plan.acceptanceCriteria },
};
const spec = specification(deploymentVerificationDecider);
const before = '2026-12-01T21:00:00.000Z';

describe('VerifyPlan', () => {
  it('a plan whose components are each named once and whose window is still open is verified', () =>
    spec
      .given([])
      .when({ type: 'VerifyPlan', plan, now: before })
      .then([
        opened,
        { type: 'ComponentsVerified', data: { deploymentId, components: [{ name: 'payments-api', version: '2.4.1', result: 'verified' }] } },
        { type: 'TargetEnvironmentVerified', data: { deploymentId, environment: 'staging' } },
      ]));

  it('two versions of one component fail component verification; a closed window fails the environment', () => {
    const twice = { ...plan, components: [...plan.components, { name: 'payments-api', version: '2.5.0', kind: 'software' as const }] };
    const [, components, environment] = spec.given([]).when({ type: 'VerifyPlan', plan: twice, now: '2026-12-02T00:00:00.000Z' }).outcome as { type: string; data: unknown }[];
    expect(components).toEqual({ type: 'ComponentVerificationFailed', data: { deploymentId, failures: [{ name: 'payments-api', version: '2.5.0', reason: 'DuplicateComponent' }] } });
    expect(environment).toEqual({
      type: 'TargetEnvironmentVerificationFailed',
      data: { deploymentId, environment: 'staging', failures: [{ reason: 'WindowClosed', detail: 'the window ended at 2026-12-01T23:00:00.000Z' }] },
    });
  });

  it('the same plan delivered again changes nothing', () => spec.given([opened]).when({ type: 'VerifyPlan', plan, now: before }).thenNothing());
});

describe('VerifyDeployment', () => {
  const executed = { type: 'VerifyDeployment' as const, deploymentId, executedAt: '2026-12-01T22:10:00.000Z', now: '2026-12-01T22:11:00.000Z' };

  it('an executed deployment is verified against each acceptance criterion', () =>
    spec
      .given([opened])
      .when(executed)
      .then([
        {
          type: 'DeploymentVerified',
          data: { deploymentId, verifiedAt: executed.now, criteria: [{ type: 'smoke-tests', description: 'checkout smoke suite passes', result: 'not-evaluated' }] },
        },
      ]));

  it('a deployment this service never saw planned is refused', () => spec.given([]).when(executed).thenRefused({ code: 'DeploymentNotPlanned', deploymentId }));

  it('verified once, a second execution report changes nothing', () =>
    spec
      .given([opened, { type: 'DeploymentVerified', data: { deploymentId, verifiedAt: executed.now, criteria: [] } }])
      .when(executed)
      .thenNothing());
});
