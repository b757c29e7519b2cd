import type { NoticeKind } from '@gantry/contracts';

/** Which event of a deployment's story calls for which notice: one line per event. */
export const NOTICE_OF_EVENT: Readonly<Record<string, NoticeKind>> = {
  DeploymentPlanned: 'scheduled',
  DeploymentStarted: 'started',
  DeploymentVerified: 'completed',
  DeploymentFailed: 'failed',
  RolledBack: 'rolled-back',
  DeploymentCancelled: 'cancelled',
  RegressionDetected: 'regression-found',
  MonitoringPeriodEnded: 'monitoring-ended',
};

/**
 * The notice that must be told before each kind: the order of the story. Events reach records from several topics in
 * no fixed order; a notice waits until the one before it is told, so the service desk reads them as they happened.
 */
export const TOLD_AFTER: Readonly<Record<NoticeKind, NoticeKind | null>> = {
  scheduled: null,
  started: 'scheduled',
  completed: 'started',
  failed: 'scheduled',
  'rolled-back': 'started',
  cancelled: 'scheduled',
  'monitoring-ended': 'completed',
  'regression-found': 'completed',
};

/** A step of the story that calls for a notice: its kind, when it happened, and why (for a failure, a rollback, a regression). */
export interface StoryStep {
  kind: NoticeKind;
  at: string;
  cause?: string;
}

/** The steps of a deployment's story that call for notices, from its events in the order the ledger holds them. */
export function storyOf(events: readonly { name: string | undefined; time?: string; data: unknown }[]): StoryStep[] {
  return events.flatMap(({ name, time, data }) => {
    const kind = name ? NOTICE_OF_EVENT[name] : undefined;
    if (!kind) return [];
    // a failure's reason and detail, a regression's reason, how a monitoring period ended
    const { reason, detail, verdict } = (data ?? {}) as { reason?: unknown; detail?: unknown; verdict?: unknown };
    const cause = [reason, detail, verdict].filter((part): part is string => typeof part === 'string').join(': ');
    return [{ kind, at: time ?? '', ...(cause ? { cause } : {}) }];
  });
}
