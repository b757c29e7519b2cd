import { specification } from '@gantry/decider';
import type { ReviewFindings } from '@gantry/contracts';
import { modelOfReview, modelReviewDecider, type ModelReviewEvent } from './model-review.decider';

const spec = specification(modelReviewDecider);
const name = 'in-house-software-ci-cd';
const reviewId = `${name}:1`;
const at = '2027-01-10T09:00:00.000Z';
const findings: ReviewFindings = {
  period: { from: null, to: at },
  deploymentsReviewed: 10,
  succeeded: 7,
  failed: 3,
  rolledBack: 0,
  cancelledOrRejected: 0,
  successRate: 0.7,
  productionRollbacks: 0,
  failureCauses: [{ cause: 'smoke tests failed', count: 3 }],
  leadTimeP50Ms: 300_000,
  leadTimeP90Ms: 540_000,
  services: ['payments'],
  environments: ['staging'],
  deploymentIds: ['d-1'],
};
const reason = '3 of the last 10 closed deployments failed or were rolled back (threshold 30%)';
const open = { type: 'OpenModelReview' as const, name, version: 2, trigger: 'failure-threshold' as const, reason, findings, by: 'gantry-model-review', at };
const opened: ModelReviewEvent[] = [
  { type: 'ModelReviewOpened', data: { reviewId, name, version: 2, trigger: 'failure-threshold', reason, openedBy: 'gantry-model-review', openedAt: at } },
  { type: 'ReviewFindingsComputed', data: { reviewId, name, findings } },
];
const closedAsRevise: ModelReviewEvent = { type: 'ModelReviewClosed', data: { reviewId, name, decision: 'revise', rationale: 'too many failures', closedBy: 'alice', closedAt: at } };
const close = { type: 'CloseModelReview' as const, reviewId, decision: 'revise' as const, rationale: 'too many failures', by: 'alice', at };

describe('OpenModelReview', () => {
  it('opens the first review with its findings', () => spec.given([]).when(open).then(opened));
  it('an automatic trigger while a review is open records nothing: never two open reviews', () => spec.given(opened).when({ ...open, at: '2027-01-11T00:00:00.000Z' }).thenNothing());
  it('opening by hand while a review is open is refused, naming it', () => spec.given(opened).when({ ...open, trigger: 'manual', reason: 'by hand' }).thenRefused({ code: 'ReviewAlreadyOpen', reviewId }));
  it('after the review closes, the next one is the second', () =>
    spec.given([...opened, closedAsRevise]).when({ ...open, trigger: 'schedule', reason: 'due' }).then([
      { type: 'ModelReviewOpened', data: { reviewId: `${name}:2`, name, version: 2, trigger: 'schedule', reason: 'due', openedBy: 'gantry-model-review', openedAt: at } },
      { type: 'ReviewFindingsComputed', data: { reviewId: `${name}:2`, name, findings } },
    ]));
});

describe('RecordReviewFinding', () => {
  const note = { type: 'RecordReviewFinding' as const, reviewId, summary: 'canary too coarse', detail: null, by: 'alice', at };
  const recorded: ModelReviewEvent = { type: 'ReviewFindingRecorded', data: { reviewId, name, summary: 'canary too coarse', detail: null, recordedBy: 'alice', recordedAt: at } };
  it('records a finding', () => spec.given(opened).when(note).then([recorded]));
  it('the same finding twice is recorded once', () => spec.given([...opened, recorded]).when(note).thenNothing());
  it('a closed review takes no findings', () => spec.given([...opened, closedAsRevise]).when(note).thenRefused({ code: 'ReviewClosed', reviewId }));
  it('an unknown review is refused', () => spec.given(opened).when({ ...note, reviewId: `${name}:9` }).thenRefused({ code: 'ReviewNotFound', reviewId: `${name}:9` }));
});

