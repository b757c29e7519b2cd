import { firstViolation, refuse, sameFacts, sameIdentity, where, type Decider, type IdentityCase, type Policy, type Refused, type Rule } from '@gantry/decider';
import { freezesOverlapping, intervalOf, MONITORING_MAX_LOOKS, occurrenceHolding } from '@gantry/contracts';
import type {
  AcceptanceCriterion,
  AuthorisedBy,
  DeploymentAuthorisationRevoked,
  DeploymentModelContent,
  DeploymentCancelled,
  DeploymentOutcome,
  DeploymentPlanned,
  DeploymentRejected,
  DeploymentRescheduled,
  DeploymentRequested,
  DeploymentWindowReleased,
  DeploymentWindowReserved,
  EnvironmentDefinition,
  Gate,
  GatePosition,
  RejectionReason,
  Wave,
} from '@gantry/contracts';
import type { Environment, EnvironmentInFlow } from '../environments';
import { authorisationOf, type AuthorisationPolicy, type AuthorisationProof, type AuthoriserSeparation } from './authorisation';
import type { ActiveModel } from '../planning-facts';
import { conflictingReservation, nextAvailableWindow, relatedServicesDeploying, type RelatedService } from '../schedule';
import { chainStarting } from './promotion-chain';

/**
 * The Deployment aggregate in planning: a request for an authorised change, and its plan or its rejection. A plan
 * holds its window on the environment's forward schedule (`DeploymentWindowReserved`) until it is cancelled or its
 * record closes (`DeploymentWindowReleased`).
 */
export type DeploymentEvent =
  | { type: 'DeploymentRequested'; data: DeploymentRequested }
  | { type: 'DeploymentPlanned'; data: DeploymentPlanned }
  | { type: 'DeploymentRejected'; data: DeploymentRejected }
  | { type: 'DeploymentCancelled'; data: DeploymentCancelled }
  | { type: 'DeploymentRescheduled'; data: DeploymentRescheduled }
  | { type: 'DeploymentAuthorisationRevoked'; data: DeploymentAuthorisationRevoked }
  | { type: 'DeploymentWindowReserved'; data: DeploymentWindowReserved }
  | { type: 'DeploymentWindowReleased'; data: DeploymentWindowReleased };

export type Deployment =
  | { status: 'none' }
  | { status: 'requested'; request: DeploymentRequested }
  /**
   * `windowHeld`: every plan holds its window (also plans recorded before reservations were their own events) until
   * released. `authorisationRevoked`: the key that signed its authorisation was revoked afterwards.
   */
  | { status: 'planned'; request: DeploymentRequested; plan: DeploymentPlanned; windowHeld: boolean; authorisationRevoked?: DeploymentAuthorisationRevoked }
  | { status: 'rejected'; request: DeploymentRequested; rejection: DeploymentRejected }
  | { status: 'cancelled'; request: DeploymentRequested; plan?: DeploymentPlanned; cancellation: DeploymentCancelled };

export const initialState: Deployment = { status: 'none' };

