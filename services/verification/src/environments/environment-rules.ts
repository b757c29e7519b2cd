import { allViolations, where, type Policy, type Rule } from '@gantry/decider';
import { freezesOverlapping, type ComponentVersionDefinition, type DeploymentPlanned, type EnvironmentDefinition } from '@gantry/contracts';
import { satisfiesRange } from './version-ranges';

/** The target environment as verification knows it from planning's events. */
export interface EnvironmentFacts {
  status: 'active' | 'decommissioned';
  definition: EnvironmentDefinition;
}

export interface EnvironmentFailure {
  reason:
    | 'EnvironmentUnknown'
    | 'EnvironmentDecommissioned'
    | 'RuntimeUnsatisfied'
    | 'OperatingSystemMismatch'
    | 'CapacityInsufficient'
    | 'PortNotAllowed'
    | 'FreezePeriod'
    | 'WindowClosed';
  detail?: string;
}

type Plan = Pick<DeploymentPlanned, 'service' | 'window' | 'freezeOverride' | 'environment'>;
type Requirements = Pick<ComponentVersionDefinition, 'name' | 'version' | 'requirements'>;

/** What the target environment is verified on: the plan, the environment as known, the components' requirements. */
interface EnvironmentCheck {
  plan: Plan;
  environment: EnvironmentFacts | undefined;
  components: readonly Requirements[];
  now: string;
}

/** The check of an active environment: what the rules on its attributes and policies judge. */
interface ActiveEnvironmentCheck extends EnvironmentCheck {
  definition: EnvironmentDefinition;
}

type EnvironmentRule = Rule<ActiveEnvironmentCheck, EnvironmentFailure | EnvironmentFailure[]>;

/** The environment must exist and be active. */
const environmentMustBeActive: Rule<EnvironmentCheck, EnvironmentFailure> = ({ plan, environment }) =>
  !environment
    ? { reason: 'EnvironmentUnknown', detail: `no environment ${plan.environment} is registered` }
    : environment.status === 'decommissioned'
      ? { reason: 'EnvironmentDecommissioned', detail: `${plan.environment} is decommissioned` }
      : undefined;

/** Each runtime a component needs is there, in a version inside the component's range. */
const runtimesMustSatisfyRanges: EnvironmentRule = ({ components, definition }) =>
  components.flatMap((c) =>
    Object.entries(c.requirements?.runtimes ?? {}).flatMap(([runtime, range]): EnvironmentFailure[] => {
      const present = definition.attributes.runtimeVersions?.[runtime];
      if (present !== undefined && satisfiesRange(present, range)) return [];
      return [{ reason: 'RuntimeUnsatisfied', detail: `${c.name} ${c.version} needs ${runtime} ${range}; the environment has ${present ?? 'none'}` }];
    }),
  );

const operatingSystemMustMatch: EnvironmentRule = ({ components, definition }) =>
  components
    .filter((c) => c.requirements?.operatingSystem !== undefined && c.requirements.operatingSystem.toLowerCase() !== definition.attributes.operatingSystem?.toLowerCase())
    .map((c) => ({ reason: 'OperatingSystemMismatch', detail: `${c.name} ${c.version} needs ${c.requirements!.operatingSystem}; the environment runs ${definition.attributes.operatingSystem ?? 'an unknown system'}` }));

/** The components together fit into the environment's capacity (an environment without a stated capacity fits nothing that needs some). */
const capacityMustSuffice: EnvironmentRule = ({ components, definition }) => {
  const needed = components.reduce((sum, c) => sum + (c.requirements?.capacityUnits ?? 0), 0);
  const available = definition.attributes.capacityUnits ?? 0;
  return needed > available ? { reason: 'CapacityInsufficient', detail: `the components need ${needed} capacity units; the environment has ${available}` } : undefined;
};

/** Every port a component opens is allowed by the environment's policy. */
const portsMustBeAllowed: EnvironmentRule = ({ components, definition }) => {
  const allowed = new Set(definition.attributes.allowedPorts ?? []);
  return components.flatMap((c) =>
    (c.requirements?.ports ?? []).filter((p) => !allowed.has(p)).map((p) => ({ reason: 'PortNotAllowed' as const, detail: `${c.name} ${c.version} opens port ${p}, which the environment does not allow` })),
  );
};

/** No freeze covers the window, except the one an emergency change was allowed to override. */
const noFreezeOverTheWindow: EnvironmentRule = ({ plan, definition }) =>
  freezesOverlapping(plan, definition)
    .filter((f) => f.id !== plan.freezeOverride?.freezeId)
    .map((f) => ({ reason: 'FreezePeriod', detail: `freeze ${f.id} (${f.reason}) covers the window` }));

/** The window has not closed already. */
const windowMustNotHaveClosed: Rule<EnvironmentCheck, EnvironmentFailure> = ({ plan, now }) =>
  Date.parse(plan.window.end) <= Date.parse(now) ? { reason: 'WindowClosed', detail: `the window ended at ${plan.window.end}` } : undefined;

const active = (check: EnvironmentCheck): ActiveEnvironmentCheck | undefined =>
  check.environment?.status === 'active' ? { ...check, definition: check.environment.definition } : undefined;

/** What the target environment is verified against; every reason it fails is reported. */
const environmentPolicy: Policy<EnvironmentCheck, EnvironmentFailure | EnvironmentFailure[]> = [
  environmentMustBeActive,
  ...where(active, [runtimesMustSatisfyRanges, operatingSystemMustMatch, capacityMustSuffice, portsMustBeAllowed, noFreezeOverTheWindow]),
  windowMustNotHaveClosed,
];

/** Every reason the target environment cannot take the deployment; empty when it can. */
export const environmentFailures = (plan: Plan, environment: EnvironmentFacts | undefined, components: readonly Requirements[], now: string): EnvironmentFailure[] =>
  allViolations(environmentPolicy, { plan, environment, components, now });
