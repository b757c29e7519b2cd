import { specification } from '@gantry/decider';
import { validatePayload, type DeploymentModelContent } from '@gantry/contracts';
import { deploymentModelDecider, type DeploymentModelEvent } from './deployment-model.decider';
import { STARTER_CATALOGUE } from './starter-catalogue';

const spec = specification(deploymentModelDecider);
const v1: DeploymentModelContent = STARTER_CATALOGUE.find((m) => m.name === 'in-house-software-ci-cd')!;
const v2: DeploymentModelContent = { ...v1, description: 'canary with a longer analysis', strategy: { type: 'canary', steps: [0.1, 1], analysis: { maxErrorRate: 0.005, maxP95LatencyMs: 400 } } };
const name = v1.name;
const alice = { by: 'alice', at: '2026-11-01T09:00:00.000Z' };
const later = { by: 'bob', at: '2026-12-01T09:00:00.000Z' };

const drafted: DeploymentModelEvent = { type: 'DeploymentModelDrafted', data: { name, version: 1, content: v1, draftedBy: 'alice', draftedAt: alice.at } };
const published1: DeploymentModelEvent = { type: 'DeploymentModelPublished', data: { name, version: 1, content: v1, supersedes: null, publishedBy: 'bob', publishedAt: later.at } };
const revised: DeploymentModelEvent = { type: 'DeploymentModelRevised', data: { name, version: 2, basedOn: 1, content: v2, reviewId: null, revisedBy: 'alice', revisedAt: alice.at } };
const published2: DeploymentModelEvent = { type: 'DeploymentModelPublished', data: { name, version: 2, content: v2, supersedes: 1, publishedBy: 'bob', publishedAt: later.at } };
const retired: DeploymentModelEvent = { type: 'DeploymentModelRetired', data: { name, version: 1, content: v1, reason: 'no longer used', retiredBy: 'bob', retiredAt: later.at } };

const monitoring: NonNullable<DeploymentModelContent['monitoring']> = {
  durationSeconds: 259_200,
  lookEverySeconds: 3600,
  baselineSeconds: 86_400,
  stepSeconds: 60,
  alpha: 0.05,
  signals: [{ type: 'metric', name: 'error-rate', query: 'sum(rate(errors_total[1m]))', harm: 'increase', tolerance: 0.1 }],
  onRegression: 'decide',
};

