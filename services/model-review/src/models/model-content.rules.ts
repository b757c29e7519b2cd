import type { DeploymentModelContent } from '@gantry/contracts';

/**
 * Rules across the fields of a model version: content that contradicts itself is refused with the rule's name and
 * a reason a person can act on. The schema has already checked shapes and ranges.
 */
export interface ContentContradiction {
  rule: string;
  reason: string;
}

type Rule = (content: DeploymentModelContent) => string | null;

const SHARE_TOLERANCE = 1e-9;

const RULES: Record<string, Rule> = {
  environmentFlowMustNotBeEmpty: (c) => (c.environmentFlow.length === 0 ? 'the environment flow must name at least one environment kind' : null),
  environmentFlowMustNotRepeat: (c) => {
    const repeated = c.environmentFlow.find((kind, i) => c.environmentFlow.indexOf(kind) !== i);
    return repeated ? `the environment flow names ${repeated} more than once` : null;
  },
  canaryNeedsSteps: (c) => (c.strategy.type === 'canary' && c.strategy.steps.length === 0 ? 'a canary strategy needs at least one step' : null),
  canaryStepsMustRiseToAllTargets: (c) => {
    if (c.strategy.type !== 'canary' || c.strategy.steps.length === 0) return null;
    const steps = c.strategy.steps;
    if (steps.some((s, i) => i > 0 && s <= steps[i - 1])) return 'canary steps must be strictly increasing shares of the targets';
    return Math.abs(steps[steps.length - 1] - 1) > SHARE_TOLERANCE ? 'the last canary step must reach all targets (1)' : null;
  },
  progressiveNeedsWaves: (c) => (c.strategy.type === 'progressive' && c.strategy.waves.length === 0 ? 'a progressive strategy needs at least one wave' : null),
  progressiveWavesMustCoverAllTargets: (c) => {
    if (c.strategy.type !== 'progressive' || c.strategy.waves.length === 0) return null;
    const total = c.strategy.waves.reduce((sum, w) => sum + w, 0);
    return Math.abs(total - 1) > 1e-6 ? `the shares of the progressive waves add up to ${total}, not 1` : null;
  },
  gateNeedsApprovers: (c) => {
    const gate = c.gates.find((g) => g.minApprovers < 1);
    return gate ? `the gate of ${gate.environmentKind} requires ${gate.minApprovers} approvers; a gate needs at least one` : null;
  },
  gateNeedsRoles: (c) => {
    const gate = c.gates.find((g) => g.roles.length === 0);
    return gate ? `the gate of ${gate.environmentKind} names no role that may approve` : null;
  },
  gateMustGuardAnEnvironmentOfTheFlow: (c) => {
    const gate = c.gates.find((g) => !c.environmentFlow.includes(g.environmentKind));
    return gate ? `the gate of ${gate.environmentKind} guards an environment kind that is not on the environment flow` : null;
  },
  oneGatePerEnvironmentKind: (c) => {
    const kinds = c.gates.map((g) => g.environmentKind);
    const repeated = kinds.find((kind, i) => kinds.indexOf(kind) !== i);
    return repeated ? `${repeated} has more than one gate` : null;
  },
  automaticModelHasNoManualSteps: (c) =>
    c.automationLevel === 'automatic' && c.manualSteps.length > 0 ? 'an automatic model has no manual steps; choose the mixed or manual automation level' : null,
  manualModelNeedsManualSteps: (c) => (c.automationLevel === 'manual' && c.manualSteps.length === 0 ? 'a manual model needs at least one manual step template' : null),
};

/** The first rule the content breaks, or null when it holds together. */
export function contradictionIn(content: DeploymentModelContent): ContentContradiction | null {
  for (const [rule, check] of Object.entries(RULES)) {
    const reason = check(content);
    if (reason) return { rule, reason };
  }
  return null;
}
