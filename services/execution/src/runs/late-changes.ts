import { firstViolation, type Policy, type Rule } from '@gantry/decider';
import { freezesOverlapping, LATE_CHANGES, type ComponentVerificationRevoked, type DeploymentPlanned, type EnvironmentDefinition, type LateChange, type Window } from '@gantry/contracts';

/**
 * What execution learns after planning that may bear on a run: its environment's definition as it is now (planning's
 * EnvironmentUpdated), the environment decommissioned, a component's verification revoked for this deployment, or the
 * key that signed this deployment's authorisation revoked (planning's DeploymentAuthorisationRevoked).
 */
export type LateFact =
  | { kind: 'environment-updated'; environment: Pick<EnvironmentDefinition, 'name' | 'freezes' | 'timeZone'> }
  | { kind: 'environment-decommissioned'; environment: string; reason: string }
  | { kind: 'components-revoked'; components: ComponentVerificationRevoked['components'] }
  | { kind: 'authorisation-revoked'; keyId: string; reason: string };

/** Planning's news about an environment, which names no deployment: every active run weighs it. */
export type EnvironmentFact = Extract<LateFact, { kind: 'environment-updated' | 'environment-decommissioned' }>;

/** A late change the run did not allow for: the code planning would refuse it with now, and what changed. */
export interface LateChangeFound {
  reason: LateChange;
  detail: string;
}

/** The fact against the run it may bear on: its plan and its window (a rescheduled run's new one). */
interface LateFacts {
  fact: LateFact;
  plan: DeploymentPlanned;
  window: Window;
}

/** A freeze over the run's window stops it, unless it is the one an emergency change overrode with a recorded reason. */
export const aFreezeOverTheWindowStopsTheRun: Rule<LateFacts, LateChangeFound> = ({ fact, plan, window }) => {
  if (fact.kind !== 'environment-updated' || fact.environment.name !== plan.environment) return undefined;
  const freeze = freezesOverlapping({ service: plan.service, window }, fact.environment).find((f) => f.id !== plan.freezeOverride?.freezeId);
  return freeze ? { reason: 'FreezePeriod', detail: `freeze ${freeze.id} (${freeze.reason}) covers ${plan.service} in ${plan.environment} during the window` } : undefined;
};

/** A run never deploys into an environment that was decommissioned. */
export const aDecommissionedEnvironmentStopsTheRun: Rule<LateFacts, LateChangeFound> = ({ fact, plan }) =>
  fact.kind === 'environment-decommissioned' && fact.environment === plan.environment
    ? { reason: 'EnvironmentDecommissioned', detail: `${plan.environment} decommissioned: ${fact.reason}` }
    : undefined;

/**
 * A version withdrawn or signed by a revoked key is no longer what was verified; a change whose authorisation was
 * signed by a revoked key is no longer proved authorised. Both name this deployment, so they count even before its plan.
 */
export const aRevocationStopsTheRun = (fact: LateFact): LateChangeFound | undefined => {
  switch (fact.kind) {
    case 'components-revoked':
      return fact.components.length > 0 ? { reason: 'ComponentVerificationRevoked', detail: fact.components.map((c) => `${c.name} ${c.version}: ${c.reason}`).join('; ') } : undefined;
    case 'authorisation-revoked':
      return { reason: 'AuthorisationRevoked', detail: `the key ${fact.keyId} that signed the change's authorisation was revoked: ${fact.reason}` };
    default:
      return undefined;
  }
};

const lateChangePolicy: Policy<LateFacts, LateChangeFound> = [aDecommissionedEnvironmentStopsTheRun, aFreezeOverTheWindowStopsTheRun, ({ fact }) => aRevocationStopsTheRun(fact)];

/** The late change the fact makes for a planned run, if any. */
export const lateChangeFor = (fact: LateFact, run: { plan: DeploymentPlanned; window: Window }): LateChangeFound | undefined =>
  firstViolation(lateChangePolicy, { fact, plan: run.plan, window: run.window });

/** Late change codes: a pause for one of them waits for a deployment manager's decision. */
export const isLateChange = (reason: string): reason is LateChange => (LATE_CHANGES as readonly string[]).includes(reason);
