/**
 * A business rule, named for what it enforces (`requesterMayNotApproveOwnDeployment`, `windowMustNotOverlapFreeze`):
 * given the facts, what breaks it (a refusal, a rejection, a failure found), or undefined when the facts hold.
 */
export type Rule<Facts, Violation> = (facts: Facts) => Violation | undefined;

/** A policy: rules over the same facts, in the order they are checked (ddd-by-examples' `allCurrentPolicies`). */
export type Policy<Facts, Violation> = readonly Rule<Facts, Violation>[];

/** What the first broken rule found (an earlier rule wins over a later one); undefined when every rule holds. */
export function firstViolation<F, V>(policy: Policy<F, V>, facts: F): V | undefined {
  for (const rule of policy) {
    const found = rule(facts);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * Every violation of every rule, in the policy's order: for decisions that report all of them. A rule that can be
 * broken several times over (once per port, per freeze) finds its violations as a list, kept in its order.
 */
export const allViolations = <F, V>(policy: Policy<F, V | readonly V[]>, facts: F): V[] =>
  policy.flatMap((rule) => {
    const found = rule(facts);
    return found === undefined ? [] : Array.isArray(found) ? found : [found as V];
  });

/**
 * Rules that judge only what `narrow` finds in the facts (the environment's definition once it is known to be
 * active). Where it finds nothing they hold: an earlier rule of the policy speaks for that case (the environment
 * unknown or decommissioned).
 */
export const where = <F, G, V>(narrow: (facts: F) => G | undefined, rules: Policy<G, V>): Rule<F, V>[] =>
  rules.map((rule) => (facts: F) => {
    const narrowed = narrow(facts);
    return narrowed === undefined ? undefined : rule(narrowed);
  });
