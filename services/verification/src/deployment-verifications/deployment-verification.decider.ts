import { refuse, type Decider, type Refused } from '@gantry/decider';
import type {
  AcceptanceCriterion,
  Component,
  ComponentKind,
  ComponentVersionDefinition,
  CriterionOutcome,
  DeploymentPlanned,
  EvaluationScope,
  EventPayloads,
  VerifiedComponent,
} from '@gantry/contracts';
import { evaluateCriterion, type Evidence } from '../acceptance';
import { environmentFailures, type EnvironmentFacts } from '../environments';
import { componentFailures, componentKey, type ComponentFacts } from './component-rules';

/**
 * DeploymentVerification: the checks of one deployment's components against the authorised repository, of its
 * target environment, and of the result against its acceptance criteria (domain.md, steps 3, 4 and 7).
 */
export type VerificationEvent =
  | { type: 'DeploymentVerificationOpened'; data: EventPayloads['DeploymentVerificationOpened'] }
  | { type: 'ComponentsVerified'; data: EventPayloads['ComponentsVerified'] }
  | { type: 'ComponentVerificationFailed'; data: EventPayloads['ComponentVerificationFailed'] }
  | { type: 'TargetEnvironmentVerified'; data: EventPayloads['TargetEnvironmentVerified'] }
  | { type: 'TargetEnvironmentVerificationFailed'; data: EventPayloads['TargetEnvironmentVerificationFailed'] }
  | { type: 'ComponentVerificationRevoked'; data: EventPayloads['ComponentVerificationRevoked'] }
  | { type: 'AcceptanceEvaluationStarted'; data: EventPayloads['AcceptanceEvaluationStarted'] }
  | { type: 'CriterionEvaluated'; data: EventPayloads['CriterionEvaluated'] }
  | { type: 'DeploymentVerified'; data: EventPayloads['DeploymentVerified'] }
  | { type: 'DeploymentVerificationFailed'; data: EventPayloads['DeploymentVerificationFailed'] }
  | { type: 'IdleSideVerified'; data: EventPayloads['IdleSideVerified'] }
  | { type: 'IdleSideVerificationFailed'; data: EventPayloads['IdleSideVerificationFailed'] };

export type Check = 'pending' | 'passed' | 'failed';

/** The acceptance criteria of one scope: what is known of each (null: not yet), and whether a verdict was given. */
export interface Evaluation {
  criteria: AcceptanceCriterion[];
  targets?: string[];
  deadline: string;
  startedAt: string;
  outcomes: (CriterionOutcome | null)[];
  verdict: Check;
}

export interface DeploymentVerification {
  /** what verification needs of the plan, from DeploymentVerificationOpened */
  subject?: EventPayloads['DeploymentVerificationOpened'];
  /** `revoked`: verified, then a version was withdrawn or its key revoked before the deployment's run was over */
  components: Check | 'revoked';
  environment: Check;
  /** the reasons, as recorded */
  componentFailures: EventPayloads['ComponentVerificationFailed']['failures'];
  environmentFailures: EventPayloads['TargetEnvironmentVerificationFailed']['failures'];
  revoked: EventPayloads['ComponentVerificationRevoked']['components'];
  evaluations: Partial<Record<EvaluationScope, Evaluation>>;
}

export const initialState: DeploymentVerification = {
  components: 'pending',
  environment: 'pending',
  componentFailures: [],
  environmentFailures: [],
  revoked: [],
  evaluations: {},
};

export type VerificationCommand =
  | {
      type: 'VerifyPlan';
      plan: DeploymentPlanned;
      /** what the authorised repository and the trusted keys say of each component version, by `name@version` */
      components: Readonly<Record<string, ComponentFacts>>;
      /** the target environment as planning last published it; absent when unknown */
      environment?: EnvironmentFacts;
      /** the signing policy: the component kinds that must be signed */
      signedKinds: readonly ComponentKind[];
      now: string;
    }
  | { type: 'RevokeComponents'; deploymentId: string; components: { name: string; version: string; reason: 'Withdrawn' | 'KeyRevoked' }[]; now: string }
  | { type: 'StartEvaluation'; deploymentId: string; scope: EvaluationScope; criteria: AcceptanceCriterion[]; targets?: string[]; deadline: string; evidence: Evidence; now: string }
  | { type: 'AssessEvaluation'; deploymentId: string; scope: EvaluationScope; evidence: Evidence; now: string };

