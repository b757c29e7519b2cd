import { specification } from '@gantry/decider';
import type { DeploymentModelContent } from '@gantry/contracts';
import { deploymentModelDecider, type DeploymentModelCommand, type DeploymentModelEvent } from './deployment-model.decider';
import { STARTER_CATALOGUE } from './starter-catalogue';

const spec = specification(deploymentModelDecider);
const v1: DeploymentModelContent = STARTER_CATALOGUE.find((m) => m.name === 'in-house-software-ci-cd')!;
const v2: DeploymentModelContent = { ...v1, description: 'canary with a longer analysis' };
const name = v1.name;
const alice = { by: 'alice', at: '2026-11-01T09:00:00.000Z' };
const later = { by: 'bob', at: '2026-12-01T09:00:00.000Z' };
const closedAt = '2026-12-02T09:00:00.000Z';

const drafted: DeploymentModelEvent = { type: 'DeploymentModelDrafted', data: { name, version: 1, content: v1, draftedBy: 'alice', draftedAt: alice.at } };
const published1: DeploymentModelEvent = { type: 'DeploymentModelPublished', data: { name, version: 1, content: v1, supersedes: null, publishedBy: 'bob', publishedAt: later.at } };
const revised: DeploymentModelEvent = { type: 'DeploymentModelRevised', data: { name, version: 2, basedOn: 1, content: v2, reviewId: null, revisedBy: 'alice', revisedAt: alice.at } };
const piloted1: DeploymentModelEvent = { type: 'DeploymentModelPublished', data: { ...published1.data, pilotDeployments: 2 } as never };
const piloted2: DeploymentModelEvent = { type: 'DeploymentModelPublished', data: { name, version: 2, content: v2, supersedes: 1, publishedBy: 'bob', publishedAt: later.at, pilotDeployments: 2 } };

const closed = (deploymentId: string, outcome: 'succeeded' | 'failed' | 'rolled-back' | 'cancelled' | 'rejected', more: Partial<Extract<DeploymentModelCommand, { type: 'WeighPilotDeployment' }>> = {}): DeploymentModelCommand => ({
  type: 'WeighPilotDeployment',
  version: 1,
  deploymentId,
  production: true,
  outcome,
  cause: outcome === 'succeeded' ? null : 'canary analysis failed',
  at: closedAt,
  ...more,
});
const succeeded = (deploymentId: string, count: number, version = 1): DeploymentModelEvent => ({
  type: 'ModelPilotDeploymentSucceeded',
  data: { name, version, deploymentId, succeeded: count, of: 2, closedAt },
});

describe('PublishDeploymentModel as a pilot', () => {
  it('publishes the draft with the number of pilot deployments', () =>
    spec.given([drafted]).when({ type: 'PublishDeploymentModel', version: 1, pilotDeployments: 2, ...later }).then([piloted1]));

  it('0 pilot deployments publishes the version active for everyone at once, as before pilots', () =>
    spec.given([drafted]).when({ type: 'PublishDeploymentModel', version: 1, pilotDeployments: 0, ...later }).then([published1]));

  it('publishing the piloted version again records nothing', () => spec.given([drafted, piloted1]).when({ type: 'PublishDeploymentModel', version: 1, pilotDeployments: 2, ...later }).thenNothing());
});

