import { refuse, type Decider, type Refused } from '@gantry/decider';
import type { DeploymentPlanned, EventPayloads } from '@gantry/contracts';

/**
 * DeploymentVerification: the checks of one deployment's components against the authorised repository, of its
 * target environment, and of the result against its acceptance criteria (domain.md, steps 3, 4 and 7).
 * The skeleton's checks are structural; the authorised repository, signatures and real criteria come with issue 5.
 */
export type VerificationEvent =
  | { type: 'DeploymentVerificationOpened'; data: EventPayloads['DeploymentVerificationOpened'] }
  | { type: 'ComponentsVerified'; data: EventPayloads['ComponentsVerified'] }
  | { type: 'ComponentVerificationFailed'; data: EventPayloads['ComponentVerificationFailed'] }
  | { type: 'TargetEnvironmentVerified'; data: EventPayloads['TargetEnvironmentVerified'] }
  | { type: 'TargetEnvironmentVerificationFailed'; data: EventPayloads['TargetEnvironmentVerificationFailed'] }
  | { type: 'DeploymentVerified'; data: EventPayloads['DeploymentVerified'] };

export type Check = 'pending' | 'passed' | 'failed';

export interface DeploymentVerification {
  /** what verification needs of the plan, from DeploymentVerificationOpened */
  subject?: EventPayloads['DeploymentVerificationOpened'];
  components: Check;
  environment: Check;
  deployment: Check;
}

export const initialState: DeploymentVerification = { components: 'pending', environment: 'pending', deployment: 'pending' };

export type VerificationCommand =
  | { type: 'VerifyPlan'; plan: DeploymentPlanned; now: string }
  | { type: 'VerifyDeployment'; deploymentId: string; executedAt: string; now: string };

export type VerificationRefusal = { code: 'DeploymentNotPlanned'; deploymentId: string };

export function evolve(state: DeploymentVerification, event: VerificationEvent): DeploymentVerification {
  switch (event.type) {
    case 'DeploymentVerificationOpened':
      return { ...state, subject: event.data };
    case 'ComponentsVerified':
      return { ...state, components: 'passed' };
    case 'ComponentVerificationFailed':
      return { ...state, components: 'failed' };
    case 'TargetEnvironmentVerified':
      return { ...state, environment: 'passed' };
    case 'TargetEnvironmentVerificationFailed':
      return { ...state, environment: 'failed' };
    case 'DeploymentVerified':
      return { ...state, deployment: 'passed' };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** A component may be named once per deployment: two versions of the same component is a contradiction. */
export const eachComponentNamedOnce = (plan: DeploymentPlanned) => {
  const seen = new Set<string>();
  return plan.components.filter((c) => (seen.has(c.name) ? true : (seen.add(c.name), false))).map((c) => ({ name: c.name, version: c.version, reason: 'DuplicateComponent' as const }));
};

/** The environment must still be able to take the deployment: its window has not closed already. */
export const windowMustNotHaveClosed = (plan: DeploymentPlanned, now: string) =>
  Date.parse(plan.window.end) <= Date.parse(now) ? [{ reason: 'WindowClosed' as const, detail: `the window ended at ${plan.window.end}` }] : [];

export function decide(command: VerificationCommand, state: DeploymentVerification): readonly VerificationEvent[] | Refused<VerificationRefusal> {
  switch (command.type) {
    case 'VerifyPlan': {
      if (state.subject) return [];
      const plan = command.plan;
      const deploymentId = plan.deploymentId;
      const duplicates = eachComponentNamedOnce(plan);
      const environmentProblems = windowMustNotHaveClosed(plan, command.now);
      return [
        {
          type: 'DeploymentVerificationOpened',
          data: { deploymentId, environment: plan.environment, window: plan.window, components: plan.components, acceptanceCriteria: plan.acceptanceCriteria },
        },
        duplicates.length === 0
          ? { type: 'ComponentsVerified', data: { deploymentId, components: plan.components.map((c) => ({ name: c.name, version: c.version, result: 'verified' as const })) } }
          : { type: 'ComponentVerificationFailed', data: { deploymentId, failures: duplicates } },
        environmentProblems.length === 0
          ? { type: 'TargetEnvironmentVerified', data: { deploymentId, environment: plan.environment } }
          : { type: 'TargetEnvironmentVerificationFailed', data: { deploymentId, environment: plan.environment, failures: environmentProblems } },
      ];
    }
    case 'VerifyDeployment': {
      if (!state.subject) return refuse({ code: 'DeploymentNotPlanned', deploymentId: command.deploymentId });
      if (state.deployment !== 'pending') return [];
      return [
        {
          type: 'DeploymentVerified',
          data: {
            deploymentId: command.deploymentId,
            verifiedAt: command.now,
            criteria: state.subject.acceptanceCriteria.map((c) => ({ type: c.type, description: c.description, result: 'not-evaluated' as const })),
          },
        },
      ];
    }
  }
}

export const deploymentVerificationDecider: Decider<VerificationCommand, VerificationEvent, DeploymentVerification, VerificationRefusal> = {
  decide,
  evolve,
  initialState,
};
