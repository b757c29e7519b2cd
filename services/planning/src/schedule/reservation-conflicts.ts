import type { DeploymentWindowReserved, PlanWarning } from '@gantry/contracts';

// The schedule's rule, apart from the table and locks that guard it (reservations.ts): the deployment decider weighs it.

const windowsOverlap = (a: DeploymentWindowReserved['window'], b: DeploymentWindowReserved['window']) =>
  Date.parse(a.start) < Date.parse(b.end) && Date.parse(b.start) < Date.parse(a.end);

/**
 * Two deployments conflict when their windows overlap and they deploy the same service or share a target.
 * Returns the reservation already held that conflicts with the candidate.
 */
export const conflictingReservation = (
  reservations: readonly DeploymentWindowReserved[],
  candidate: Pick<DeploymentWindowReserved, 'deploymentId' | 'service' | 'targets' | 'window'>,
): DeploymentWindowReserved | undefined =>
  reservations.find(
    (r) =>
      r.deploymentId !== candidate.deploymentId &&
      windowsOverlap(r.window, candidate.window) &&
      (r.service === candidate.service || r.targets.some((t) => candidate.targets.includes(t))),
  );

/** A service related to the one planned, as the catalogue says: one it depends on, or one that depends on it. */
export type RelatedService = { name: string; relation: PlanWarning['relation'] };

/**
 * Related services holding windows that overlap the candidate's: not a conflict (they share no target), but the
 * people who own them should know, so the plan carries a warning for each.
 */
export const relatedServicesDeploying = (
  reservations: readonly DeploymentWindowReserved[],
  candidate: Pick<DeploymentWindowReserved, 'deploymentId' | 'window'>,
  related: readonly RelatedService[],
): PlanWarning[] =>
  reservations.flatMap((r) => {
    const relation = related.find((s) => s.name === r.service)?.relation;
    if (!relation || r.deploymentId === candidate.deploymentId || !windowsOverlap(r.window, candidate.window)) return [];
    return [{ code: 'DependentServiceDeploying' as const, service: r.service, relation, deploymentId: r.deploymentId, window: r.window }];
  });
