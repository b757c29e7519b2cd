import type { DeploymentProgress } from '../planning-facts';
import type { Deployment } from './deployment.decider';

/**
 * A deployment's status as planning answers it: planning's own decisions (`requested`, `planned`, `rejected`,
 * `cancelled`) and, once planned, how far the services after planning report it has come (from their topics):
 * `verified` (verification found the components and the target environment fit), `executing` (execution started
 * it), `executed` (every wave done; the acceptance criteria are being evaluated), then the outcome records closed
 * its record with (`succeeded`, `failed`, `rolled-back`, `cancelled`, `rejected`).
 */
export const DEPLOYMENT_STATUSES = ['requested', 'planned', 'verified', 'executing', 'executed', 'succeeded', 'failed', 'rolled-back', 'cancelled', 'rejected'] as const;
export type DeploymentStatus = (typeof DEPLOYMENT_STATUSES)[number];

/**
 * Topics arrive independently: the furthest step reported counts, and a closed record's outcome above all, planning's
 * own decisions included: a cancel that crossed the record's close on the way is refused once planning knows of the
 * close, but one accepted before it knew does not make planning tell another story than records and change enablement.
 */
export const statusOf = (deployment: Exclude<Deployment, { status: 'none' }>, progress: DeploymentProgress): DeploymentStatus => {
  if (progress.outcome) return progress.outcome;
  if (deployment.status !== 'planned') return deployment.status;
  if (progress.executedAt) return 'executed';
  if (progress.startedAt) return 'executing';
  if (progress.componentsVerified && progress.environmentVerified) return 'verified';
  return 'planned';
};

/** The statuses after which a deployment does not change: records closed its record, or planning ended it before it started. */
export const FINAL_STATUSES: ReadonlySet<DeploymentStatus> = new Set(['succeeded', 'failed', 'rolled-back', 'cancelled', 'rejected']);
