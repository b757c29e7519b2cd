import type { ChainStage, DeploymentOutcome, DeploymentPlanned, DeploymentRequested, EnvironmentKind, RejectionReason } from '@gantry/contracts';
import type { EnvironmentInFlow } from '../environments';

/**
 * A chained promotion's first request: its environment is the first stage, and each next kind of the agreed model's
 * `environmentFlow` up to `promote.through` a stage after it, in the one active environment of that kind, or the one
 * the request names for the kind where there are several. Anything else refuses the chain before its first stage is
 * planned, so a chain never starts that could not finish for want of an environment.
 */
export const chainStarting = (
  request: DeploymentRequested & { promote: NonNullable<DeploymentRequested['promote']> },
  environmentKind: EnvironmentKind,
  flow: readonly string[],
  environments: readonly EnvironmentInFlow[],
  requesterRoles: readonly string[],
): ChainStage | { reason: RejectionReason; details: Record<string, unknown> } => {
  const { promote } = request;
  const from = flow.indexOf(environmentKind);
  const through = flow.indexOf(promote.through);
  if (from < 0 || through < from) {
    const why = flow.length === 0 ? 'a chain follows an agreed model’s environmentFlow, and there is none' : `the model's flow does not lead from ${environmentKind} to ${promote.through}`;
    return { reason: 'PromotionChainOutsideFlow', details: { flow, environmentKind, through: promote.through, why } };
  }
  const stages = [{ environment: request.environment, kind: environmentKind }];
  for (const kind of flow.slice(from + 1, through + 1) as EnvironmentKind[]) {
    const ofKind = environments.filter((e) => e.kind === kind).map((e) => e.name);
    const named = promote.environments?.[kind];
    if (named !== undefined && !ofKind.includes(named)) {
      return { reason: 'PromotionChainStageUnresolved', details: { kind, named, environments: ofKind, why: `${named} is not an active environment of kind ${kind}` } };
    }
    if (named === undefined && ofKind.length !== 1) {
      const why = ofKind.length === 0 ? `no active environment of kind ${kind}` : `several active environments of kind ${kind}: name one in promote.environments.${kind}`;
      return { reason: 'PromotionChainStageUnresolved', details: { kind, environments: ofKind, why } };
    }
    stages.push({ environment: named ?? ofKind[0], kind });
  }
  return { chainId: request.deploymentId, stage: 1, of: stages.length, stages, requesterRoles: [...requesterRoles] };
};

/** The longest next available window a request may ask for (a week). */
const LONGEST_WINDOW_MINUTES = 10_080;

/** What a stage's close means for its chain. */
export type ChainStep =
  | { type: 'NextStageRequested'; request: DeploymentRequested }
  | { type: 'ChainCompleted'; chainId: string }
  | { type: 'ChainStopped'; chainId: string; stage: number; outcome: DeploymentOutcome };

/**
 * A stage's record closed: a success requests the next stage, as the chain's requester, for the next available
 * window of the stage's length in the next stage's environment, under the model the stage was planned with; the next
 * stage is weighed by its own environment's rules (authorisation, windows, freezes, gates, the promotion rule). Any
 * other outcome stops the chain; the last stage's success completes it. `deploymentId`: the next stage's, derived from
 * the chain and the stage, so a duplicate close asks for the same deployment again and changes nothing.
 */
export const chainStepAfter = (
  stage: { request: DeploymentRequested & { chain: ChainStage }; plan: DeploymentPlanned },
  outcome: DeploymentOutcome,
  next: { deploymentId: string; now: string },
): ChainStep => {
  const { request, plan } = stage;
  const { chain } = request;
  if (outcome !== 'succeeded') return { type: 'ChainStopped', chainId: chain.chainId, stage: chain.stage, outcome };
  const following = chain.stages?.[chain.stage];
  if (chain.stage >= chain.of || !following) return { type: 'ChainCompleted', chainId: chain.chainId };
  const durationMinutes = request.nextAvailable?.durationMinutes ?? Math.min(LONGEST_WINDOW_MINUTES, Math.ceil((Date.parse(plan.window.end) - Date.parse(plan.window.start)) / 60_000));
  const { targets: _targets, freezeOverride: _freeze, promotionOverride: _skip, authorisation: _signed, adHoc: _adHoc, ...carried } = request;
  const authorisation = request.promote?.authorisations?.[following.kind];
  return {
    type: 'NextStageRequested',
    request: {
      ...carried,
      deploymentId: next.deploymentId,
      environment: following.environment,
      window: { start: next.now, end: new Date(Date.parse(next.now) + durationMinutes * 60_000).toISOString() },
      nextAvailable: { durationMinutes },
      ...(plan.model ? { model: plan.model.name } : {}),
      ...(authorisation ? { authorisation } : {}),
      requestedAt: next.now,
      chain: { ...chain, stage: chain.stage + 1 },
    },
  };
};
