import { refuse, sameFacts, type Decider, type Refused } from '@gantry/decider';
import type { DeploymentWindowReleased, DeploymentWindowReserved } from '@gantry/contracts';

/**
 * The forward schedule of one environment (stream `EnvironmentSchedule-<environment>`): the windows planned
 * deployments hold. Appending a reservation is guarded by the stream's version, so two requests racing for
 * overlapping windows cannot both get theirs.
 */
export type ScheduleEvent =
  | { type: 'DeploymentWindowReserved'; data: DeploymentWindowReserved }
  | { type: 'DeploymentWindowReleased'; data: DeploymentWindowReleased };

export interface EnvironmentSchedule {
  reservations: DeploymentWindowReserved[];
}

export const initialState: EnvironmentSchedule = { reservations: [] };

export const evolve = (state: EnvironmentSchedule, event: ScheduleEvent): EnvironmentSchedule => {
  switch (event.type) {
    case 'DeploymentWindowReserved':
      return { reservations: [...state.reservations.filter((r) => r.deploymentId !== event.data.deploymentId), event.data] };
    case 'DeploymentWindowReleased':
      return { reservations: state.reservations.filter((r) => r.deploymentId !== event.data.deploymentId) };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
};

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

/** Reserving again under the same deployment moves its reservation (a reschedule). */
export type ScheduleCommand = { type: 'ReserveWindow'; reservation: DeploymentWindowReserved } | { type: 'ReleaseWindow'; environment: string; deploymentId: string };
export type ScheduleRefusal = { code: 'ConflictingDeployment'; deploymentId: string; conflictsWith: string };

export function decide(command: ScheduleCommand, state: EnvironmentSchedule): readonly ScheduleEvent[] | Refused<ScheduleRefusal> {
  switch (command.type) {
    case 'ReserveWindow': {
      const held = state.reservations.find((r) => r.deploymentId === command.reservation.deploymentId);
      if (held && sameFacts(held, command.reservation)) return [];
      const conflict = conflictingReservation(state.reservations, command.reservation);
      if (conflict) return refuse({ code: 'ConflictingDeployment', deploymentId: command.reservation.deploymentId, conflictsWith: conflict.deploymentId });
      return [{ type: 'DeploymentWindowReserved', data: command.reservation }];
    }
    case 'ReleaseWindow':
      return state.reservations.some((r) => r.deploymentId === command.deploymentId)
        ? [{ type: 'DeploymentWindowReleased', data: { environment: command.environment, deploymentId: command.deploymentId } }]
        : [];
  }
}

export const environmentScheduleDecider: Decider<ScheduleCommand, ScheduleEvent, EnvironmentSchedule, ScheduleRefusal> = { decide, evolve, initialState };