describe('WeighPilotDeployment', () => {
  it('a successful production deployment counts towards the pilot', () => spec.given([drafted, piloted1]).when(closed('d-1', 'succeeded')).then([succeeded('d-1', 1)]));

  it('the N-th success completes the pilot: the version is active for everyone', () =>
    spec
      .given([drafted, piloted1, succeeded('d-1', 1)])
      .when(closed('d-2', 'succeeded'))
      .then([succeeded('d-2', 2), { type: 'DeploymentModelPilotCompleted', data: { name, version: 1, deploymentIds: ['d-1', 'd-2'], completedAt: closedAt } }]));

  it('a success weighed twice counts once', () => spec.given([drafted, piloted1, succeeded('d-1', 1)]).when(closed('d-1', 'succeeded')).thenNothing());

  it('a failed pilot deployment returns the version to draft with the finding', () =>
    spec.given([drafted, piloted1, succeeded('d-1', 1)]).when(closed('d-2', 'failed')).then([
      {
        type: 'ModelPilotFailed',
        data: { name, version: 1, deploymentId: 'd-2', outcome: 'failed', reason: 'canary analysis failed', draftVersion: 2, reinstated: null, failedAt: closedAt },
      },
    ]));

  it('a rolled-back pilot of a revision reinstates the version it superseded', () =>
    spec.given([drafted, published1, revised, piloted2]).when(closed('d-3', 'rolled-back', { version: 2, cause: null })).then([
      {
        type: 'ModelPilotFailed',
        data: { name, version: 2, deploymentId: 'd-3', outcome: 'rolled-back', reason: 'deployment d-3 rolled-back', draftVersion: 3, reinstated: { version: 1, content: v1 }, failedAt: closedAt },
      },
    ]));

  it('deployments outside production do not count, failed or not', () => {
    spec.given([drafted, piloted1]).when(closed('d-1', 'succeeded', { production: false })).thenNothing();
    spec.given([drafted, piloted1]).when(closed('d-1', 'rolled-back', { production: false })).thenNothing();
  });

  it('cancelled and rejected deployments never ran and count for nothing', () => {
    spec.given([drafted, piloted1]).when(closed('d-1', 'cancelled')).thenNothing();
    spec.given([drafted, piloted1]).when(closed('d-1', 'rejected')).thenNothing();
  });

  it('deployments of another version, or of a version published without a pilot, count for nothing', () => {
    spec.given([drafted, published1, revised, piloted2]).when(closed('d-1', 'failed', { version: 1 })).thenNothing();
    spec.given([drafted, published1]).when(closed('d-1', 'failed')).thenNothing();
  });

  it('after the pilot completed, a failure is left to reviews', () =>
    spec
      .given([drafted, piloted1, succeeded('d-1', 1), succeeded('d-2', 2), { type: 'DeploymentModelPilotCompleted', data: { name, version: 1, deploymentIds: ['d-1', 'd-2'], completedAt: closedAt } }])
      .when(closed('d-3', 'failed'))
      .thenNothing());

  it('a failure weighed again after the pilot failed records nothing', () =>
    spec
      .given([drafted, piloted1, { type: 'ModelPilotFailed', data: { name, version: 1, deploymentId: 'd-2', outcome: 'failed', reason: 'x', draftVersion: 2, reinstated: null, failedAt: closedAt } }])
      .when(closed('d-2', 'failed'))
      .thenNothing());

  it('a model that does not exist has no pilot', () => spec.given([]).when(closed('d-1', 'failed')).thenNothing());
});

describe('after a failed pilot', () => {
  const failed: DeploymentModelEvent = { type: 'ModelPilotFailed', data: { name, version: 2, deploymentId: 'd-3', outcome: 'rolled-back', reason: 'x', draftVersion: 3, reinstated: { version: 1, content: v1 }, failedAt: closedAt } };

  it('the returned draft can be changed and published as the next version', () =>
    spec.given([drafted, published1, revised, piloted2, failed]).when({ type: 'PublishDeploymentModel', version: 3, pilotDeployments: 2, ...later }).then([
      { type: 'DeploymentModelPublished', data: { name, version: 3, content: v2, supersedes: 1, publishedBy: 'bob', publishedAt: later.at, pilotDeployments: 2 } },
    ]));

  it('the failed version cannot be published again', () =>
    spec.given([drafted, published1, revised, piloted2, failed]).when({ type: 'PublishDeploymentModel', version: 2, pilotDeployments: 0, ...later }).thenRefused({
      code: 'PublishedVersionCannotChange',
      version: 2,
      reason: 'version 2 was published before and is no longer the draft',
    }));
});

describe('ReviseDeploymentModel during a pilot', () => {
  it('is refused until the pilot has ended', () =>
    spec.given([drafted, piloted1, succeeded('d-1', 1)]).when({ type: 'ReviseDeploymentModel', content: v2, reviewId: null, ...alice }).thenRefused({
      code: 'PilotInProgress',
      version: 1,
      reason: 'version 1 is piloting (1 of 2 deployments succeeded): revise it once the pilot has ended',
    }));
});
