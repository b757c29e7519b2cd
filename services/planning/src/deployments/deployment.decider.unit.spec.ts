import { specification } from '@gantry/decider';
import type { DeploymentRequested } from '@gantry/contracts';
import { deploymentDecider, planFor } from './deployment.decider';

const request: DeploymentRequested = {
  deploymentId: '5b0c2f4e-8a4a-4d3e-9a51-0d7a3f1f2b11',
  changeId: 'CHG0031337',
  service: 'payments',
  kind: 'upgrade',
  components: [{ name: 'payments-api', version: '2.4.1', kind: 'software' }],
  environment: 'staging',
  targets: ['staging-eu-1', 'staging-eu-2'],
  window: { start: '2026-12-01T22:00:00.000Z', end: '2026-12-01T23:00:00.000Z' },
  acceptanceCriteria: [{ type: 'smoke-tests', description: 'checkout smoke suite passes' }],
  requestedBy: 'change-enablement-system',
  requestedAt: '2026-11-30T10:00:00.000Z',
};

const spec = specification(deploymentDecider);

describe('RequestDeployment', () => {
  it('a new request is recorded and planned as one big-bang wave over its targets', () =>
    spec
      .given([])
      .when({ type: 'RequestDeployment', request })
      .then([
        { type: 'DeploymentRequested', data: request },
        {
          type: 'DeploymentPlanned',
          data: {
            deploymentId: request.deploymentId,
            changeId: 'CHG0031337',
            service: 'payments',
            kind: 'upgrade',
            components: request.components,
            environment: 'staging',
            window: request.window,
            model: null,
            strategy: 'big-bang',
            waves: [{ index: 1, targets: ['staging-eu-1', 'staging-eu-2'] }],
            acceptanceCriteria: request.acceptanceCriteria,
            backupRequired: true,
            rollback: 'automatic',
          },
        },
      ]));

  it('a request naming a model is planned with that model; without targets, one target named after the environment', () => {
    const { targets: _none, ...withoutTargets } = request;
    const plan = planFor({ ...withoutTargets, kind: 'install', model: 'in-house-software' });
    expect(plan).toMatchObject({ model: { name: 'in-house-software', version: 1 }, waves: [{ index: 1, targets: ['staging-1'] }], backupRequired: false });
  });

  it('the same request again (a retry) changes nothing, even made later', () =>
    spec
      .given([{ type: 'DeploymentRequested', data: request }, { type: 'DeploymentPlanned', data: planFor(request) }])
      .when({ type: 'RequestDeployment', request: { ...request, requestedAt: '2026-11-30T10:00:05.000Z' } })
      .thenNothing());

  it('another request under the same deployment id is refused', () =>
    spec
      .given([{ type: 'DeploymentRequested', data: request }])
      .when({ type: 'RequestDeployment', request: { ...request, service: 'ledger' } })
      .thenRefused({ code: 'DeploymentAlreadyRequested', deploymentId: request.deploymentId }));

  it('a window that ends before it starts is refused', () =>
    spec
      .given([])
      .when({ type: 'RequestDeployment', request: { ...request, window: { start: request.window.end, end: request.window.start } } })
      .thenRefused({ code: 'WindowEndsBeforeItStarts', start: request.window.end, end: request.window.start }));
});