describe('RegisterImprovementInitiative', () => {
  const register = { type: 'RegisterImprovementInitiative' as const, reviewId, initiativeId: 'i-1', title: 'Finer canary', description: 'start at 1%', ownerRole: 'deployment-manager', dueDate: '2027-02-01', by: 'alice', at };
  const registered: ModelReviewEvent = {
    type: 'ImprovementInitiativeRegistered',
    data: { reviewId, name, initiativeId: 'i-1', title: 'Finer canary', description: 'start at 1%', ownerRole: 'deployment-manager', dueDate: '2027-02-01', status: 'open', registeredBy: 'alice', registeredAt: at },
  };
  it('registers an initiative against the review', () => spec.given(opened).when(register).then([registered]));
  it('registering it again records nothing', () => spec.given([...opened, registered]).when(register).thenNothing());
  it('another initiative under a taken id is refused', () => spec.given([...opened, registered]).when({ ...register, title: 'Other' }).thenRefused({ code: 'InitiativeIdTaken', initiativeId: 'i-1' }));
});

describe('ChangeInitiativeStatus', () => {
  const registered: ModelReviewEvent = {
    type: 'ImprovementInitiativeRegistered',
    data: { reviewId, name, initiativeId: 'i-1', title: 'Finer canary', description: 'start at 1%', ownerRole: 'deployment-manager', dueDate: '2027-02-01', status: 'open', registeredBy: 'alice', registeredAt: at },
  };
  const done = { type: 'ChangeInitiativeStatus' as const, reviewId, initiativeId: 'i-1', status: 'done' as const, by: 'bob', at };
  const changed: ModelReviewEvent = { type: 'ImprovementInitiativeStatusChanged', data: { reviewId, name, initiativeId: 'i-1', status: 'done', changedBy: 'bob', changedAt: at } };
  it('an initiative moves on, also after its review closed', () => spec.given([...opened, registered, closedAsRevise]).when(done).then([changed]));
  it('the same status again records nothing', () => spec.given([...opened, registered, changed]).when(done).thenNothing());
  it('an unknown initiative is refused', () => spec.given(opened).when(done).thenRefused({ code: 'InitiativeNotFound', initiativeId: 'i-1' }));
});

describe('RequestModelChange', () => {
  const request = { type: 'RequestModelChange' as const, reviewId, version: 2, summary: 'start canaries at 1%', by: 'alice', at };
  const requested: ModelReviewEvent = { type: 'ModelChangeRequested', data: { reviewId, name, version: 2, summary: 'start canaries at 1%', requestedBy: 'alice', requestedAt: at } };
  it('requests a change of the model from change enablement', () => spec.given(opened).when(request).then([requested]));
  it('the same request twice is one', () => spec.given([...opened, requested]).when(request).thenNothing());
  it('a closed review requests nothing more', () => spec.given([...opened, closedAsRevise]).when(request).thenRefused({ code: 'ReviewClosed', reviewId }));
});

describe('CloseModelReview', () => {
  it('closes the review with a decision', () => spec.given(opened).when(close).then([closedAsRevise]));
  it('closing again with the same decision records nothing', () => spec.given([...opened, closedAsRevise]).when(close).thenNothing());
  it('a closed review cannot be closed with another decision', () => spec.given([...opened, closedAsRevise]).when({ ...close, decision: 'keep' }).thenRefused({ code: 'ReviewClosed', reviewId }));
});

describe('CommunicateModelUpdate', () => {
  const communicate = { type: 'CommunicateModelUpdate' as const, reviewId, version: 3, previousVersion: 2, at };
  const communicated: ModelReviewEvent = {
    type: 'DeploymentModelUpdateCommunicated',
    data: { reviewId, name, version: 3, previousVersion: 2, audience: { services: ['payments'], environments: ['staging'] }, communicatedAt: at },
  };
  it('tells the services and environments of the reviewed period', () => spec.given([...opened, closedAsRevise]).when(communicate).then([communicated]));
  it('one version is communicated once', () => spec.given([...opened, closedAsRevise, communicated]).when(communicate).thenNothing());
  it('a review that does not exist communicates nothing', () => spec.given([]).when(communicate).thenRefused({ code: 'ReviewNotFound', reviewId }));
});

it('a review id names its model', () => {
  expect(modelOfReview('in-house-software-ci-cd:12')).toBe('in-house-software-ci-cd');
  expect(modelOfReview('no-number')).toBeUndefined();
  expect(modelOfReview('x:0')).toBeUndefined();
});