describe('DraftDeploymentModel', () => {
  it('drafts version 1 of a new model', () => spec.given([]).when({ type: 'DraftDeploymentModel', content: v1, ...alice }).then([drafted]));

  it('changes the pending draft, keeping its version', () =>
    spec.given([drafted]).when({ type: 'DraftDeploymentModel', content: v2, ...alice }).then([{ type: 'DeploymentModelDrafted', data: { ...drafted.data, content: v2 } as never }]));

  it('drafting the same content again records nothing', () => spec.given([drafted]).when({ type: 'DraftDeploymentModel', content: { ...v1 }, ...later }).thenNothing());

  it('a published version cannot change', () =>
    spec.given([drafted, published1]).when({ type: 'DraftDeploymentModel', content: v2, ...alice }).thenRefused({
      code: 'PublishedVersionCannotChange',
      version: 1,
      reason: 'version 1 is published and immutable; revise the model to draft version 2',
    }));

  it('the name of a model cannot change', () =>
    spec.given([drafted]).when({ type: 'DraftDeploymentModel', content: { ...v1, name: 'other' }, ...alice }).thenRefused({ code: 'ModelNameCannotChange', name, requested: 'other' }));

  it('a retired model cannot be drafted again', () => spec.given([drafted, published1, retired]).when({ type: 'DraftDeploymentModel', content: v1, ...alice }).thenRefused({ code: 'ModelRetired', name }));

  describe('refuses contradictory content with a precise reason', () => {
    const contradictions: [string, DeploymentModelContent, string, string][] = [
      ['canary without steps', { ...v1, strategy: { type: 'canary', steps: [], analysis: { maxErrorRate: 0.01, maxP95LatencyMs: 500 } } }, 'canaryNeedsSteps', 'a canary strategy needs at least one step'],
      ['a gate with zero approvers', { ...v1, gates: [{ environmentKind: 'production', roles: ['deployment-manager'], minApprovers: 0 }] }, 'gateNeedsApprovers', 'the gate of production requires 0 approvers; a gate needs at least one'],
      ['an empty environment flow', { ...v1, environmentFlow: [], gates: [] }, 'environmentFlowMustNotBeEmpty', 'the environment flow must name at least one environment kind'],
      ['canary steps that fall back', { ...v1, strategy: { type: 'canary', steps: [0.5, 0.2, 1], analysis: { maxErrorRate: 0.01, maxP95LatencyMs: 500 } } }, 'canaryStepsMustRiseToAllTargets', 'canary steps must be strictly increasing shares of the targets'],
      ['canary that never reaches all targets', { ...v1, strategy: { type: 'canary', steps: [0.1, 0.5], analysis: { maxErrorRate: 0.01, maxP95LatencyMs: 500 } } }, 'canaryStepsMustRiseToAllTargets', 'the last canary step must reach all targets (1)'],
      ['progressive waves that miss targets', { ...v1, strategy: { type: 'progressive', waves: [0.2, 0.3] } }, 'progressiveWavesMustCoverAllTargets', 'the shares of the progressive waves add up to 0.5, not 1'],
      ['progressive without waves', { ...v1, strategy: { type: 'progressive', waves: [] } }, 'progressiveNeedsWaves', 'a progressive strategy needs at least one wave'],
      ['a gate nobody may pass', { ...v1, gates: [{ environmentKind: 'production', roles: [], minApprovers: 1 }] }, 'gateNeedsRoles', 'the gate of production names no role that may approve'],
      ['a gate off the flow', { ...v1, gates: [{ environmentKind: 'development', roles: ['admin'], minApprovers: 1 }] }, 'gateMustGuardAnEnvironmentOfTheFlow', 'the gate of development guards an environment kind that is not on the environment flow'],
      ['two gates on one environment kind', { ...v1, gates: [v1.gates[0], v1.gates[0]] }, 'oneGatePerEnvironmentKind', 'production has more than one gate'],
      ['a repeated environment in the flow', { ...v1, environmentFlow: ['test', 'production', 'test'] }, 'environmentFlowMustNotRepeat', 'the environment flow names test more than once'],
      ['an automatic model with manual steps', { ...v1, manualSteps: [{ instruction: 'press the button', role: 'admin', evidenceRequired: false }] }, 'automaticModelHasNoManualSteps', 'an automatic model has no manual steps; choose the mixed or manual automation level'],
      ['a manual model without steps', { ...v1, automationLevel: 'manual' }, 'manualModelNeedsManualSteps', 'a manual model needs at least one manual step template'],
      ['a look less often than the monitoring period lasts', { ...v1, monitoring: { ...monitoring, lookEverySeconds: 7200, durationSeconds: 3600 } }, 'monitoringLooksMustFitThePeriod', 'a look every 7200 s does not fit a period of 3600 s'],
      ['more looks than the judge plans for', { ...v1, monitoring: { ...monitoring, lookEverySeconds: 60, durationSeconds: 86_400 } }, 'monitoringLooksMustFitThePeriod', '1440 looks in the period; at most 1000 (look less often)'],
      ['two monitoring signals of one name', { ...v1, monitoring: { ...monitoring, signals: [monitoring.signals[0]!, monitoring.signals[0]!] } }, 'monitoringSignalsMustHaveDistinctNames', 'two monitoring signals are named error-rate'],
    ];
    it.each(contradictions)('%s', (_, content, rule, reason) => {
      spec.given([]).when({ type: 'DraftDeploymentModel', content, ...alice }).thenRefused({ code: 'ContradictoryModel', rule, reason });
      spec.given([drafted]).when({ type: 'DraftDeploymentModel', content, ...alice }).thenRefused({ code: 'ContradictoryModel', rule, reason });
      spec.given([drafted, published1]).when({ type: 'ReviseDeploymentModel', content, reviewId: null, ...alice }).thenRefused({ code: 'ContradictoryModel', rule, reason });
    });
  });
});

