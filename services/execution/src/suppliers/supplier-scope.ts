import type { DeploymentPlanned, SupplierScope } from '@gantry/contracts';

/** The label of a target that names its site (a data centre, a branch, a plant): what a supplier's `sites` are matched against. */
export const SITE_LABEL = 'site';

/**
 * The organisation a person acts for, as execution found it when they asked: its scope, or none when no supplier of
 * that name is registered (or their token names none although their role is a supplier's).
 */
export interface ActingForSupplier {
  organisation?: string;
  scope?: SupplierScope;
}

/** Where a step lies outside a supplier's scope: which dimension, and what the step has there. */
export type OutsideScope = { outside: 'environment' | 'site' | 'componentKind'; found: string };

/** A supplier's engineers work only in its environments, at its sites, on its kinds of component: the first way a step on `target` is outside. */
export function stepOutsideSupplierScope(scope: SupplierScope, plan: DeploymentPlanned, target: string): OutsideScope | undefined {
  return siteOutsideSupplierScope(scope, plan, plan.environmentSnapshot?.targets.find((t) => t.name === target)?.labels?.[SITE_LABEL]);
}

/** The same rule for work at a site (its readiness checklist): the first way `site` (undefined: a target without one) is outside. */
export function siteOutsideSupplierScope(scope: SupplierScope, plan: DeploymentPlanned, site: string | undefined): OutsideScope | undefined {
  if (!scope.environments.includes(plan.environment)) return { outside: 'environment', found: plan.environment };
  if (scope.sites && (site === undefined || !scope.sites.includes(site))) return { outside: 'site', found: site ?? '(none)' };
  const kind = plan.components.find((c) => scope.componentKinds && !(scope.componentKinds as readonly string[]).includes(c.kind))?.kind;
  if (kind) return { outside: 'componentKind', found: kind };
  return undefined;
}

/** Whether a run lies in a supplier's scope at all: its environment and kinds, and at least one of its targets at one of its sites. */
export function runOutsideSupplierScope(scope: SupplierScope, plan: DeploymentPlanned): OutsideScope | undefined {
  const targets = plan.waves.flatMap((w) => w.targets);
  const outside = targets.map((t) => stepOutsideSupplierScope(scope, plan, t));
  return outside.some((o) => o === undefined) ? undefined : outside[0];
}
