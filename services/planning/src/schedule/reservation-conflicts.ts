import type { DeploymentWindowReserved } from '@gantry/contracts';

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
