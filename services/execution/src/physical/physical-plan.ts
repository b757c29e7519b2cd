import { SITE_CHECKLIST, type DeliveredUnits, type DeploymentPlanned, type VerifiedComponent } from '@gantry/contracts';
import { SITE_LABEL } from '../suppliers';
export { needsPhysicalReadiness } from '../runs';

/**
 * The sites of a plan: its targets' `site` labels; a target without one (a workstation, a device at a branch) is a
 * site of its own, named after it.
 */
export function sitesOf(plan: Pick<DeploymentPlanned, 'waves' | 'environmentSnapshot'>): string[] {
  const labelled = (target: string) => plan.environmentSnapshot?.targets.find((t) => t.name === target)?.labels?.[SITE_LABEL] ?? target;
  return [...new Set(plan.waves.flatMap((w) => w.targets).map(labelled))].sort();
}

/** The checklist each site answers: the default list, then the items the plan's model adds. */
export const checklistOf = (plan: Pick<DeploymentPlanned, 'siteChecklist'>): readonly string[] => [
  ...SITE_CHECKLIST,
  ...(plan.siteChecklist ?? []).filter((item) => !(SITE_CHECKLIST as readonly string[]).includes(item)),
];

/**
 * The units ordered: for each hardware component of the plan, the serials the authorised repository lists for its
 * version, as verification confirmed them. Undefined until the components are verified.
 */
export function unitsOrdered(plan: Pick<DeploymentPlanned, 'components'>, verified: readonly VerifiedComponent[] | undefined): DeliveredUnits[] | undefined {
  if (!verified) return undefined;
  return plan.components
    .filter((c) => c.kind === 'hardware')
    .flatMap(({ name, version }) => {
      const units = verified.find((v) => v.name === name && v.version === version)?.units ?? [];
      return units.length > 0 ? [{ component: name, serials: units.map((u) => u.serial) }] : [];
    });
}
