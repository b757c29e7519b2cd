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

/** The environment must exist and be active. */
const environmentMustBeActive = (plan: Plan, environment: EnvironmentFacts | undefined): EnvironmentFailure[] =>
  !environment
    ? [{ reason: 'EnvironmentUnknown', detail: `no environment ${plan.environment} is registered` }]
    : environment.status === 'decommissioned'
      ? [{ reason: 'EnvironmentDecommissioned', detail: `${plan.environment} is decommissioned` }]
      : [];

/** Each runtime a component needs is there, in a version inside the component's range. */
const runtimesMustSatisfyRanges = (components: readonly Requirements[], environment: EnvironmentDefinition): EnvironmentFailure[] =>
  components.flatMap((c) =>
    Object.entries(c.requirements?.runtimes ?? {}).flatMap(([runtime, range]): EnvironmentFailure[] => {
      const present = environment.attributes.runtimeVersions?.[runtime];
      if (present !== undefined && satisfiesRange(present, range)) return [];
      return [{ reason: 'RuntimeUnsatisfied', detail: `${c.name} ${c.version} needs ${runtime} ${range}; the environment has ${present ?? 'none'}` }];
    }),
  );

const operatingSystemMustMatch = (components: readonly Requirements[], environment: EnvironmentDefinition): EnvironmentFailure[] =>
  components
    .filter((c) => c.requirements?.operatingSystem !== undefined && c.requirements.operatingSystem.toLowerCase() !== environment.attributes.operatingSystem?.toLowerCase())
    .map((c) => ({ reason: 'OperatingSystemMismatch', detail: `${c.name} ${c.version} needs ${c.requirements!.operatingSystem}; the environment runs ${environment.attributes.operatingSystem ?? 'an unknown system'}` }));

/** The components together fit into the environment's capacity (an environment without a stated capacity fits nothing that needs some). */
const capacityMustSuffice = (components: readonly Requirements[], environment: EnvironmentDefinition): EnvironmentFailure[] => {
  const needed = components.reduce((sum, c) => sum + (c.requirements?.capacityUnits ?? 0), 0);
  const available = environment.attributes.capacityUnits ?? 0;
  return needed > available ? [{ reason: 'CapacityInsufficient', detail: `the components need ${needed} capacity units; the environment has ${available}` }] : [];
};

/** Every port a component opens is allowed by the environment's policy. */
const portsMustBeAllowed = (components: readonly Requirements[], environment: EnvironmentDefinition): EnvironmentFailure[] => {
  const allowed = new Set(environment.attributes.allowedPorts ?? []);
  return components.flatMap((c) =>
    (c.requirements?.ports ?? []).filter((p) => !allowed.has(p)).map((p) => ({ reason: 'PortNotAllowed' as const, detail: `${c.name} ${c.version} opens port ${p}, which the environment does not allow` })),
  );
};

/** No freeze covers the window, except the one an emergency change was allowed to override. */
const noFreezeOverTheWindow = (plan: Plan, environment: EnvironmentDefinition): EnvironmentFailure[] =>
  freezesOverlapping(plan, environment)
    .filter((f) => f.id !== plan.freezeOverride?.freezeId)
    .map((f) => ({ reason: 'FreezePeriod', detail: `freeze ${f.id} (${f.reason}) covers the window` }));

/** The window has not closed already. */
export const windowMustNotHaveClosed = (plan: Pick<DeploymentPlanned, 'window'>, now: string): EnvironmentFailure[] =>
  Date.parse(plan.window.end) <= Date.parse(now) ? [{ reason: 'WindowClosed', detail: `the window ended at ${plan.window.end}` }] : [];

/** Every reason the target environment cannot take the deployment; empty when it can. */
export function environmentFailures(plan: Plan, environment: EnvironmentFacts | undefined, components: readonly Requirements[], now: string): EnvironmentFailure[] {
  const existence = environmentMustBeActive(plan, environment);
  if (!environment || existence.length > 0) return [...existence, ...windowMustNotHaveClosed(plan, now)];
  const definition = environment.definition;
  return [
    ...runtimesMustSatisfyRanges(components, definition),
    ...operatingSystemMustMatch(components, definition),
    ...capacityMustSuffice(components, definition),
    ...portsMustBeAllowed(components, definition),
    ...noFreezeOverTheWindow(plan, definition),
    ...windowMustNotHaveClosed(plan, now),
  ];
}
