import type { Run } from './run';

/**
 * Pauses a person ends with Resume (asked by someone, the window closed, the old side could not be retired): the run
 * asks no rollback decision for them. Every other pause of a started run waits for one (execution's README, "Rules").
 */
const RESUMED_NOT_DECIDED = ['Requested', 'WindowClosed', 'RetireFailed'];

/** The rollback decision a run asks for, and why: a failure, an inconclusive canary, a late change or a regression. */
export const rollbackDecisionAsked = (run: Run): { reason: string } | undefined =>
  (run.status === 'running' || run.status === 'executed') && run.pause && !RESUMED_NOT_DECIDED.includes(run.pause.reason) ? { reason: run.pause.reason } : undefined;
