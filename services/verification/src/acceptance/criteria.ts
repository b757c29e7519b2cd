import type { AcceptanceCriterion, CriterionOutcome } from '@gantry/contracts';

/** A measurement monitoring posted for a deployment: error rate, p95 latency and named metrics, maybe per target. */
export interface Observation {
  target?: string;
  values: Record<string, number>;
  /** when monitoring measured it (default: when it was posted) */
  observedAt: string;
}

/** Smoke-test results posted for a deployment, newest first. */
export interface TestResult {
  suite?: string;
  passed: number;
  failed: number;
}

/** A manual step of the run, from execution's ManualStepRequired and ManualStepCompleted (`evidenceItems`: completed). */
export interface ManualStep {
  stepId: string;
  evidenceRequired: boolean;
  evidenceItems?: number;
}

/** What the acceptance criteria of one evaluation are judged on. */
export interface Evidence {
  observations: readonly Observation[];
  testResults: readonly TestResult[];
  manualSteps: readonly ManualStep[];
  /** `http-health` results, by the criterion's index: from the probes, or a refusal to probe */
  probes: Readonly<Record<number, CriterionOutcome>>;
}

export const NO_EVIDENCE: Evidence = { observations: [], testResults: [], manualSteps: [], probes: {} };

const outcome = (criterion: AcceptanceCriterion, result: CriterionOutcome['result'], measured?: CriterionOutcome['measured'], reason?: string): CriterionOutcome => ({
  type: criterion.type,
  description: criterion.description,
  result,
  ...(measured ? { measured } : {}),
  ...(reason ? { reason } : {}),
});

const COMPARE = { '<': (a: number, b: number) => a < b, '<=': (a: number, b: number) => a <= b, '>': (a: number, b: number) => a > b, '>=': (a: number, b: number) => a >= b } as const;

const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / values.length;

/**
 * One criterion's result from the evidence so far, or undefined while it cannot be told yet. Once the deadline has
 * passed, a criterion still without evidence has failed (`DeadlinePassed`).
 */
export function evaluateCriterion(
  criterion: AcceptanceCriterion,
  index: number,
  evidence: Evidence,
  context: { targets?: readonly string[]; manualStepsRequiringEvidence: number; deadlinePassed: boolean; now: string },
): CriterionOutcome | undefined {
  const late = (measured?: CriterionOutcome['measured']) => (context.deadlinePassed ? outcome(criterion, 'failed', measured, 'DeadlinePassed') : undefined);
  switch (criterion.type) {
    case 'http-health':
      return evidence.probes[index] ?? late();
    case 'metric-threshold': {
      // the mean of the metric over the observations posted for the deployment (or for the scope's targets), within
      // the criterion's window before now when it names one
      const since = criterion.windowSeconds === undefined ? -Infinity : Date.parse(context.now) - criterion.windowSeconds * 1000;
      const values = evidence.observations
        .filter((o) => !context.targets || (o.target !== undefined && context.targets.includes(o.target)))
        .filter((o) => Date.parse(o.observedAt) >= since)
        .map((o) => o.values[criterion.metric])
        .filter((v): v is number => typeof v === 'number');
      if (values.length === 0) return late({ observations: 0 });
      const value = mean(values);
      const measured = { [criterion.metric]: value, observations: values.length };
      return COMPARE[criterion.comparator](value, criterion.threshold) ? outcome(criterion, 'met', measured) : outcome(criterion, 'failed', measured, 'ThresholdExceeded');
    }
    case 'smoke-tests': {
      const latest = evidence.testResults.find((r) => criterion.suite === undefined || r.suite === criterion.suite);
      if (!latest) return late();
      const measured = { passed: latest.passed, failed: latest.failed };
      return latest.failed === 0 && latest.passed > 0 ? outcome(criterion, 'met', measured) : outcome(criterion, 'failed', measured, 'TestsFailed');
    }
    case 'manual-evidence': {
      // every manual step that asks for evidence was completed with some (execution's ManualStepCompleted)
      const requiring = evidence.manualSteps.filter((s) => s.evidenceRequired);
      const withEvidence = requiring.filter((s) => (s.evidenceItems ?? 0) > 0).length;
      const measured = { stepsRequiringEvidence: requiring.length, withEvidence };
      if (requiring.length === 0 && context.manualStepsRequiringEvidence > 0) {
        // the plan asks for evidence, but execution reported no such step: nothing to judge it on
        return outcome(criterion, 'not-evaluated', { stepsRequiringEvidence: context.manualStepsRequiringEvidence, withEvidence: 0 }, 'EvidenceNotReported');
      }
      return withEvidence === requiring.length ? outcome(criterion, 'met', measured) : outcome(criterion, 'failed', measured, 'EvidenceMissing');
    }
    default: {
      const unknown: never = criterion;
      return unknown;
    }
  }
}
