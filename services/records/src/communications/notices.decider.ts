import type { Decider } from '@gantry/decider';
import { NOTICE_KINDS, type DeploymentNoticeIssued, type KnowledgeArticleProposed, type NoticeKind, type NoticeRecipient, type Window } from '@gantry/contracts';
import { TOLD_AFTER, type StoryStep } from './story';

/**
 * The notices of one deployment (stream `DeploymentNotices-<deploymentId>`): what the service desk and the service's
 * stakeholders were told of it, each kind once, and whether a knowledge article was proposed after it went wrong.
 */
export type NoticeEvent = { type: 'DeploymentNoticeIssued'; data: DeploymentNoticeIssued } | { type: 'KnowledgeArticleProposed'; data: KnowledgeArticleProposed };

export interface Notices {
  told: readonly NoticeKind[];
  articleProposed: boolean;
}

export const initialState: Notices = { told: [], articleProposed: false };

export function evolve(state: Notices, event: NoticeEvent): Notices {
  switch (event.type) {
    case 'DeploymentNoticeIssued':
      return { ...state, told: [...state.told, event.data.kind] };
    case 'KnowledgeArticleProposed':
      return { ...state, articleProposed: true };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** What every notice of the deployment says about it: from its record and the service catalogue. */
export interface DeploymentStory {
  deploymentId: string;
  changeId?: string;
  service: string;
  environment: string;
  window?: Window;
  /** the component versions deployed, `name@version`: what a knowledge article says to avoid */
  components: readonly string[];
  /** the service and the services that depend on it */
  affectedServices: readonly string[];
  recipients: readonly NoticeRecipient[];
}

/** Tell the service desk and stakeholders every step of the story not told yet, in its order. */
export type TellStory = { type: 'TellStory'; story: DeploymentStory; steps: readonly StoryStep[]; now: string };

/** A notice goes wrong for the service desk: a known error is worth recording. */
const GONE_WRONG: readonly NoticeKind[] = ['failed', 'rolled-back', 'regression-found'];

export function decide(command: TellStory, state: Notices): readonly NoticeEvent[] {
  const told = new Set(state.told);
  const events: NoticeEvent[] = [];
  let articleProposed = state.articleProposed;
  // in the order of the story, whatever order its events arrived in
  for (const kind of NOTICE_KINDS) {
    const step = command.steps.find((s) => s.kind === kind);
    const before = TOLD_AFTER[kind];
    if (!step || told.has(kind) || (before && !told.has(before))) continue;
    told.add(kind);
    events.push({ type: 'DeploymentNoticeIssued', data: noticeOf(command.story, step, command.now) });
    if (GONE_WRONG.includes(kind) && !articleProposed) {
      articleProposed = true;
      events.push({ type: 'KnowledgeArticleProposed', data: articleOf(command.story, step, command.now) });
    }
  }
  return events;
}

const noticeOf = (story: DeploymentStory, step: StoryStep, now: string): DeploymentNoticeIssued => ({
  noticeId: `${story.deploymentId}:${step.kind}`,
  deploymentId: story.deploymentId,
  ...(story.changeId ? { changeId: story.changeId } : {}),
  service: story.service,
  environment: story.environment,
  kind: step.kind,
  ...(story.window ? { window: story.window } : {}),
  summary: summaryOf(story, step),
  impact: { services: [...story.affectedServices], environment: story.environment },
  recipients: [...story.recipients],
  issuedAt: now,
});

const change = (story: DeploymentStory) => (story.changeId ? ` (change ${story.changeId})` : '');
const because = (step: StoryStep) => (step.cause ? `: ${step.cause}` : '');

/** One sentence a person reads in a chat channel or the service desk's queue. */
export function summaryOf(story: DeploymentStory, step: StoryStep): string {
  const what = `${story.service} in ${story.environment}${change(story)}`;
  switch (step.kind) {
    case 'scheduled':
      return story.window ? `Deployment of ${what} scheduled from ${story.window.start} to ${story.window.end}.` : `Deployment of ${what} scheduled.`;
    case 'started':
      return `Deployment of ${what} started at ${step.at}.`;
    case 'completed':
      return `Deployment of ${what} completed and verified at ${step.at}.`;
    case 'failed':
      return `Deployment of ${what} failed at ${step.at}${because(step)}.`;
    case 'rolled-back':
      return `Deployment of ${what} rolled back at ${step.at}${because(step)}; the previous version is restored.`;
    case 'cancelled':
      return `Deployment of ${what} cancelled${because(step)}.`;
    case 'monitoring-ended':
      return `Monitoring after the deployment of ${what} ended at ${step.at}${because(step)}.`;
    case 'regression-found':
      return `A regression was found after the deployment of ${what}${because(step)}.`;
  }
}

const GONE_WRONG_TITLE: Partial<Record<NoticeKind, string>> = { 'rolled-back': 'rolled back', 'regression-found': 'regressed' };

const articleOf = (story: DeploymentStory, step: StoryStep, now: string): KnowledgeArticleProposed => {
  const versions = story.components.length ? story.components.join(', ') : 'the versions it deployed';
  const workaround =
    step.kind === 'rolled-back'
      ? `The rollback restored the previous version; avoid ${versions} until the known error is resolved.`
      : `The deployment did not complete; check ${story.service} in ${story.environment} and avoid ${versions} until the known error is resolved.`;
  return {
    articleId: `${story.deploymentId}:known-error`,
    deploymentId: story.deploymentId,
    service: story.service,
    environment: story.environment,
    title: `${story.service}: deployment to ${story.environment} ${GONE_WRONG_TITLE[step.kind] ?? step.kind}`,
    symptoms: step.cause ?? summaryOf(story, step),
    workaround,
    proposedAt: now,
  };
};

export const noticesDecider: Decider<TellStory, NoticeEvent, Notices, never> = { decide, evolve, initialState };
