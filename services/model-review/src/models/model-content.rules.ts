import { firstViolation, type Policy, type Rule } from '@gantry/decider';
import { MONITORING_MAX_LOOKS, type DeploymentModelContent } from '@gantry/contracts';

/**
 * Rules across the fields of a model version: content that contradicts itself is refused with the rule's name and
 * a reason a person can act on. The schema has already checked shapes and ranges.
 */
export interface ContentContradiction {
  rule: string;
  reason: string;
}

type ContentRule = Rule<DeploymentModelContent, ContentContradiction>;

/** The rule names itself in what it finds: the name is part of the refusal a person reads. */
const contradiction = (rule: string, reason: string): ContentContradiction => ({ rule, reason });

const SHARE_TOLERANCE = 1e-9;

export const environmentFlowMustNotBeEmpty: ContentRule = (c) =>
  c.environmentFlow.length === 0 ? contradiction('environmentFlowMustNotBeEmpty', 'the environment flow must name at least one environment kind') : undefined;

export const environmentFlowMustNotRepeat: ContentRule = (c) => {
  const repeated = c.environmentFlow.find((kind, i) => c.environmentFlow.indexOf(kind) !== i);
  return repeated ? contradiction('environmentFlowMustNotRepeat', `the environment flow names ${repeated} more than once`) : undefined;
};

export const canaryNeedsSteps: ContentRule = (c) =>
  c.strategy.type === 'canary' && c.strategy.steps.length === 0 ? contradiction('canaryNeedsSteps', 'a canary strategy needs at least one step') : undefined;

export const canaryStepsMustRiseToAllTargets: ContentRule = (c) => {
  if (c.strategy.type !== 'canary' || c.strategy.steps.length === 0) return undefined;
  const steps = c.strategy.steps;
  if (steps.some((s, i) => i > 0 && s <= steps[i - 1])) return contradiction('canaryStepsMustRiseToAllTargets', 'canary steps must be strictly increasing shares of the targets');
  return Math.abs(steps[steps.length - 1] - 1) > SHARE_TOLERANCE ? contradiction('canaryStepsMustRiseToAllTargets', 'the last canary step must reach all targets (1)') : undefined;
};

export const progressiveNeedsWaves: ContentRule = (c) =>
  c.strategy.type === 'progressive' && c.strategy.waves.length === 0 ? contradiction('progressiveNeedsWaves', 'a progressive strategy needs at least one wave') : undefined;

export const progressiveWavesMustCoverAllTargets: ContentRule = (c) => {
  if (c.strategy.type !== 'progressive' || c.strategy.waves.length === 0) return undefined;
  const total = c.strategy.waves.reduce((sum, w) => sum + w, 0);
  return Math.abs(total - 1) > 1e-6 ? contradiction('progressiveWavesMustCoverAllTargets', `the shares of the progressive waves add up to ${total}, not 1`) : undefined;
};

export const gateNeedsApprovers: ContentRule = (c) => {
  const gate = c.gates.find((g) => g.minApprovers < 1);
  return gate ? contradiction('gateNeedsApprovers', `the gate of ${gate.environmentKind} requires ${gate.minApprovers} approvers; a gate needs at least one`) : undefined;
};

export const gateNeedsRoles: ContentRule = (c) => {
  const gate = c.gates.find((g) => g.roles.length === 0);
  return gate ? contradiction('gateNeedsRoles', `the gate of ${gate.environmentKind} names no role that may approve`) : undefined;
};

export const gateMustGuardAnEnvironmentOfTheFlow: ContentRule = (c) => {
  const gate = c.gates.find((g) => !c.environmentFlow.includes(g.environmentKind));
  return gate ? contradiction('gateMustGuardAnEnvironmentOfTheFlow', `the gate of ${gate.environmentKind} guards an environment kind that is not on the environment flow`) : undefined;
};

export const oneGatePerEnvironmentKind: ContentRule = (c) => {
  const kinds = c.gates.map((g) => g.environmentKind);
  const repeated = kinds.find((kind, i) => kinds.indexOf(kind) !== i);
  return repeated ? contradiction('oneGatePerEnvironmentKind', `${repeated} has more than one gate`) : undefined;
};

export const automaticModelHasNoManualSteps: ContentRule = (c) =>
  c.automationLevel === 'automatic' && c.manualSteps.length > 0
    ? contradiction('automaticModelHasNoManualSteps', 'an automatic model has no manual steps; choose the mixed or manual automation level')
    : undefined;

export const manualModelNeedsManualSteps: ContentRule = (c) =>
  c.automationLevel === 'manual' && c.manualSteps.length === 0 ? contradiction('manualModelNeedsManualSteps', 'a manual model needs at least one manual step template') : undefined;

export const monitoringLooksMustFitThePeriod: ContentRule = (c) => {
  const m = c.monitoring;
  if (!m) return undefined;
  if (m.lookEverySeconds > m.durationSeconds) return contradiction('monitoringLooksMustFitThePeriod', `a look every ${m.lookEverySeconds} s does not fit a period of ${m.durationSeconds} s`);
  const looks = Math.ceil(m.durationSeconds / m.lookEverySeconds);
  return looks > MONITORING_MAX_LOOKS
    ? contradiction('monitoringLooksMustFitThePeriod', `${looks} looks in the period; at most ${MONITORING_MAX_LOOKS} (look less often)`)
    : undefined;
};

export const monitoringSignalsMustHaveDistinctNames: ContentRule = (c) => {
  const names = (c.monitoring?.signals ?? []).map((s) => s.name);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  return repeated ? contradiction('monitoringSignalsMustHaveDistinctNames', `two monitoring signals are named ${repeated}`) : undefined;
};

/** Every model version holds together by these rules; the first one broken is the refusal. */
const contentPolicy: Policy<DeploymentModelContent, ContentContradiction> = [
  environmentFlowMustNotBeEmpty,
  environmentFlowMustNotRepeat,
  canaryNeedsSteps,
  canaryStepsMustRiseToAllTargets,
  progressiveNeedsWaves,
  progressiveWavesMustCoverAllTargets,
  gateNeedsApprovers,
  gateNeedsRoles,
  gateMustGuardAnEnvironmentOfTheFlow,
  oneGatePerEnvironmentKind,
  automaticModelHasNoManualSteps,
  manualModelNeedsManualSteps,
  monitoringLooksMustFitThePeriod,
  monitoringSignalsMustHaveDistinctNames,
];

/** The first rule the content breaks, or undefined when it holds together. */
export const contradictionIn = (content: DeploymentModelContent): ContentContradiction | undefined => firstViolation(contentPolicy, content);
