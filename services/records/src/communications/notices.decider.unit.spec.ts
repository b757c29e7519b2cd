import { specification } from '@gantry/decider';
import type { DeploymentNoticeIssued } from '@gantry/contracts';
import { noticesDecider, summaryOf, type DeploymentStory, type NoticeEvent } from './notices.decider';
import { storyOf, type StoryStep } from './story';

const spec = specification(noticesDecider);
const now = '2026-12-01T23:10:00.000Z';
const story: DeploymentStory = {
  deploymentId: 'd-1',
  changeId: 'CHG0012345',
  service: 'payments',
  environment: 'production',
  window: { start: '2026-12-01T22:00:00.000Z', end: '2026-12-01T23:00:00.000Z' },
  components: ['payments-api@2.4.1'],
  affectedServices: ['payments', 'checkout'],
  recipients: [
    { name: 'Ada Owner', role: 'owner', contact: { email: 'ada@example.com' } },
    { name: 'Service desk', role: 'service-desk', contact: { chat: '#service-desk' } },
  ],
};
const scheduled: StoryStep = { kind: 'scheduled', at: '2026-11-30T10:00:00.000Z' };
const started: StoryStep = { kind: 'started', at: '2026-12-01T22:00:05.000Z' };
const completed: StoryStep = { kind: 'completed', at: '2026-12-01T22:40:00.000Z' };
const rolledBack: StoryStep = { kind: 'rolled-back', at: '2026-12-01T22:50:00.000Z', cause: 'DeploymentVerificationFailed' };
const failed: StoryStep = { kind: 'failed', at: '2026-12-01T22:01:00.000Z', cause: 'BackupFailed: snapshot store unreachable' };

const notice = (step: StoryStep): NoticeEvent => ({
  type: 'DeploymentNoticeIssued',
  data: {
    noticeId: `d-1:${step.kind}`,
    deploymentId: 'd-1',
    changeId: 'CHG0012345',
    service: 'payments',
    environment: 'production',
    kind: step.kind,
    window: story.window,
    summary: summaryOf(story, step),
    impact: { services: ['payments', 'checkout'], environment: 'production' },
    recipients: story.recipients as DeploymentNoticeIssued['recipients'],
    issuedAt: now,
  },
});
const tell = (...steps: StoryStep[]) => ({ type: 'TellStory' as const, story, steps, now });

describe('TellStory', () => {
  it('a planned deployment is announced as scheduled, with its window, impact and the service contacts', () =>
    spec.given([]).when(tell(scheduled)).then([notice(scheduled)]));

  it('each kind is told once: the same story again tells nothing', () => spec.given([notice(scheduled), notice(started)]).when(tell(scheduled, started)).thenNothing());

  it('a step is told only after the one before it: started waits for scheduled', () => spec.given([]).when(tell(started)).thenNothing());

  it('steps that arrived out of order are told in the order of the story', () =>
    spec.given([]).when(tell(completed, started, scheduled)).then([notice(scheduled), notice(started), notice(completed)]));

  it('a rollback is told, and a knowledge article proposed with the cause and the versions to avoid', () =>
    spec
      .given([notice(scheduled), notice(started)])
      .when(tell(scheduled, started, rolledBack))
      .then([
        notice(rolledBack),
        {
          type: 'KnowledgeArticleProposed',
          data: {
            articleId: 'd-1:known-error',
            deploymentId: 'd-1',
            service: 'payments',
            environment: 'production',
            title: 'payments: deployment to production rolled back',
            symptoms: 'DeploymentVerificationFailed',
            workaround: 'The rollback restored the previous version; avoid payments-api@2.4.1 until the known error is resolved.',
            proposedAt: now,
          },
        },
      ]));

  it('one knowledge article per deployment: a failure after a rollback proposes no second one', () => {
    const article: NoticeEvent = { type: 'KnowledgeArticleProposed', data: { articleId: 'd-1:known-error', deploymentId: 'd-1', service: 'payments', environment: 'production', title: 't', symptoms: 's', workaround: 'w', proposedAt: now } };
    return spec.given([notice(scheduled), notice(started), notice(rolledBack), article]).when(tell(scheduled, started, rolledBack, failed)).then([notice(failed)]);
  });
});

describe('the story of a deployment, from its events', () => {
  it('maps the events that call for notices, with the cause of a failure, and ignores the others', () =>
    expect(
      storyOf([
        { name: 'DeploymentRequested', time: 't0', data: {} },
        { name: 'DeploymentPlanned', time: 't1', data: {} },
        { name: 'WaveStarted', time: 't2', data: {} },
        { name: 'DeploymentFailed', time: 't3', data: { reason: 'BackupFailed', detail: 'snapshot store unreachable' } },
        { name: undefined, time: 't4', data: {} },
        { name: 'RegressionDetected', time: 't5', data: { signal: 'error-rate', reason: 'error-rate 4.1 % vs baseline 0.9 %' } },
        { name: 'MonitoringPeriodEnded', time: 't6', data: { verdict: 'regressed' } },
      ]),
    ).toEqual([
      { kind: 'scheduled', at: 't1' },
      { kind: 'failed', at: 't3', cause: 'BackupFailed: snapshot store unreachable' },
      { kind: 'regression-found', at: 't5', cause: 'error-rate 4.1 % vs baseline 0.9 %' },
      { kind: 'monitoring-ended', at: 't6', cause: 'regressed' },
    ]));
});