describe('PublishDeploymentModel', () => {
  it('publishes the draft as the active version', () => spec.given([drafted]).when({ type: 'PublishDeploymentModel', version: 1, pilotDeployments: 0, ...later }).then([published1]));

  it('publishing a second version supersedes the first', () =>
    spec.given([drafted, published1, revised]).when({ type: 'PublishDeploymentModel', version: 2, pilotDeployments: 0, ...later }).then([published2]));

  it('the second version is the active one afterwards: it is the one retired, publishing it again records nothing, and no draft is pending', () => {
    const history = [drafted, published1, revised, published2];
    spec.given(history).when({ type: 'RetireDeploymentModel', reason: 'no longer used', ...later }).then([{ type: 'DeploymentModelRetired', data: { ...retired.data, version: 2, content: v2 } as never }]);
    spec.given(history).when({ type: 'PublishDeploymentModel', version: 2, pilotDeployments: 0, ...later }).thenNothing();
    spec.given(history).when({ type: 'DraftDeploymentModel', content: v1, ...alice }).thenRefused({
      code: 'PublishedVersionCannotChange',
      version: 2,
      reason: 'version 2 is published and immutable; revise the model to draft version 3',
    });
  });

  it('publishing the active version again records nothing', () => spec.given([drafted, published1]).when({ type: 'PublishDeploymentModel', version: 1, pilotDeployments: 0, ...later }).thenNothing());

  it('a superseded version cannot be published again', () =>
    spec.given([drafted, published1, revised, published2]).when({ type: 'PublishDeploymentModel', version: 1, pilotDeployments: 0, ...later }).thenRefused({
      code: 'PublishedVersionCannotChange',
      version: 1,
      reason: 'version 1 was published before and is no longer the draft',
    }));

  it('a version that was never drafted cannot be published', () => spec.given([drafted, published1]).when({ type: 'PublishDeploymentModel', version: 5, pilotDeployments: 0, ...later }).thenRefused({ code: 'NoDraftToPublish', version: 5 }));

  it('a retired model cannot be published', () => spec.given([drafted, published1, retired]).when({ type: 'PublishDeploymentModel', version: 1, pilotDeployments: 0, ...later }).thenRefused({ code: 'ModelRetired', name }));

  it('a model that does not exist cannot be published', () => spec.given([]).when({ type: 'PublishDeploymentModel', version: 1, pilotDeployments: 0, ...later }).thenRefused({ code: 'ModelNotFound' }));
});

describe('ReviseDeploymentModel', () => {
  it('drafts version n+1 from the active version n', () => spec.given([drafted, published1]).when({ type: 'ReviseDeploymentModel', content: v2, reviewId: null, ...alice }).then([revised]));

  it('revising again with the same content records nothing', () => spec.given([drafted, published1, revised]).when({ type: 'ReviseDeploymentModel', content: v2, reviewId: null, ...later }).thenNothing());

  it('a second, different revision waits for the pending draft', () =>
    spec.given([drafted, published1, revised]).when({ type: 'ReviseDeploymentModel', content: v1, reviewId: null, ...later }).thenRefused({
      code: 'DraftPending',
      version: 2,
      reason: 'version 2 is still a draft: change or publish it first',
    }));

  it('an unpublished model cannot be revised', () =>
    spec.given([]).when({ type: 'ReviseDeploymentModel', content: v2, reviewId: null, ...alice }).thenRefused({ code: 'ModelNotFound' }));

  it('a retired model cannot be revised', () => spec.given([drafted, published1, retired]).when({ type: 'ReviseDeploymentModel', content: v2, reviewId: null, ...alice }).thenRefused({ code: 'ModelRetired', name }));
});

describe('RetireDeploymentModel', () => {
  it('retires the model with the content of its active version', () => spec.given([drafted, published1]).when({ type: 'RetireDeploymentModel', reason: 'no longer used', ...later }).then([retired]));

  it('retiring twice records nothing', () => spec.given([drafted, published1, retired]).when({ type: 'RetireDeploymentModel', reason: 'again', ...later }).thenNothing());

  it('a model that does not exist cannot be retired', () => spec.given([]).when({ type: 'RetireDeploymentModel', reason: 'x', ...later }).thenRefused({ code: 'ModelNotFound' }));
});

describe('the starter catalogue', () => {
  it.each(STARTER_CATALOGUE.map((m) => [m.name, m] as const))('%s is valid and holds together', (_, content) => {
    expect(validatePayload('DeploymentModelDrafted', { name: content.name, version: 1, content, draftedBy: 'gantry', draftedAt: alice.at })).toBeNull();
    spec.given([]).when({ type: 'DraftDeploymentModel', content, ...alice }).then([{ type: 'DeploymentModelDrafted', data: { name: content.name, version: 1, content, draftedBy: 'alice', draftedAt: alice.at } }]);
  });

  it('covers the four example cases and retirement', () => {
    expect(STARTER_CATALOGUE.map((m) => m.applicability.componentSources)).toEqual(expect.arrayContaining([['external-consumers'], ['vendor'], ['in-house']]));
    expect(STARTER_CATALOGUE.filter((m) => m.applicability.deploymentKinds.includes('removal'))).toHaveLength(1);
    expect(STARTER_CATALOGUE).toHaveLength(5);
  });
});