export function evolve(state: Deployment, event: DeploymentEvent): Deployment {
  switch (event.type) {
    case 'DeploymentRequested':
      return { status: 'requested', request: event.data };
    case 'DeploymentPlanned':
      return state.status === 'none' ? state : { status: 'planned', request: state.request, plan: event.data, windowHeld: true };
    case 'DeploymentRejected':
      return state.status === 'none' ? state : { status: 'rejected', request: state.request, rejection: event.data };
    case 'DeploymentCancelled':
      return state.status === 'none' ? state : { status: 'cancelled', request: state.request, ...('plan' in state ? { plan: state.plan } : {}), cancellation: event.data };
    case 'DeploymentRescheduled':
      return state.status === 'planned' ? { ...state, plan: { ...state.plan, window: event.data.window } } : state;
    case 'DeploymentAuthorisationRevoked':
      return state.status === 'planned' ? { ...state, authorisationRevoked: event.data } : state;
    case 'DeploymentWindowReserved':
      return state.status === 'planned' ? { ...state, windowHeld: true } : state;
    case 'DeploymentWindowReleased':
      return state.status === 'planned' ? { ...state, windowHeld: false } : state;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

/** What planning knows when it decides: read in the same transaction as the decision. */
export interface PlanningFacts {
  environment: Environment;
  /** the environment stream's version (for the plan's snapshot) */
  environmentVersion: number;
  reservations: readonly DeploymentWindowReserved[];
  /** the services the requested one depends on or that depend on it (the service catalogue), and the windows they hold in the environment */
  relatedServices: readonly RelatedService[];
  relatedReservations: readonly DeploymentWindowReserved[];
  activeModels: readonly ActiveModel[];
  retiredModels: readonly string[];
  /** component versions with a succeeded deployment, by environment kind (from records' DeploymentRecordClosed) */
  succeeded: readonly { environmentKind: string; name: string; version: string }[];
  /** the active environments' kinds and positions: the flow where no model gives one */
  environments: readonly EnvironmentInFlow[];
  requesterRoles: readonly string[];
  /** the requester holds `deployments:request-ad-hoc` */
  requesterMayPlanAdHoc: boolean;
  /** what proves the change authorised, as the request's door read it */
  authorisation: AuthorisationProof;
  /** the ways each kind of environment accepts (GANTRY_AUTHORISATION_<KIND>) */
  authorisationPolicy: AuthorisationPolicy;
  /** the kinds where the requester may not authorise the change (GANTRY_REQUESTER_MAY_NOT_AUTHORISE_<KIND>) */
  authoriserSeparation: AuthoriserSeparation;
  /** how subjects are compared for the separation of duties (GANTRY_IDENTITY_CASE) */
  identityCase: IdentityCase;
  now: string;
}

export type RequestDeployment = { type: 'RequestDeployment'; request: DeploymentRequested; facts: PlanningFacts };
/**
 * `started`: execution has started the deployment (from execution's DeploymentStarted). `closedAs`: the outcome records
 * closed the deployment's record with (from records' DeploymentRecordClosed), when it did: the outcome is the truth the
 * change's report already gave, so nothing may change it afterwards.
 */
export type CancelDeployment = { type: 'CancelDeployment'; reason: string; by: string; started: boolean; closedAs?: DeploymentOutcome; now: string };
export type RescheduleDeployment = { type: 'RescheduleDeployment'; window: { start: string; end: string }; by: string; started: boolean; closedAs?: DeploymentOutcome; facts: PlanningFacts };
/** Records closed the deployment's record (whatever the outcome): its window is free again. */
export type ReleaseWindow = { type: 'ReleaseWindow' };
/** A key of change enablement was revoked: a plan whose authorisation it signed is no longer proved authorised, unless its record closed. */
export type RevokeAuthorisation = { type: 'RevokeAuthorisation'; revocation: { keyId: string; reason: string; effectiveAt: string; revokedAt: string }; closedAs?: DeploymentOutcome };
export type DeploymentCommand = RequestDeployment | CancelDeployment | RescheduleDeployment | ReleaseWindow | RevokeAuthorisation;

export type DeploymentRefusal =
  | { code: 'DeploymentAlreadyRequested'; deploymentId: string }
  | { code: 'WindowEndsBeforeItStarts'; start: string; end: string }
  | { code: 'CommitTimeAfterRequest'; commitTime: string; requestedAt: string }
  | { code: 'DeploymentNotRequested' }
  | { code: 'DeploymentAlreadyStarted'; deploymentId: string }
  /** records closed the deployment's record (verification failed before it started, say): its outcome stands */
  | { code: 'DeploymentAlreadyClosed'; deploymentId: string; outcome: DeploymentOutcome; reason: string }
  | { code: 'DeploymentNotPlanned'; deploymentId: string; status: string }
  /** a reschedule breaks a planning rule: nothing is recorded, the deployment keeps its window */
  | { code: RejectionReason; deploymentId: string; details: Record<string, unknown> };

/** Why planning rejects a request (recorded as DeploymentRejected), with the details a person can act on. */
type Rejection = { reason: RejectionReason; details: Record<string, unknown> };
const reject = (reason: RejectionReason, details: Record<string, unknown>): Rejection => ({ reason, details });

/**
 * Two requests are the same when they differ only in when they were made (and so, asking for the next available
 * window, in the window found, and for a chain's first stage, in the chain planning recorded with it).
 */
const sameRequest = (a: DeploymentRequested, b: DeploymentRequested) => {
  const asked = (r: DeploymentRequested) => ({ ...r, requestedAt: undefined, window: r.nextAvailable ? undefined : r.window, chain: r.chain?.stage === 1 ? undefined : r.chain });
  return sameFacts(asked(a), asked(b));
};

/** What planning's rules weigh: a request (or a planned deployment in a new window) and the facts read with it. */
export interface Proposal {
  request: DeploymentRequested;
  facts: PlanningFacts;
  /** asked for the next available window, and none is free within the horizon */
  noFreeWindow?: true;
  /** the targets the plan holds (a reschedule); a request holds its own, or else every target of the environment */
  plannedTargets?: string[];
}

/** A proposal for an active environment: what the rules that weigh the environment's definition see. */
export interface InEnvironment extends Proposal {
  environment: EnvironmentDefinition;
  targets: string[];
}

const targetsOf = (request: DeploymentRequested, environment: EnvironmentDefinition) => (request.targets?.length ? request.targets : environment.targets.map((t) => t.name));

const inTheActiveEnvironment = (proposal: Proposal): InEnvironment | undefined => {
  const { environment } = proposal.facts;
  if (environment.status !== 'active') return undefined;
  return { ...proposal, environment: environment.definition, targets: proposal.plannedTargets ?? targetsOf(proposal.request, environment.definition) };
};

/**
 * A request for the next available window gets the earliest free one (`window` of the command is a placeholder until
 * then). Other requests, and requests to an environment that is not active (rejected for that), are weighed as asked.
 */
export const proposalFor = (asked: DeploymentRequested, facts: PlanningFacts): Proposal => {
  if (!asked.nextAvailable || facts.environment.status !== 'active') return { request: asked, facts };
  const environment = facts.environment.definition;
  const candidate = { deploymentId: asked.deploymentId, service: asked.service, targets: targetsOf(asked, environment) };
  const found = nextAvailableWindow(environment, facts.reservations, candidate, asked.nextAvailable.durationMinutes * 60_000, Date.parse(facts.now));
  if (!found) return { request: asked, facts, noFreeWindow: true };
  return { request: { ...asked, window: { start: new Date(found.start).toISOString(), end: new Date(found.end).toISOString() } }, facts };
};

export const windowMustEndAfterItStarts: Rule<DeploymentRequested, DeploymentRefusal> = (request) =>
  Date.parse(request.window.end) <= Date.parse(request.window.start)
    ? { code: 'WindowEndsBeforeItStarts', start: request.window.start, end: request.window.end }
    : undefined;

/** A change is committed before its deployment is asked for: a later commit time would make DORA's lead time negative. */
export const commitMustPrecedeTheRequest: Rule<DeploymentRequested, DeploymentRefusal> = (request) =>
  request.commitTime !== undefined && Date.parse(request.commitTime) > Date.parse(request.requestedAt)
    ? { code: 'CommitTimeAfterRequest', commitTime: request.commitTime, requestedAt: request.requestedAt }
    : undefined;

/** What makes a request malformed whatever the facts: refused, nothing recorded. */
const wellFormedRequest: Policy<DeploymentRequested, DeploymentRefusal> = [windowMustEndAfterItStarts, commitMustPrecedeTheRequest];

/** A request for the next available window is rejected when none is free within the horizon. */
export const aFreeWindowMustBeFound: Rule<Proposal, Rejection> = ({ request, noFreeWindow }) =>
  noFreeWindow ? reject('OutsideDeploymentWindow', { nextAvailable: request.nextAvailable, why: 'no free window of this length in the next 90 days' }) : undefined;

export const onlyAnAuthorisedChangeIsPlanned: Rule<Proposal, Rejection> = ({ request }) =>
  request.changeState === 'authorised' ? undefined : reject('ChangeNotAuthorized', { changeId: request.changeId, changeState: request.changeState ?? null });

/**
 * A change's authorisation is proved, not claimed: by change enablement's event, its signed authorisation, or a
 * requester allowed to authorise, whichever of these the environment's kind accepts.
 */
export const authorisationMustBeProven: Rule<InEnvironment, Rejection> = ({ request, environment, facts }) => {
  const found = authorisationOf(facts.authorisation, request, facts.authorisationPolicy[environment.kind], environment.kind, facts.now);
  return 'why' in found ? reject('AuthorisationNotProven', { changeId: request.changeId, way: facts.authorisation.way, why: found.why, ...found.details }) : undefined;
};

/** Who authorised the change, once `authorisationMustBeProven` holds. */
const authorisedByOf = ({ request, environment, facts }: InEnvironment): AuthorisedBy | undefined => {
  const found = authorisationOf(facts.authorisation, request, facts.authorisationPolicy[environment.kind], environment.kind, facts.now);
  return 'authorisedBy' in found ? found.authorisedBy : undefined;
};

/**
 * Where the environment's kind keeps duties apart, whoever authorised the change did not also ask for its deployment
 * (under any spelling of their subject): the authoriser an ITSM event names, the signer of a signed authorisation. A
 * requester's own permission is by definition the requester authorising. An ITSM event naming no authoriser is change
 * enablement's word as a system: no person to compare.
 */
export const requesterMayNotAuthoriseTheChange: Rule<InEnvironment, Rejection> = (proposal) => {
  const { request, environment, facts } = proposal;
  const authorisedBy = authorisedByOf(proposal);
  if (!facts.authoriserSeparation[environment.kind] || !authorisedBy) return undefined;
  if (facts.authorisation.way === 'itsm' && !facts.authorisation.authoriserNamed) return undefined;
  if (!sameIdentity(authorisedBy.by, request.requestedBy, facts.identityCase)) return undefined;
  const why =
    authorisedBy.way === 'permission'
      ? `in a ${environment.kind} environment the requester's own changes:authorise is the requester authorising their own deployment; the change needs an authorisation by someone else`
      : `in a ${environment.kind} environment the requester may not be the change's authoriser; ${authorisedBy.by} authorised it (${authorisedBy.way}) and requested its deployment`;
  return reject('RequesterMayNotAuthorise', { changeId: request.changeId, requestedBy: request.requestedBy, authorisedBy: authorisedBy.by, way: authorisedBy.way, why });
};

export const environmentMustBeRegistered: Rule<Proposal, Rejection> = ({ request, facts }) =>
  facts.environment.status === 'none' ? reject('UnknownEnvironment', { environment: request.environment }) : undefined;

export const environmentMustBeActive: Rule<Proposal, Rejection> = ({ request, facts: { environment } }) =>
  environment.status === 'decommissioned' ? reject('EnvironmentDecommissioned', { environment: request.environment, reason: environment.reason }) : undefined;

export const targetsMustBelongToTheEnvironment: Rule<InEnvironment, Rejection> = ({ request, environment }) => {
  const unknown = (request.targets ?? []).filter((t) => !environment.targets.some((e) => e.name === t));
  return unknown.length ? reject('UnknownTarget', { environment: environment.name, targets: unknown }) : undefined;
};

/**
 * A model applies when it is for this kind of deployment and deploys every kind of component in the request into this
 * kind of environment. (Component sources and service tags are not part of a request, so they do not narrow the choice.)
 */
export const modelApplies = (model: ActiveModel, request: DeploymentRequested, environment: EnvironmentDefinition): boolean =>
  (model.content.applicability.deploymentKinds ?? [request.kind]).includes(request.kind) &&
  model.content.applicability.environmentKinds.includes(environment.kind) &&
  request.components.every((c) => model.content.applicability.componentKinds.includes(c.kind));

/** The named model, or else the single active model that applies; none only when the request is explicitly ad hoc. */
export const modelMustBeAgreed: Rule<InEnvironment, Rejection> = ({ request, environment, facts }) => {
  if (request.adHoc) return undefined;
  if (request.model) {
    const named = facts.activeModels.find((m) => m.name === request.model);
    if (!named) {
      return facts.retiredModels.includes(request.model)
        ? reject('ModelRetired', { model: request.model })
        : reject('NoApplicableModel', { model: request.model, why: 'no active model has this name' });
    }
    return modelApplies(named, request, environment) ? undefined : reject('NoApplicableModel', { model: request.model, why: 'the model does not apply to these components and environment' });
  }
  const applicable = facts.activeModels.filter((m) => modelApplies(m, request, environment));
  if (applicable.length === 0) return reject('NoApplicableModel', { environmentKind: environment.kind, componentKinds: [...new Set(request.components.map((c) => c.kind))] });
  return applicable.length > 1 ? reject('AmbiguousModel', { models: applicable.map((m) => m.name).sort() }) : undefined;
};

/** The model the request is planned with (null: ad hoc), once `modelMustBeAgreed` holds. */
/**
 * A request may lengthen the model's monitoring period (`monitoringSeconds`), never shorten it nor ask for one the
 * model does not give: early life support is the model's minimum.
 */
export const monitoringMustStayWithinTheModel: Rule<InEnvironment, Rejection> = (proposal) => {
  const asked = proposal.request.monitoringSeconds;
  if (asked === undefined) return undefined;
  const model = agreedModel(proposal);
  const monitoring = model?.content.monitoring;
  if (!monitoring) return reject('MonitoringOutsideModel', { monitoringSeconds: asked, why: model ? `the model ${model.name} gives no monitoring period` : 'a deployment without a model has no monitoring period to lengthen' });
  if (asked < monitoring.durationSeconds) {
    return reject('MonitoringOutsideModel', { monitoringSeconds: asked, modelSeconds: monitoring.durationSeconds, why: `the model ${model.name} monitors for ${monitoring.durationSeconds} s at least` });
  }
  const looks = Math.ceil(asked / monitoring.lookEverySeconds);
  return looks > MONITORING_MAX_LOOKS
    ? reject('MonitoringOutsideModel', { monitoringSeconds: asked, why: `${looks} looks of the model's ${monitoring.lookEverySeconds} s; at most ${MONITORING_MAX_LOOKS}` })
    : undefined;
};

/** The monitoring period of the plan: the model's, as long as the request asked where longer. */
const monitoringOf = (model: ActiveModel | null, request: DeploymentRequested): DeploymentPlanned['monitoring'] => {
  const monitoring = model?.content.monitoring;
  if (!monitoring) return undefined;
  return { ...monitoring, durationSeconds: Math.max(monitoring.durationSeconds, request.monitoringSeconds ?? 0) };
};

export const agreedModel = ({ request, environment, facts }: InEnvironment): ActiveModel | null =>
  request.adHoc ? null : (facts.activeModels.find((m) => (request.model ? m.name === request.model : modelApplies(m, request, environment))) ?? null);

/**
 * The stage before an environment in the flow of environments: from the agreed model's flow where it names the
 * environment's kind; otherwise (ad hoc, or a model whose flow leaves the kind out) from the environments' positions:
 * the kind of the highest-positioned active environment below this one that is of another kind (another
 * environment of the same kind is the same stage). None: the environment is the first stage.
 */
export const previousStageOf = (proposal: InEnvironment): { kind: string; from: 'model' | 'positions'; environments?: string[] } | undefined => {
  const { environment, facts } = proposal;
  const flow = agreedModel(proposal)?.content.environmentFlow ?? [];
  const position = flow.indexOf(environment.kind);
  if (position >= 0) return position === 0 ? undefined : { kind: flow[position - 1], from: 'model' };
  const below = facts.environments.filter((e) => e.position < environment.position && e.kind !== environment.kind);
  const nearest = Math.max(...below.map((e) => e.position));
  const stage = below.filter((e) => e.position === nearest);
  return stage.length ? { kind: stage[0].kind, from: 'positions', environments: stage.filter((e) => e.kind === stage[0].kind).map((e) => e.name) } : undefined;
};

/** The component versions of the request not yet succeeded in the previous stage, and that stage (none: nothing to prove). */
const unproven = (proposal: InEnvironment) => {
  const { request, facts } = proposal;
  const previous = request.kind === 'removal' ? undefined : previousStageOf(proposal);
  if (!previous) return undefined;
  const missing = request.components.filter((c) => !facts.succeeded.some((s) => s.environmentKind === previous.kind && s.name === c.name && s.version === c.version));
  return missing.length ? { previous, components: missing.map(({ name, version }) => ({ name, version })) } : undefined;
};

/**
 * Component versions reach an environment only after they succeeded in the previous stage of the flow, ad hoc or
 * with a model. An emergency change may skip the stage only when a deployment manager asks, with a reason.
 */
export const versionsMustHaveSucceededInThePreviousEnvironment: Rule<InEnvironment, Rejection> = (proposal) => {
  const { request, facts } = proposal;
  const found = unproven(proposal);
  if (!found) return undefined;
  const { previous, components } = found;
  const details = { previousEnvironmentKind: previous.kind, ...(previous.environments ? { previousEnvironments: previous.environments } : {}), flowFrom: previous.from, components };
  if (!request.promotionOverride) return reject('PromotionRuleNotMet', details);
  if (request.changeType !== 'emergency') return reject('PromotionRuleNotMet', { ...details, overrideRefused: 'only an emergency change may skip a stage' });
  if (!facts.requesterRoles.includes('deployment-manager')) return reject('PromotionRuleNotMet', { ...details, overrideRefused: 'only a deployment manager may skip a stage' });
  return undefined;
};

/** The stage an emergency change skips, once `versionsMustHaveSucceededInThePreviousEnvironment` holds. */
const promotionOverrideOf = (proposal: InEnvironment): DeploymentPlanned['promotionOverride'] => {
  const found = unproven(proposal);
  const { request } = proposal;
  return found && request.promotionOverride
    ? { skippedEnvironmentKind: found.previous.kind as EnvironmentDefinition['kind'], components: found.components, reason: request.promotionOverride.reason, by: request.requestedBy }
    : undefined;
};

/** Planning without an agreed model is asked for explicitly, by an identity allowed to (`deployments:request-ad-hoc`). */
export const adHocNeedsItsOwnPermission: Rule<Proposal, Rejection> = ({ request, facts }) =>
  request.adHoc && !facts.requesterMayPlanAdHoc
    ? reject('AdHocNotPermitted', { requestedBy: request.requestedBy, why: 'planning without an agreed model needs the deployments:request-ad-hoc permission' })
    : undefined;

/** An environment with deployment windows takes deployments only inside one of them; one without takes them any time. */
export const windowMustFallInsideADeploymentWindow: Rule<InEnvironment, Rejection> = ({ request, environment }) =>
  environment.deploymentWindows.length === 0 || occurrenceHolding(environment.deploymentWindows, environment.timeZone, intervalOf(request.window))
    ? undefined
    : reject('OutsideDeploymentWindow', { window: request.window, timeZone: environment.timeZone, deploymentWindows: environment.deploymentWindows });

/** Only an emergency change may deploy inside a freeze, and only when a deployment manager asks with a reason. */
export const windowMustNotOverlapFreeze: Rule<InEnvironment, Rejection> = ({ request, environment, facts }) => {
  const [freeze] = freezesOverlapping(request, environment);
  if (!freeze) return undefined;
  const details = { freezeId: freeze.id, reason: freeze.reason };
  if (!request.freezeOverride) return reject('FreezePeriod', details);
  if (request.changeType !== 'emergency') return reject('FreezePeriod', { ...details, overrideRefused: 'only an emergency change may override a freeze' });
  if (!facts.requesterRoles.includes('deployment-manager')) return reject('FreezePeriod', { ...details, overrideRefused: 'only a deployment manager may override a freeze' });
  return undefined;
};

/** The freeze an emergency change overrides, once `windowMustNotOverlapFreeze` holds. */
const freezeOverrideOf = ({ request, environment }: InEnvironment): DeploymentPlanned['freezeOverride'] => {
  const [freeze] = freezesOverlapping(request, environment);
  return freeze && request.freezeOverride ? { freezeId: freeze.id, reason: request.freezeOverride.reason, by: request.requestedBy } : undefined;
};

export const windowMustNotConflictWithAnotherDeployment: Rule<InEnvironment, Rejection> = ({ request, targets, facts }) => {
  const conflict = conflictingReservation(facts.reservations, { deploymentId: request.deploymentId, service: request.service, targets, window: request.window });
  return conflict ? reject('ConflictingDeployment', { deploymentId: conflict.deploymentId, service: conflict.service, window: conflict.window }) : undefined;
};

/** The stage of a chained promotion a request is: as asked for a later stage, found for a chain's first (promotion-chain.ts). */
const chainOf = (proposal: InEnvironment) => {
  const { request, environment, facts } = proposal;
  if (request.chain || !request.promote) return request.chain;
  const flow = agreedModel(proposal)?.content.environmentFlow ?? [];
  return chainStarting({ ...request, promote: request.promote }, environment.kind, flow, facts.environments, facts.requesterRoles);
};

/** A chained promotion follows the agreed model's flow, into environments it can name for each kind. */
export const aChainMustFollowTheModelsFlow: Rule<InEnvironment, Rejection> = (proposal) => {
  const chain = chainOf(proposal);
  return chain && isRejection(chain) ? chain : undefined;
};

/** The rules a request is planned by, in the order they are weighed: the first one broken rejects it. */
const requestPolicy: Policy<Proposal, Rejection> = [
  aFreeWindowMustBeFound,
  onlyAnAuthorisedChangeIsPlanned,
  adHocNeedsItsOwnPermission,
  environmentMustBeRegistered,
  environmentMustBeActive,
  ...where(inTheActiveEnvironment, [
    authorisationMustBeProven,
    requesterMayNotAuthoriseTheChange,
    targetsMustBelongToTheEnvironment,
    modelMustBeAgreed,
    aChainMustFollowTheModelsFlow,
    monitoringMustStayWithinTheModel,
    versionsMustHaveSucceededInThePreviousEnvironment,
    windowMustFallInsideADeploymentWindow,
    windowMustNotOverlapFreeze,
    windowMustNotConflictWithAnotherDeployment,
  ]),
];

/** A new window is weighed again: the environment still active, inside a deployment window, outside freezes, free. */
const reschedulePolicy: Policy<Proposal, Rejection> = [
  environmentMustBeRegistered,
  environmentMustBeActive,
  ...where(inTheActiveEnvironment, [windowMustFallInsideADeploymentWindow, windowMustNotOverlapFreeze, windowMustNotConflictWithAnotherDeployment]),
];

/** Concrete waves over the targets: shares of the model's strategy turned into counts, every wave at least one target. */
export const wavesFor = (strategy: DeploymentModelContent['strategy'], targets: readonly string[]): Wave[] => {
  const cumulative =
    strategy.type === 'progressive'
      ? strategy.waves.map((_, i) => strategy.waves.slice(0, i + 1).reduce((a, b) => a + b, 0))
      : strategy.type === 'canary'
        ? strategy.steps
        : [1];
  const cuts: number[] = [];
  for (const share of cumulative) {
    const previous = cuts.at(-1) ?? 0;
    const cut = Math.min(targets.length, Math.max(previous + 1, Math.ceil(share * targets.length - 1e-9)));
    if (cut > previous) cuts.push(cut);
  }
  if ((cuts.at(-1) ?? 0) < targets.length) cuts.push(targets.length);
  return cuts.map((cut, i) => ({ index: i + 1, targets: targets.slice(i === 0 ? 0 : cuts[i - 1], cut) }));
};

/**
 * Who supervises a pilot's production deployments: the model's owners, the deployment managers (the role that writes
 * models; admins hold `models:write` too but do not answer for the practice's models).
 */
export const PILOT_SUPERVISORS = ['deployment-manager'];

/** A pilot's deployment in production waits for one of the model's owners (model-review's pilots). */
const pilotSupervision = (model: ActiveModel | null, environment: EnvironmentDefinition): Gate[] =>
  model?.pilot && environment.kind === 'production'
    ? [{ name: `${model.name} pilot supervision`, kind: 'approval', roles: PILOT_SUPERVISORS, minimumApprovers: 1, source: 'model' }]
    : [];

/** The model's gates for this kind of environment, the supervision of a pilot, then the environment's own approval policy. */
export const gatesFor = (model: ActiveModel | null, environment: EnvironmentDefinition): Gate[] => [
  ...(model?.content.gates ?? [])
    .filter((g) => g.environmentKind === environment.kind)
    .map((g) => ({ name: gateName(model!.name, g.at), kind: 'approval' as const, roles: g.roles, minimumApprovers: g.minApprovers, source: 'model' as const, ...positioned(g.at) })),
  ...pilotSupervision(model, environment),
  ...(environment.approvalPolicy.minimumApprovers > 0
    ? [
        {
          name: gateName(environment.name, environment.approvalPolicy.at),
          kind: 'approval' as const,
          roles: environment.approvalPolicy.roles,
          minimumApprovers: environment.approvalPolicy.minimumApprovers,
          source: 'environment' as const,
          ...positioned(environment.approvalPolicy.at),
        },
      ]
    : []),
];

/** A gate between waves is named apart from the one at the start, so that a model may have both for one environment. */
const gateName = (owner: string, at: GatePosition | undefined) => (at === 'between-waves' ? `${owner} approval between waves` : `${owner} approval`);
const positioned = (at: GatePosition | undefined) => (at ? { at } : {});

/** The model's template first, then the request's criteria that the template does not already hold. */
export const mergedAcceptanceCriteria = (model: ActiveModel | null, request: DeploymentRequested): AcceptanceCriterion[] => {
  const template = model?.content.acceptanceCriteria ?? [];
  return [...template, ...request.acceptanceCriteria.filter((c) => !template.some((t) => sameFacts(t, c)))];
};

export const planFor = (
  request: DeploymentRequested,
  environment: EnvironmentDefinition,
  environmentVersion: number,
  model: ActiveModel | null,
  freezeOverride: DeploymentPlanned['freezeOverride'],
  now: string,
  promotionOverride?: DeploymentPlanned['promotionOverride'],
  authorisedBy?: AuthorisedBy,
): DeploymentPlanned => {
  const targets = request.targets?.length ? request.targets : environment.targets.map((t) => t.name);
  const strategy = model?.content.strategy ?? { type: 'big-bang' as const };
  return {
    deploymentId: request.deploymentId,
    changeId: request.changeId,
    service: request.service,
    kind: request.kind,
    components: request.components,
    environment: request.environment,
    window: request.window,
    model: model ? { name: model.name, version: model.version } : null,
    ...(model ? {} : { adHoc: true }),
    strategy: strategy.type,
    waves: wavesFor(strategy, targets),
    gates: gatesFor(model, environment),
    acceptanceCriteria: mergedAcceptanceCriteria(model, request),
    backupRequired: model ? model.content.backupRequired : request.kind !== 'install',
    rollback: model && model.content.rollbackPolicy === 'on-decision' ? 'manual' : 'automatic',
    ...(freezeOverride ? { freezeOverride } : {}),
    ...(promotionOverride ? { promotionOverride } : {}),
    ...(authorisedBy ? { authorisedBy } : {}),
    environmentSnapshot: {
      name: environment.name,
      kind: environment.kind,
      version: environmentVersion,
      attributes: environment.attributes,
      targets: environment.targets.filter((t) => targets.includes(t.name)),
    },
    plannedAt: now,
    requestedBy: request.requestedBy,
    documentationRequired: model?.content.documentationRequired ?? false,
    ...(model
      ? {
          qualityThresholds: model.content.qualityThresholds,
          automationLevel: model.content.automationLevel,
          manualSteps: model.content.manualSteps,
          ...(model.content.strategy.type === 'canary' ? { canaryAnalysis: model.content.strategy.analysis } : {}),
          ...(model.content.monitoring ? { monitoring: monitoringOf(model, request) } : {}),
          ...(model.content.siteChecklist ? { siteChecklist: model.content.siteChecklist } : {}),
        }
      : {}),
  };
};

const isRejection = (value: unknown): value is Rejection => typeof value === 'object' && value !== null && 'reason' in value && 'details' in value;

/** Plans the request, or finds the first rule it breaks. */
const planOrReject = (proposal: Proposal): DeploymentPlanned | Rejection => {
  const rejection = firstViolation(requestPolicy, proposal);
  if (rejection) return rejection;
  // the policy holds: the environment is active
  const judged = inTheActiveEnvironment(proposal)!;
  const plan = planFor(judged.request, judged.environment, proposal.facts.environmentVersion, agreedModel(judged), freezeOverrideOf(judged), proposal.facts.now, promotionOverrideOf(judged), authorisedByOf(judged));
  const warnings = relatedServicesDeploying(proposal.facts.relatedReservations, judged.request, proposal.facts.relatedServices);
  const chain = chainOf(judged);
  return { ...plan, ...(warnings.length ? { warnings } : {}), ...(chain && !isRejection(chain) ? { chain } : {}) };
};

export function decide(command: DeploymentCommand, state: Deployment): readonly DeploymentEvent[] | Refused<DeploymentRefusal> {
  switch (command.type) {
    case 'RequestDeployment': {
      const { facts } = command;
      if (state.status !== 'none') {
        // The same request again (a retry with the same idempotency key, a duplicate event) changes nothing.
        return sameRequest(state.request, command.request) ? [] : refuse({ code: 'DeploymentAlreadyRequested', deploymentId: command.request.deploymentId });
      }
      const malformed = firstViolation(wellFormedRequest, command.request);
      if (malformed) return refuse(malformed);
      const proposal = proposalFor(command.request, facts);
      const { request } = proposal;
      const outcome = planOrReject(proposal);
      const requested: DeploymentEvent = { type: 'DeploymentRequested', data: !isRejection(outcome) && outcome.chain ? { ...request, chain: outcome.chain } : request };
      if (isRejection(outcome)) {
        const { deploymentId, changeId, service, environment } = request;
        return [requested, { type: 'DeploymentRejected', data: { deploymentId, changeId, service, environment, ...outcome, rejectedAt: facts.now } }];
      }
      return [requested, { type: 'DeploymentPlanned', data: outcome }, { type: 'DeploymentWindowReserved', data: reservationOf(outcome, outcome.window) }];
    }
    case 'CancelDeployment': {
      if (state.status === 'none') return refuse({ code: 'DeploymentNotRequested' });
      if (state.status === 'cancelled') return [];
      const deploymentId = state.request.deploymentId;
      if (state.status === 'rejected') return refuse({ code: 'DeploymentNotPlanned', deploymentId, status: state.status });
      if (command.closedAs) return refuse(alreadyClosed(deploymentId, command.closedAs));
      if (command.started) return refuse({ code: 'DeploymentAlreadyStarted', deploymentId });
      const { changeId, environment } = state.request;
      return [
        { type: 'DeploymentCancelled', data: { deploymentId, changeId, environment, reason: command.reason, cancelledBy: command.by, cancelledAt: command.now } },
        ...(state.status === 'planned' && state.windowHeld ? [released(state.plan)] : []),
      ];
    }
    case 'RescheduleDeployment': {
      if (state.status === 'none') return refuse({ code: 'DeploymentNotRequested' });
      const deploymentId = state.request.deploymentId;
      if (state.status !== 'planned') return refuse({ code: 'DeploymentNotPlanned', deploymentId, status: state.status });
      if (command.closedAs) return refuse(alreadyClosed(deploymentId, command.closedAs));
      if (command.started) return refuse({ code: 'DeploymentAlreadyStarted', deploymentId });
      if (sameFacts(state.plan.window, command.window)) return [];
      const moved = { ...state.request, window: command.window };
      const malformed = windowMustEndAfterItStarts(moved);
      if (malformed) return refuse(malformed);
      const broken = firstViolation(reschedulePolicy, { request: moved, facts: command.facts, plannedTargets: state.plan.waves.flatMap((w) => w.targets) });
      if (broken) return refuse({ code: broken.reason, deploymentId, details: broken.details });
      return [
        {
          type: 'DeploymentRescheduled',
          data: { deploymentId, environment: state.request.environment, previousWindow: state.plan.window, window: command.window, rescheduledBy: command.by, rescheduledAt: command.facts.now },
        },
        { type: 'DeploymentWindowReserved', data: reservationOf(state.plan, command.window) },
      ];
    }
    case 'ReleaseWindow':
      return state.status === 'planned' && state.windowHeld ? [released(state.plan)] : [];
    case 'RevokeAuthorisation': {
      // a closed record's outcome stands; once recorded, the same revocation again changes nothing
      if (state.status !== 'planned' || state.plan.authorisedBy?.keyId !== command.revocation.keyId || state.authorisationRevoked || command.closedAs) return [];
      const { deploymentId, changeId, environment } = state.plan;
      return [{ type: 'DeploymentAuthorisationRevoked', data: { deploymentId, changeId, environment, ...command.revocation } }];
    }
  }
}

const alreadyClosed = (deploymentId: string, outcome: DeploymentOutcome): DeploymentRefusal => ({
  code: 'DeploymentAlreadyClosed',
  deploymentId,
  outcome,
  reason: `records closed the deployment as ${outcome}; its outcome was reported to change enablement and stands`,
});

/** What a plan holds on the schedule: its service and targets, for the window. */
export const reservationOf = (plan: DeploymentPlanned, window: { start: string; end: string }): DeploymentWindowReserved => ({
  environment: plan.environment,
  deploymentId: plan.deploymentId,
  service: plan.service,
  targets: plan.waves.flatMap((w) => w.targets),
  window,
});

const released = (plan: DeploymentPlanned): DeploymentEvent => ({ type: 'DeploymentWindowReleased', data: { environment: plan.environment, deploymentId: plan.deploymentId } });

export const deploymentDecider: Decider<DeploymentCommand, DeploymentEvent, Deployment, DeploymentRefusal> = { decide, evolve, initialState };