export type VerificationRefusal = { code: 'DeploymentNotPlanned'; deploymentId: string } | { code: 'EvaluationNotStarted'; deploymentId: string; scope: EvaluationScope };

const withEvaluation = (state: DeploymentVerification, scope: EvaluationScope, change: (e: Evaluation) => Evaluation): DeploymentVerification => {
  const evaluation = state.evaluations[scope];
  return evaluation ? { ...state, evaluations: { ...state.evaluations, [scope]: change(evaluation) } } : state;
};

export function evolve(state: DeploymentVerification, event: VerificationEvent): DeploymentVerification {
  switch (event.type) {
    case 'DeploymentVerificationOpened':
      return { ...state, subject: event.data };
    case 'ComponentsVerified':
      return { ...state, components: 'passed' };
    case 'ComponentVerificationFailed':
      return { ...state, components: 'failed', componentFailures: event.data.failures };
    case 'TargetEnvironmentVerified':
      return { ...state, environment: 'passed' };
    case 'TargetEnvironmentVerificationFailed':
      return { ...state, environment: 'failed', environmentFailures: event.data.failures };
    case 'ComponentVerificationRevoked':
      return { ...state, components: 'revoked', revoked: [...state.revoked, ...event.data.components] };
    case 'AcceptanceEvaluationStarted': {
      const { scope, criteria, targets, deadline, startedAt } = event.data;
      const evaluation: Evaluation = { criteria, ...(targets ? { targets } : {}), deadline, startedAt, outcomes: criteria.map(() => null), verdict: 'pending' };
      return { ...state, evaluations: { ...state.evaluations, [scope]: evaluation } };
    }
    case 'CriterionEvaluated':
      return withEvaluation(state, event.data.scope, (e) => ({ ...e, outcomes: e.outcomes.map((o, i) => (i === event.data.index ? event.data.outcome : o)) }));
    case 'DeploymentVerified':
      return withEvaluation(state, 'deployment', (e) => ({ ...e, verdict: 'passed' }));
    case 'DeploymentVerificationFailed':
      return withEvaluation(state, 'deployment', (e) => ({ ...e, verdict: 'failed' }));
    case 'IdleSideVerified':
      return withEvaluation(state, event.data.side, (e) => ({ ...e, verdict: 'passed' }));
    case 'IdleSideVerificationFailed':
      return withEvaluation(state, event.data.side, (e) => ({ ...e, verdict: 'failed' }));
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** A version that passed, with what the authorised repository holds of it: the bytes (digest) and who signed them, or the hardware units bought. */
const asVerified = (component: Component, definition: ComponentVersionDefinition | undefined): VerifiedComponent => ({
  name: component.name,
  version: component.version,
  result: 'verified',
  ...(definition?.digest ? { digest: definition.digest } : {}),
  ...(definition?.signature && definition.keyId ? { signature: definition.signature, keyId: definition.keyId } : {}),
  ...(definition?.units ? { units: definition.units } : {}),
});

function verifyPlan(command: Extract<VerificationCommand, { type: 'VerifyPlan' }>): VerificationEvent[] {
  const { plan, now } = command;
  const deploymentId = plan.deploymentId;
  const failures = componentFailures(plan, command.components, command.signedKinds, now);
  const requirements = plan.components.flatMap((c) => {
    const entry = command.components[componentKey(c)]?.entry;
    return entry ? [entry.definition] : [];
  });
  const environmentProblems = environmentFailures(plan, command.environment, requirements, now);
  const manualStepsRequiringEvidence = (plan.manualSteps ?? []).filter((s) => s.evidenceRequired).length;
  return [
    {
      type: 'DeploymentVerificationOpened',
      data: { deploymentId, environment: plan.environment, window: plan.window, components: plan.components, acceptanceCriteria: plan.acceptanceCriteria, manualStepsRequiringEvidence },
    },
    failures.length === 0
      ? { type: 'ComponentsVerified', data: { deploymentId, components: plan.components.map((c) => asVerified(c, command.components[componentKey(c)]?.entry?.definition)) } }
      : { type: 'ComponentVerificationFailed', data: { deploymentId, failures } },
    environmentProblems.length === 0
      ? { type: 'TargetEnvironmentVerified', data: { deploymentId, environment: plan.environment } }
      : { type: 'TargetEnvironmentVerificationFailed', data: { deploymentId, environment: plan.environment, failures: environmentProblems } },
  ];
}

/**
 * The criteria that can be told from the evidence get their results; the evaluation ends at the first failure (there
 * is no point waiting for the rest: the deployment will be rolled back) or once every criterion has its result.
 */
function assess(
  state: DeploymentVerification,
  deploymentId: string,
  scope: EvaluationScope,
  evaluation: Evaluation,
  evidence: Evidence,
  now: string,
): VerificationEvent[] {
  if (evaluation.verdict !== 'pending') return [];
  const deadlinePassed = Date.parse(now) >= Date.parse(evaluation.deadline);
  const context = { targets: evaluation.targets, manualStepsRequiringEvidence: state.subject?.manualStepsRequiringEvidence ?? 0, deadlinePassed, now };
  const evaluated: VerificationEvent[] = [];
  const outcomes = evaluation.criteria.map((criterion, index) => {
    const known = evaluation.outcomes[index];
    if (known) return known;
    const outcome = evaluateCriterion(criterion, index, evidence, context);
    if (outcome) evaluated.push({ type: 'CriterionEvaluated', data: { deploymentId, scope, index, outcome } });
    return outcome ?? null;
  });
  const anyFailed = outcomes.some((o) => o?.result === 'failed');
  if (!anyFailed && outcomes.some((o) => o === null)) return evaluated;
  const criteria = outcomes.map((o, i) => o ?? { type: evaluation.criteria[i].type, description: evaluation.criteria[i].description, result: 'not-evaluated' as const, reason: 'NotConcluded' });
  return [...evaluated, verdict(deploymentId, scope, anyFailed, criteria, now)];
}

const verdict = (deploymentId: string, scope: EvaluationScope, failed: boolean, criteria: CriterionOutcome[], now: string): VerificationEvent => {
  if (scope === 'deployment') {
    return failed ? { type: 'DeploymentVerificationFailed', data: { deploymentId, failedAt: now, criteria } } : { type: 'DeploymentVerified', data: { deploymentId, verifiedAt: now, criteria } };
  }
  return failed ? { type: 'IdleSideVerificationFailed', data: { deploymentId, side: scope, criteria } } : { type: 'IdleSideVerified', data: { deploymentId, side: scope, criteria } };
};

export function decide(command: VerificationCommand, state: DeploymentVerification): readonly VerificationEvent[] | Refused<VerificationRefusal> {
  switch (command.type) {
    case 'VerifyPlan':
      return state.subject ? [] : verifyPlan(command);
    case 'RevokeComponents': {
      // only what was verified can be revoked, each version once; the handler knows the deployment's run is not over
      if ((state.components !== 'passed' && state.components !== 'revoked') || !state.subject) return [];
      const planned = new Set(state.subject.components.map(componentKey));
      const revoked = new Set(state.revoked.map(componentKey));
      const components = command.components.filter((c) => planned.has(componentKey(c)) && !revoked.has(componentKey(c)));
      return components.length === 0 ? [] : [{ type: 'ComponentVerificationRevoked', data: { deploymentId: command.deploymentId, components, revokedAt: command.now } }];
    }
    case 'StartEvaluation': {
      if (!state.subject) return refuse({ code: 'DeploymentNotPlanned', deploymentId: command.deploymentId });
      if (state.evaluations[command.scope]) return [];
      const started: VerificationEvent = {
        type: 'AcceptanceEvaluationStarted',
        data: {
          deploymentId: command.deploymentId,
          scope: command.scope,
          criteria: command.criteria,
          ...(command.targets ? { targets: command.targets } : {}),
          deadline: command.deadline,
          startedAt: command.now,
        },
      };
      const evaluation = evolve(state, started).evaluations[command.scope]!;
      return [started, ...assess(state, command.deploymentId, command.scope, evaluation, command.evidence, command.now)];
    }
    case 'AssessEvaluation': {
      const evaluation = state.evaluations[command.scope];
      if (!evaluation) return refuse({ code: 'EvaluationNotStarted', deploymentId: command.deploymentId, scope: command.scope });
      return assess(state, command.deploymentId, command.scope, evaluation, command.evidence, command.now);
    }
  }
}

export const deploymentVerificationDecider: Decider<VerificationCommand, VerificationEvent, DeploymentVerification, VerificationRefusal> = {
  decide,
  evolve,
  initialState,
};

export const verificationStream = (deploymentId: string) => ({ streamId: `DeploymentVerification-${deploymentId}`, streamType: 'DeploymentVerification' });
