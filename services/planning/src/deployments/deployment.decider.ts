import { refuse, sameFacts, type Decider, type Refused } from '@gantry/decider';
import type { DeploymentPlanned, DeploymentRequested } from '@gantry/contracts';

/**
 * The Deployment aggregate in planning: a request for an authorised change, and its plan.
 * Rejections, reschedules and cancellations arrive with the full planning service (issue 4).
 */
export type DeploymentEvent =
  | { type: 'DeploymentRequested'; data: DeploymentRequested }
  | { type: 'DeploymentPlanned'; data: DeploymentPlanned };

export type Deployment =
  | { status: 'none' }
  | { status: 'requested'; request: DeploymentRequested }
  | { status: 'planned'; request: DeploymentRequested; plan: DeploymentPlanned };

export const initialState: Deployment = { status: 'none' };

export function evolve(state: Deployment, event: DeploymentEvent): Deployment {
  switch (event.type) {
    case 'DeploymentRequested':
      return { status: 'requested', request: event.data };
    case 'DeploymentPlanned':
      return state.status === 'none' ? state : { status: 'planned', request: state.request, plan: event.data };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

export type RequestDeployment = {
  type: 'RequestDeployment';
  request: DeploymentRequested;
};

export type DeploymentCommand = RequestDeployment;

export type DeploymentRefusal = { code: 'DeploymentAlreadyRequested'; deploymentId: string } | { code: 'WindowEndsBeforeItStarts'; start: string; end: string };

/** Two requests are the same when they differ only in when they were made. */
const sameRequest = (a: DeploymentRequested, b: DeploymentRequested) => sameFacts({ ...a, requestedAt: undefined }, { ...b, requestedAt: undefined });

/** The skeleton plan: one big-bang wave over the request's targets (the environment's own targets come with issue 4). */
export const planFor = (request: DeploymentRequested): DeploymentPlanned => ({
  deploymentId: request.deploymentId,
  changeId: request.changeId,
  service: request.service,
  kind: request.kind,
  components: request.components,
  environment: request.environment,
  window: request.window,
  model: request.model ? { name: request.model, version: 1 } : null,
  strategy: 'big-bang',
  waves: [{ index: 1, targets: request.targets?.length ? request.targets : [`${request.environment}-1`] }],
  acceptanceCriteria: request.acceptanceCriteria,
  backupRequired: request.kind !== 'install',
  rollback: 'automatic',
});

export const windowMustEndAfterItStarts = (request: DeploymentRequested): DeploymentRefusal | undefined =>
  Date.parse(request.window.end) <= Date.parse(request.window.start)
    ? { code: 'WindowEndsBeforeItStarts', start: request.window.start, end: request.window.end }
    : undefined;

export function decide(command: DeploymentCommand, state: Deployment): readonly DeploymentEvent[] | Refused<DeploymentRefusal> {
  switch (command.type) {
    case 'RequestDeployment': {
      if (state.status !== 'none') {
        // The same request again (a retry with the same idempotency key) changes nothing.
        return sameRequest(state.request, command.request) ? [] : refuse({ code: 'DeploymentAlreadyRequested', deploymentId: command.request.deploymentId });
      }
      const refusal = windowMustEndAfterItStarts(command.request);
      if (refusal) return refuse(refusal);
      return [
        { type: 'DeploymentRequested', data: command.request },
        { type: 'DeploymentPlanned', data: planFor(command.request) },
      ];
    }
  }
}

export const deploymentDecider: Decider<DeploymentCommand, DeploymentEvent, Deployment, DeploymentRefusal> = { decide, evolve, initialState };
