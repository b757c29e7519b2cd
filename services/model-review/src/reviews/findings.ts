import type { DeploymentOutcome, EnvironmentKind, RankedCause, ReviewFindings } from '@gantry/contracts';

/** A closed deployment of a model, as the records reported it (`DeploymentRecordClosed`). */
export interface ClosedDeployment {
  deploymentId: string;
  service: string;
  environment: string;
  /** the environment's kind as records reported it; absent from records closed before they carried it */
  environmentKind?: EnvironmentKind;
  outcome: DeploymentOutcome;
  cause: string | null;
  closedAt: string;
  leadTimeMs: number;
  /** when verification first detected a regression in the deployment's monitoring period (early life support) */
  regressedAt?: string;
}

/** The kind of environment whose rollbacks always call for a review: live, whatever its name (`prod-eu`, `prod-us`). */
export const PRODUCTION: EnvironmentKind = 'production';

/** In production by kind; a record closed before records reported the kind is judged by its environment's name. */
export const inProduction = (d: ClosedDeployment): boolean => (d.environmentKind ?? d.environment) === PRODUCTION;

/** A regression in the monitoring period counts like a failure: the deployment did not hold once live. */
const isFailure = (d: ClosedDeployment) => d.outcome === 'failed' || d.outcome === 'rolled-back' || d.regressedAt !== undefined;

/** Why a deployment counts as a failure: its cause, else the regression of its monitoring period. */
const causeOf = (d: ClosedDeployment) => d.cause ?? (d.regressedAt ? 'RegressionDetected' : 'unknown');

/** Nearest-rank percentile: the smallest value with at least p% of the values at or below it. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

function rankCauses(failures: readonly ClosedDeployment[]): RankedCause[] {
  const counts = new Map<string, number>();
  for (const d of failures) counts.set(causeOf(d), (counts.get(causeOf(d)) ?? 0) + 1);
  return [...counts].map(([cause, count]) => ({ cause, count })).sort((a, b) => b.count - a.count || (a.cause < b.cause ? -1 : 1));
}

const distinct = (values: string[]) => [...new Set(values)].sort();

/** The figures of a review, from the closed deployments of the model in its period. */
export function computeFindings(deployments: readonly ClosedDeployment[], period: { from: string | null; to: string }): ReviewFindings {
  const failures = deployments.filter(isFailure);
  const counted = deployments.filter((d) => d.outcome !== 'cancelled' && d.outcome !== 'rejected');
  const succeeded = deployments.filter((d) => d.outcome === 'succeeded').length;
  const leadTimes = deployments.map((d) => d.leadTimeMs);
  return {
    period,
    deploymentsReviewed: deployments.length,
    succeeded,
    failed: deployments.filter((d) => d.outcome === 'failed').length,
    rolledBack: deployments.filter((d) => d.outcome === 'rolled-back').length,
    cancelledOrRejected: deployments.length - counted.length,
    successRate: counted.length === 0 ? null : succeeded / counted.length,
    productionRollbacks: deployments.filter((d) => d.outcome === 'rolled-back' && inProduction(d)).length,
    failureCauses: rankCauses(failures),
    leadTimeP50Ms: percentile(leadTimes, 50),
    leadTimeP90Ms: percentile(leadTimes, 90),
    services: distinct(deployments.map((d) => d.service)),
    environments: distinct(deployments.map((d) => d.environment)),
    deploymentIds: deployments.map((d) => d.deploymentId),
  };
}

/** The failure-threshold policy: when the model's recent deployments call for a review. */
export interface FailureThreshold {
  /** the last N closed deployments looked at (cancelled and rejected ones are not counted) */
  window: number;
  /** failed or rolled-back share of those N at or above which a review opens */
  share: number;
}

/**
 * Why the model's recent deployments call for a review, or null. `latest` is the deployment just closed; `recent` the
 * model's last closed deployments, newest first, `latest` included; `reviewedUpTo` the end of the last review's period
 * (deployments closed until then were looked at already). Deliveries arrive in any order across partitions, so the
 * rule looks at the window as it stands, whatever closed last: the window must hold a failure no review has seen yet.
 */
export function reviewCalledFor(
  latest: ClosedDeployment,
  recent: readonly ClosedDeployment[],
  policy: FailureThreshold,
  reviewedUpTo: string | null = null,
): { trigger: 'failure-threshold' | 'production-rollback' | 'production-regression'; reason: string } | null {
  // a regression detected after the review that saw the deployment close is news to it
  const unreviewed = (d: ClosedDeployment) => reviewedUpTo === null || d.closedAt > reviewedUpTo || (d.regressedAt !== undefined && d.regressedAt > reviewedUpTo);
  if (latest.outcome === 'rolled-back' && inProduction(latest) && unreviewed(latest)) {
    return { trigger: 'production-rollback', reason: `deployment ${latest.deploymentId} was rolled back in production (${latest.environment})` };
  }
  if (latest.regressedAt !== undefined && inProduction(latest) && unreviewed(latest)) {
    return { trigger: 'production-regression', reason: `deployment ${latest.deploymentId} regressed in its monitoring period in production (${latest.environment})` };
  }
  const window = recent.filter((d) => d.outcome !== 'cancelled' && d.outcome !== 'rejected').slice(0, policy.window);
  if (window.length < policy.window) return null;
  const failures = window.filter(isFailure);
  if (failures.length / window.length < policy.share || !failures.some(unreviewed)) return null;
  return {
    trigger: 'failure-threshold',
    reason: `${failures.length} of the last ${window.length} closed deployments failed or were rolled back (threshold ${Math.round(policy.share * 100)}%)`,
  };
}
