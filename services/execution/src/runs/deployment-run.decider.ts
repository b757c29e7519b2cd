import { firstViolation, refuse, sameIdentity, type Decider, type IdentityCase, type Policy, type Refused, type Rule } from '@gantry/decider';
import type { BlueGreenSide, CanaryAnalysis, DeployedComponent, DeploymentPlanned, Evidence, Readiness, VerifiedComponent, Window } from '@gantry/contracts';
import {
  componentsToInstall,
  decisionPending,
  DIGEST_MISMATCH,
  evolve,
  FIRST_LIVE_SIDE,
  includesTarget,
  initialState,
  needsPhysicalReadiness,
  otherSide,
  planOf,
  RESUMABLE_PAUSES,
  type ComponentToInstall,
  type DeploymentRun,
  type GateState,
  type Progress,
  type RunEvent,
} from './deployment-run.state';
import { isLateChange, lateChangeFor, aRevocationStopsTheRun, type LateFact } from './late-changes';
import { nextStep, sameStep, type RunStep } from './run-steps';
import { stepOutsideSupplierScope, type ActingForSupplier, type OutsideScope } from '../suppliers';

export { evolve, initialState, type DeploymentRun, type RunEvent } from './deployment-run.state';

/** What an executor reports it installed on a target: each component version and the digest of the bytes. */
export interface InstalledComponent {
  name: string;
  version: string;
  digest: string;
}

/**
 * What an executor reported for a step. `manual`: people do the work; the step is done when they completed it.
 * `installed`: for a deploy step, the digests the target installed (absent: the executor reported none).
 */
export type StepOutcome =
  | { status: 'succeeded'; snapshotRef?: string; installed?: InstalledComponent[] }
  | { status: 'failed'; reason: string; detail?: string }
  | { status: 'manual'; steps: { role: string; instruction: string; evidenceRequired: boolean }[] };

/** A person acting on a run: their subject and the roles they hold. */
export interface Actor {
  by: string;
  roles: readonly string[];
}

export type RunCommand =
  /** `liveSide`: blue-green's side serving the plan's service in its environment now (absent: none recorded yet) */
  | { type: 'PrepareRun'; plan: DeploymentPlanned; liveSide?: BlueGreenSide; now: string }
  | { type: 'ConfirmReadiness'; deploymentId: string; readiness: Readiness; components?: VerifiedComponent[] }
  | { type: 'AbandonRun'; deploymentId: string; reason: string }
  /** something changed after planning (a freeze, a decommission, a revocation): weigh it against the run */
  | { type: 'ConsiderLateChange'; deploymentId: string; fact: LateFact; now: string }
  | { type: 'RescheduleRun'; deploymentId: string; window: Window }
  /** the driver: record what follows from the recorded facts and the time (start, wave boundaries, the end) */
  | { type: 'AdvanceRun'; deploymentId: string; now: string }
  | { type: 'RecordStepOutcome'; deploymentId: string; step: RunStep; outcome: StepOutcome; now: string }
  | { type: 'RecordVerdict'; deploymentId: string; check: 'canary' | 'idle-side' | 'deployment' | 'monitoring'; verdict: 'pass' | 'fail' | 'inconclusive'; wave?: number; now: string }
  /** verification detected a regression in the monitoring period after the run was verified */
  | { type: 'ConsiderRegression'; deploymentId: string; now: string }
  /** `identityCase`: how subjects are compared for the separation of duties (GANTRY_IDENTITY_CASE); `comment`: the approver's words */
  | ({ type: 'ApproveGate'; deploymentId: string; gate: string; identityCase: IdentityCase; comment?: string; now: string } & Actor)
  | ({ type: 'DenyGate'; deploymentId: string; gate: string; reason: string; now: string } & Actor)
  | ({ type: 'PauseRun'; deploymentId: string; now: string } & Actor)
  | ({ type: 'ResumeRun'; deploymentId: string; now: string } & Actor)
  | ({ type: 'AbortRun'; deploymentId: string; now: string } & Actor)
  | ({ type: 'DecideRollback'; deploymentId: string; rollback: boolean; now: string } & Actor)
  /** `supplier`: the organisation a supplier's engineer acts for, with its scope as execution knows it */
  | ({ type: 'CompleteManualStep'; deploymentId: string; stepId: string; evidence: Evidence[]; supplier?: ActingForSupplier; now: string } & Actor);

export type RunRefusal =
  | { code: 'RunNotFound'; deploymentId: string }
  | { code: 'GateNotOpen'; deploymentId: string; gate: string; status: DeploymentRun['status'] }
  | { code: 'UnknownGate'; deploymentId: string; gate: string }
  | { code: 'RequesterMayNotApprove'; deploymentId: string; gate: string; by: string }
  | { code: 'AuthoriserMayNotApprove'; deploymentId: string; gate: string; by: string }
  | { code: 'RoleMayNotApprove'; deploymentId: string; gate: string; roles: string[] }
  | { code: 'RunNotRunning'; deploymentId: string; status: DeploymentRun['status'] }
  | { code: 'DecisionRequired'; deploymentId: string; reason: string }
  | { code: 'NoDecisionPending'; deploymentId: string }
  | { code: 'RoleMayNotDecide'; deploymentId: string; reason: string; role: string }
  | { code: 'RunEnded'; deploymentId: string; outcome: string }
  | { code: 'UnknownManualStep'; deploymentId: string; stepId: string }
  | { code: 'RoleMayNotCompleteStep'; deploymentId: string; stepId: string; role: string }
  | { code: 'EvidenceRequired'; deploymentId: string; stepId: string }
  | { code: 'EvidenceDigestRequired'; deploymentId: string; stepId: string; evidence: number }
  | { code: 'UnknownSupplier'; deploymentId: string; stepId: string; organisation: string | null }
  | ({ code: 'OutsideSupplierScope'; deploymentId: string; stepId: string; organisation: string } & OutsideScope);

/** Refusals about who is asking rather than what state the run is in: 403 at the edge. */
export const FORBIDDING_REFUSALS: readonly RunRefusal['code'][] = ['RequesterMayNotApprove', 'AuthoriserMayNotApprove', 'RoleMayNotApprove', 'RoleMayNotCompleteStep', 'RoleMayNotDecide', 'UnknownSupplier', 'OutsideSupplierScope'];

/** Who decides whether a run held for a late change, or for a regression in its monitoring period, continues or rolls back. */
export const LATE_CHANGE_DECIDER = 'deployment-manager';

/** The reason a run in its monitoring period is held, or rolled back, for a regression verification detected. */
export const REGRESSION_DETECTED = 'RegressionDetected';

/** The thresholds a canary step is analysed against when the plan names none, and how long verification observes it. */
export const DEFAULT_CANARY_THRESHOLDS: CanaryAnalysis = { maxErrorRate: 0.01, maxP95LatencyMs: 500 };
export const CANARY_OBSERVATION_MS = 10 * 60_000;
export const CANARY_MINIMUM_OBSERVATIONS = 10;

/** The actor of what the run does on its own (wave boundaries, window end, failure pauses). */
export const EXECUTION = 'gantry-execution';

const ms = (iso: string) => Date.parse(iso);

/** A run that started: it has progress, and maybe a rollback under way. */
type Started = Extract<DeploymentRun, { status: 'running' | 'executed' | 'rolling-back' }>;

/** The plan's approval gates that ask someone: a gate with nobody to approve or no approver needed asks nothing. */
const approvalGates = (plan: DeploymentPlanned) => (plan.gates ?? []).filter((g) => g.kind === 'approval' && g.minimumApprovers > 0 && g.roles.length > 0);
/** Gates passed again before every wave after the first (`at: 'between-waves'`); a plan of one wave never asks them. */
const gatesBetweenWaves = (plan: DeploymentPlanned) => approvalGates(plan).filter((g) => g.at === 'between-waves');

/** The gates a person may approve or deny now: the start's while the run waits, a boundary's while the run is held at it. */
const openGates = (run: DeploymentRun): GateState[] => (run.status === 'waiting' ? run.gates : run.status === 'running' ? (run.boundary?.gates ?? []) : []);

/** Every gate passed (readiness and the window are checked when starting). */
export const gatesPassed = (run: { gates: { approvers: string[]; minimumApprovers: number }[] }) => run.gates.every((g) => g.approvers.length >= g.minimumApprovers);
/** Both verifications confirmed and, for a physical deployment, its sites and delivery (`physical`). */
const ready = (run: { plan: DeploymentPlanned; confirmed: readonly Readiness[] }) =>
  run.confirmed.includes('components') && run.confirmed.includes('environment') && (!needsPhysicalReadiness(run.plan) || run.confirmed.includes('physical'));

// ---- rules, named for what they enforce ----

/** A person approving or denying an open gate of a run. */
interface GateDecision extends Actor {
  deploymentId: string;
  plan: DeploymentPlanned;
  gate: GateState;
}

/** An approval, with how the approver's subject is compared with the requester's and the other approvers'. */
interface ApprovalDecision extends GateDecision {
  identityCase: IdentityCase;
}

/** Separation of duties: whoever asked for the deployment never approves it, under any spelling of their subject. */
const requesterMayNotApproveOwnDeployment: Rule<ApprovalDecision, RunRefusal> = ({ deploymentId, plan, gate, by, identityCase }) =>
  plan.requestedBy !== undefined && sameIdentity(plan.requestedBy, by, identityCase) ? { code: 'RequesterMayNotApprove', deploymentId, gate: gate.name, by } : undefined;

/**
 * Separation of duties: whoever authorised the change (named by change enablement's event or the signed
 * authorisation the plan records) does not also approve its deployment; the requester who authorised by permission is
 * the requester, refused above.
 */
const authoriserMayNotApprove: Rule<ApprovalDecision, RunRefusal> = ({ deploymentId, plan, gate, by, identityCase }) =>
  plan.authorisedBy !== undefined && sameIdentity(plan.authorisedBy.by, by, identityCase) ? { code: 'AuthoriserMayNotApprove', deploymentId, gate: gate.name, by } : undefined;

/** The role an approver acts in: the first of theirs that the gate names. */
const roleAllowedByGate = (gateRoles: readonly string[], roles: readonly string[]) => roles.find((r) => gateRoles.includes(r));

/** An approver (or a denier) acts in one of the gate's roles. */
const deciderMustHoldARoleOfTheGate: Rule<GateDecision, RunRefusal> = ({ deploymentId, gate, roles }) =>
  roleAllowedByGate(gate.roles, roles) ? undefined : { code: 'RoleMayNotApprove', deploymentId, gate: gate.name, roles: gate.roles };

/** A target's report of a deploy step against the components it was sent. */
interface InstallReport {
  sent: readonly ComponentToInstall[];
  installed: readonly InstalledComponent[] | undefined;
}

/**
 * Integrity to the target: every component sent with a digest is reported installed with exactly that digest. What
 * differs (or is not reported) is named in the failure's detail.
 */
const installedMustBeWhatWasVerified: Rule<InstallReport, string> = ({ sent, installed }) => {
  const problems = sent.flatMap(({ name, version, digest }) => {
    if (!digest) return [];
    const reported = installed?.find((i) => i.name === name && i.version === version);
    if (!reported) return [`${name} ${version}: no digest reported, ${digest} sent`];
    return reported.digest === digest ? [] : [`${name} ${version}: ${reported.digest} installed, ${digest} sent`];
  });
  return problems.length > 0 ? problems.join('; ') : undefined;
};

const approvalPolicy: Policy<ApprovalDecision, RunRefusal> = [requesterMayNotApproveOwnDeployment, authoriserMayNotApprove, deciderMustHoldARoleOfTheGate];
const denialPolicy: Policy<GateDecision, RunRefusal> = [deciderMustHoldARoleOfTheGate];

export function decide(command: RunCommand, state: DeploymentRun): readonly RunEvent[] | Refused<RunRefusal> {
  const { deploymentId } = command.type === 'PrepareRun' ? command.plan : command;
  switch (command.type) {
    case 'PrepareRun':
      return state.status === 'unplanned' ? prepare(command.plan, command.liveSide, command.now) : [];
    case 'ConfirmReadiness':
      if ((state.status !== 'unplanned' && state.status !== 'waiting') || state.confirmed.includes(command.readiness)) return [];
      return [{ type: 'ReadinessConfirmed', data: { deploymentId, readiness: command.readiness, ...(command.components ? { components: command.components } : {}) } }];
    case 'AbandonRun':
      return state.status === 'unplanned' || state.status === 'waiting' ? [{ type: 'RunAbandoned', data: { deploymentId, reason: command.reason } }] : [];
    case 'ConsiderLateChange':
      return considerLateChange(command, state);
    case 'RescheduleRun':
      return state.status === 'waiting' ? [{ type: 'RunRescheduled', data: { deploymentId, window: command.window } }] : [];
    case 'AdvanceRun':
      return advance(deploymentId, state, command.now);
    case 'RecordStepOutcome':
      return recordStep(deploymentId, state, command.step, command.outcome, command.now);
    case 'RecordVerdict':
      return recordVerdict(command, state);
    case 'ConsiderRegression':
      return considerRegression(command, state);
    case 'ApproveGate':
      return approve(command, state);
    case 'DenyGate':
      return deny(command, state);
    case 'PauseRun':
      if (state.status !== 'running') return refuse({ code: 'RunNotRunning', deploymentId, status: state.status });
      return state.pause ? [] : [{ type: 'RunPaused', data: { deploymentId, reason: 'Requested', by: command.by, pausedAt: command.now } }];
    case 'ResumeRun':
      if (state.status !== 'running' && state.status !== 'executed') return refuse({ code: 'RunNotRunning', deploymentId, status: state.status });
      if (!state.pause) return [];
      if (decisionPending(state)) return refuse({ code: 'DecisionRequired', deploymentId, reason: state.pause.reason });
      return [{ type: 'RunResumed', data: { deploymentId, by: command.by, resumedAt: command.now } }];
    case 'AbortRun':
      return abort(command, state);
    case 'DecideRollback':
      return decideRollback(command, state);
    case 'CompleteManualStep':
      return completeManualStep(command, state);
  }
}

/** Blue-green records the side it deploys beside, so that replaying the run never asks which side is live now. */
function prepare(plan: DeploymentPlanned, liveSide: BlueGreenSide | undefined, now: string): RunEvent[] {
  const { deploymentId } = plan;
  const atStart = approvalGates(plan).filter((g) => g.at !== 'between-waves');
  const side = plan.strategy === 'blue-green' ? { liveSide: liveSide ?? FIRST_LIVE_SIDE } : {};
  return [
    { type: 'RunPrepared', data: { deploymentId, plan, ...side } },
    ...atStart.map((g): RunEvent => ({ type: 'ApprovalRequested', data: { deploymentId, gate: g.name, roles: g.roles, minimumApprovers: g.minimumApprovers, requestedAt: now } })),
  ];
}

/** Everything that follows from the facts and the time, until the run needs an executor, a verdict or a person. */
function advance(deploymentId: string, state: DeploymentRun, now: string): RunEvent[] {
  const events: RunEvent[] = [];
  let run = state;
  for (let next = followingEvent(deploymentId, run, now); next; next = followingEvent(deploymentId, run, now)) {
    // every following event moves the run on; more than the plan could ever need is a bug, not a loop
    if (events.length > 4 * 1000) throw new Error(`run ${deploymentId} does not settle: ${next.type} again and again`);
    events.push(next);
    run = evolve(run, next);
  }
  return events;
}

function followingEvent(deploymentId: string, run: DeploymentRun, now: string): RunEvent | undefined {
  switch (run.status) {
    case 'unplanned':
    case 'ended':
    case 'executed':
      return undefined;
    case 'waiting': {
      if (!ready(run) || !gatesPassed(run) || ms(now) < ms(run.window.start)) return undefined;
      if (ms(now) >= ms(run.window.end)) return run.missed ? undefined : { type: 'ScheduleMissed', data: { deploymentId, window: run.window, phase: 'before-start', detectedAt: now } };
      return { type: 'DeploymentStarted', data: { deploymentId, startedAt: now } };
    }
    case 'running':
      return runningEvent(deploymentId, run, now);
    case 'rolling-back':
      return nextStep(run) || run.manual.length > 0 ? undefined : { type: 'RolledBack', data: { deploymentId, rolledBackAt: now, reason: run.reason } };
  }
}

function runningEvent(deploymentId: string, run: Progress, now: string): RunEvent | undefined {
  if (!run.missed && ms(now) >= ms(run.window.end)) return { type: 'ScheduleMissed', data: { deploymentId, window: run.window, phase: 'during-run', detectedAt: now } };
  if (run.pause || run.awaiting || run.manual.length > 0) return undefined;
  if (run.plan.backupRequired && run.backup === undefined) return undefined;
  const { waves, strategy } = run.plan;
  const current = run.wave;
  if (current && !current.completed) {
    const wave = waves.find((w) => w.index === current.index)!;
    const allDone = wave.targets.every((target) => run.done.some((d) => d.wave === wave.index && d.target === target));
    return allDone ? { type: 'WaveCompleted', data: { deploymentId, wave: wave.index } } : undefined;
  }
  const position = current ? waves.findIndex((w) => w.index === current.index) : -1;
  const following = waves[position + 1];
  if (current && following && strategy === 'canary' && !run.analysed.includes(current.index)) {
    const wave = waves[position];
    const thresholds = run.plan.canaryAnalysis ?? DEFAULT_CANARY_THRESHOLDS;
    const deadline = new Date(ms(now) + CANARY_OBSERVATION_MS).toISOString();
    return {
      type: 'CanaryAnalysisRequested',
      data: { deploymentId, wave: wave.index, targets: wave.targets, thresholds, minimumObservations: CANARY_MINIMUM_OBSERVATIONS, deadline, requestedAt: now },
    };
  }
  if (following) {
    // a late change holds the run here, before its next wave, for a deployment manager's decision
    const late = run.lateChanges[run.held];
    if (late) return { type: 'RunPaused', data: { deploymentId, reason: late.reason, by: EXECUTION, pausedAt: now } };
    // the window closed: stop at this wave boundary, once (a person may resume past it)
    if (current && run.missed && !run.pausedForWindow) return { type: 'RunPaused', data: { deploymentId, reason: 'WindowClosed', by: EXECUTION, pausedAt: now } };
    if (current) {
      const approval = heldForApproval(deploymentId, run, following.index, now);
      if (approval !== 'passed') return approval;
    }
    return { type: 'WaveStarted', data: { deploymentId, wave: following.index, targets: following.targets } };
  }
  if (strategy === 'blue-green' && !run.idleRequested) {
    const targets = waves.flatMap((w) => w.targets);
    return { type: 'IdleSideVerificationRequested', data: { deploymentId, side: otherSide(run.liveSide), targets, acceptanceCriteria: run.plan.acceptanceCriteria, requestedAt: now } };
  }
  if (strategy === 'blue-green' && !run.switched) return undefined;
  return { type: 'DeploymentExecuted', data: { deploymentId, executedAt: now, targets: run.done.length } };
}

/**
 * The boundary before `wave`: each gate between waves opens for it (`ApprovalRequested` naming the wave), and the wave
 * waits (undefined) until every one of them has its approvers.
 */
function heldForApproval(deploymentId: string, run: Progress, wave: number, now: string): RunEvent | undefined | 'passed' {
  const opened = run.boundary?.wave === wave ? run.boundary.gates : [];
  const unopened = gatesBetweenWaves(run.plan).find((g) => !opened.some((o) => o.name === g.name));
  if (unopened) {
    const { name: gate, roles, minimumApprovers } = unopened;
    return { type: 'ApprovalRequested', data: { deploymentId, gate, roles, minimumApprovers, wave, requestedAt: now } };
  }
  return gatesPassed({ gates: opened }) ? 'passed' : undefined;
}

/**
 * A change after planning: a run that has not started is abandoned for it; a run in flight records it and holds at its
 * next wave boundary (`runningEvent`). Once all its waves are done (or being undone) there is no boundary left to hold
 * at. The same change twice is recorded once.
 */
function considerLateChange(command: Extract<RunCommand, { type: 'ConsiderLateChange' }>, run: DeploymentRun): RunEvent[] {
  const { deploymentId, fact, now } = command;
  // before the plan arrived only a revocation (of a verification or of the authorisation), which names this deployment, can be weighed
  const change = run.status === 'unplanned' ? aRevocationStopsTheRun(fact) : run.status === 'ended' ? undefined : lateChangeFor(fact, run);
  if (!change) return [];
  const detected: RunEvent = { type: 'LateChangeDetected', data: { deploymentId, reason: change.reason, detail: change.detail.slice(0, 2000), detectedAt: now } };
  switch (run.status) {
    case 'unplanned':
    case 'waiting':
      return [detected, { type: 'RunAbandoned', data: { deploymentId, reason: change.reason } }];
    case 'running':
      return run.lateChanges.some((c) => c.reason === change.reason && c.detail === detected.data.detail) ? [] : [detected];
    default:
      return [];
  }
}

/** A failure: rollback at once when the plan says automatic, otherwise a pause until a person decides. */
function onFailure(deploymentId: string, plan: DeploymentPlanned, reason: string, now: string): RunEvent {
  return plan.rollback === 'automatic'
    ? { type: 'RollbackStarted', data: { deploymentId, reason, startedAt: now } }
    : { type: 'RunPaused', data: { deploymentId, reason, by: EXECUTION, pausedAt: now } };
}

function recordStep(deploymentId: string, run: DeploymentRun, step: RunStep, outcome: StepOutcome, now: string): RunEvent[] {
  if (run.status === 'unplanned' || run.status === 'waiting' || run.status === 'ended') return [];
  // a deployment that was in flight when the run was aborted (or failed) did happen: recorded, so that it is undone too
  if (run.status === 'rolling-back' && (step.kind === 'deploy' || step.kind === 'remove') && outcome.status === 'succeeded' && !includesTarget(run.done, step)) {
    return [stepDone(deploymentId, run, step, now)];
  }
  // the step in flight when a person paused the run still counts
  const expected = run.status === 'rolling-back' ? nextStep(run) : nextStep({ ...run, pause: undefined });
  // a late or repeated result, for a step the run no longer waits for: nothing to record
  if (!expected || !sameStep(expected, step)) return [];
  switch (outcome.status) {
    case 'succeeded': {
      if (step.kind !== 'deploy') return [stepDone(deploymentId, run, step, now, outcome.snapshotRef)];
      const mismatch = installedMustBeWhatWasVerified({ sent: componentsToInstall(run), installed: outcome.installed });
      if (mismatch) return stepFailed(deploymentId, run, step, { reason: DIGEST_MISMATCH, detail: mismatch }, now);
      return [stepDone(deploymentId, run, step, now, outcome.snapshotRef, outcome.installed)];
    }
    case 'manual':
      return outcome.steps.map((m, i): RunEvent => ({
        type: 'ManualStepRequired',
        data: {
          deploymentId,
          stepId: `${'target' in step ? step.target : 'run'}/${step.kind}/${i + 1}`,
          wave: 'wave' in step ? step.wave : 0,
          target: 'target' in step ? step.target : 'run',
          action: step.kind.replace('-', ''),
          role: m.role,
          instruction: m.instruction,
          evidenceRequired: m.evidenceRequired,
          requestedAt: now,
        },
      }));
    case 'failed':
      return stepFailed(deploymentId, run, step, outcome, now);
  }
}

/** The event that records a step as done; a deployed target names the digests it reported installed. */
function stepDone(deploymentId: string, run: Started, step: RunStep, now: string, snapshotRef?: string, installed?: readonly InstalledComponent[]): RunEvent {
  const components = run.plan.components.map(({ name, version }): DeployedComponent => {
    const digest = installed?.find((i) => i.name === name && i.version === version)?.digest;
    return { name, version, ...(digest ? { digest } : {}) };
  });
  switch (step.kind) {
    case 'backup':
      return { type: 'BackupTaken', data: { deploymentId, snapshotRef: snapshotRef ?? `${deploymentId}-backup`, takenAt: now } };
    case 'deploy':
      return { type: 'TargetDeployed', data: { deploymentId, wave: step.wave, target: step.target, components } };
    case 'remove':
      return { type: 'ComponentsRemoved', data: { deploymentId, wave: step.wave, target: step.target, components } };
    case 'undo':
      return { type: 'TargetRolledBack', data: { deploymentId, wave: step.wave, target: step.target, rolledBackAt: now } };
    case 'switch-traffic':
      return { type: 'TrafficSwitched', data: { deploymentId, from: step.from, to: step.to, switchedAt: now } };
    case 'retire':
      return { type: 'SideRetired', data: { deploymentId, side: step.side, retiredAt: now } };
    case 'restore':
      return { type: 'BackupRestored', data: { deploymentId, snapshotRef: step.snapshotRef, restoredAt: now } };
  }
}

function stepFailed(deploymentId: string, run: Started, step: RunStep, outcome: { reason: string; detail?: string }, now: string): RunEvent[] {
  const detail = outcome.detail ? { detail: outcome.detail.slice(0, 2000) } : {};
  switch (step.kind) {
    case 'backup':
      // nothing changed yet: the run ends failed, with nothing to undo
      return [{ type: 'DeploymentFailed', data: { deploymentId, failedAt: now, reason: 'BackupFailed', ...detail } }];
    case 'deploy':
    case 'remove':
      return [
        { type: 'TargetDeploymentFailed', data: { deploymentId, wave: step.wave, target: step.target, reason: outcome.reason, ...detail, failedAt: now } },
        onFailure(deploymentId, run.plan, 'TargetDeploymentFailed', now),
      ];
    case 'switch-traffic':
      if (run.status === 'rolling-back') return [{ type: 'DeploymentFailed', data: { deploymentId, failedAt: now, reason: 'RollbackFailed', ...detail } }];
      return [onFailure(deploymentId, run.plan, 'TrafficSwitchFailed', now)];
    case 'retire':
      return [{ type: 'RunPaused', data: { deploymentId, reason: 'RetireFailed', by: EXECUTION, pausedAt: now } }];
    case 'undo':
    case 'restore':
      return [{ type: 'DeploymentFailed', data: { deploymentId, failedAt: now, reason: 'RollbackFailed', ...detail } }];
  }
}

function recordVerdict(command: Extract<RunCommand, { type: 'RecordVerdict' }>, run: DeploymentRun): RunEvent[] {
  const { deploymentId, check, verdict, wave, now } = command;
  const awaited =
    check === 'deployment'
      ? run.status === 'executed' && !run.verified
      : check === 'monitoring'
        ? run.status === 'executed' && run.watching === true
        : run.status === 'running' && run.awaiting === check && (check !== 'canary' || run.wave?.index === wave);
  if (!awaited) return [];
  const received: RunEvent = { type: 'VerificationOutcomeReceived', data: { deploymentId, check, verdict, ...(check === 'canary' ? { wave } : {}), receivedAt: now } };
  // the monitoring period's end: its regressions were weighed as they came (ConsiderRegression)
  if (verdict === 'pass' || check === 'monitoring') return [received];
  if (verdict === 'inconclusive') return [received, { type: 'RunPaused', data: { deploymentId, reason: 'CanaryAnalysisInconclusive', by: EXECUTION, pausedAt: now } }];
  const reason = check === 'canary' ? 'CanaryAnalysisFailed' : check === 'idle-side' ? 'IdleSideVerificationFailed' : 'DeploymentVerificationFailed';
  return [received, onFailure(deploymentId, planOf(run)!, reason, now)];
}

/** Approving or denying a gate that is not open now: one of the plan's that is not (or no longer) open, or none of its gates. */
function gateNotOpen(run: DeploymentRun, deploymentId: string, name: string): RunRefusal {
  const unknown = run.status === 'waiting' && !gatesBetweenWaves(run.plan).some((g) => g.name === name);
  return unknown ? { code: 'UnknownGate', deploymentId, gate: name } : { code: 'GateNotOpen', deploymentId, gate: name, status: run.status };
}

/** The boundary an approval or a denial is about: the wave it lets start (absent: the start of the run). */
const boundaryOf = (run: DeploymentRun) => (run.status === 'running' && run.boundary ? { wave: run.boundary.wave } : {});

function approve(command: Extract<RunCommand, { type: 'ApproveGate' }>, run: DeploymentRun): RunEvent[] | Refused<RunRefusal> {
  const { deploymentId, gate: name, by, roles, identityCase, comment, now } = command;
  const gate = openGates(run).find((g) => g.name === name);
  if (!gate) return refuse(gateNotOpen(run, deploymentId, name));
  // an open gate belongs to a planned run
  const plan = planOf(run)!;
  const refusal = firstViolation(approvalPolicy, { deploymentId, plan, gate, by, roles, identityCase });
  if (refusal) return refuse(refusal);
  const role = roleAllowedByGate(gate.roles, roles)!;
  // the same person counts once, however their subject is spelt; a passed gate needs nobody else
  if (gate.approvers.some((approver) => sameIdentity(approver, by, identityCase)) || gate.approvers.length >= gate.minimumApprovers) return [];
  return [{ type: 'ApprovalGranted', data: { deploymentId, gate: name, by, role, ...boundaryOf(run), ...(comment ? { comment } : {}), grantedAt: now } }];
}

/** A denial before the start ends the run unstarted; at a wave boundary it undoes the waves done. */
function deny(command: Extract<RunCommand, { type: 'DenyGate' }>, run: DeploymentRun): RunEvent[] | Refused<RunRefusal> {
  const { deploymentId, gate: name, by, roles, reason, now } = command;
  const gate = openGates(run).find((g) => g.name === name);
  if (!gate) return refuse(gateNotOpen(run, deploymentId, name));
  // an open gate belongs to a planned run
  const plan = planOf(run)!;
  const refusal = firstViolation(denialPolicy, { deploymentId, plan, gate, by, roles });
  if (refusal) return refuse(refusal);
  const role = roleAllowedByGate(gate.roles, roles)!;
  const denied: RunEvent = { type: 'ApprovalDenied', data: { deploymentId, gate: name, by, role, reason, ...boundaryOf(run), deniedAt: now } };
  return run.status === 'running'
    ? [denied, { type: 'RollbackStarted', data: { deploymentId, reason: 'ApprovalDenied', startedAt: now } }]
    : [denied, { type: 'RunAbandoned', data: { deploymentId, reason: 'ApprovalDenied' } }];
}

function abort(command: Extract<RunCommand, { type: 'AbortRun' }>, run: DeploymentRun): RunEvent[] | Refused<RunRefusal> {
  const { deploymentId, now } = command;
  switch (run.status) {
    case 'unplanned':
    case 'waiting':
      return [{ type: 'RunAbandoned', data: { deploymentId, reason: 'Aborted' } }];
    case 'running':
      return [{ type: 'RollbackStarted', data: { deploymentId, reason: 'Aborted', startedAt: now } }];
    case 'executed':
      // verified already: nothing left to abort but the old side's retirement
      return run.verified ? refuse({ code: 'RunNotRunning', deploymentId, status: run.status }) : [{ type: 'RollbackStarted', data: { deploymentId, reason: 'Aborted', startedAt: now } }];
    case 'rolling-back':
      return [];
    case 'ended':
      return refuse({ code: 'RunEnded', deploymentId, outcome: run.outcome });
  }
}

/**
 * A regression in the monitoring period: the plan says whether a deployment manager decides (the run is held, once for
 * however many regressions until the decision) or it is rolled back at once. A run without a monitoring period, or
 * whose period is over, is not changed by it.
 */
function considerRegression(command: Extract<RunCommand, { type: 'ConsiderRegression' }>, run: DeploymentRun): RunEvent[] {
  const { deploymentId, now } = command;
  if (run.status !== 'executed' || !run.watching || run.pause) return [];
  return run.plan.monitoring?.onRegression === 'rollback'
    ? [{ type: 'RollbackStarted', data: { deploymentId, reason: REGRESSION_DETECTED, startedAt: now } }]
    : [{ type: 'RunPaused', data: { deploymentId, reason: REGRESSION_DETECTED, by: EXECUTION, pausedAt: now } }];
}

function decideRollback(command: Extract<RunCommand, { type: 'DecideRollback' }>, run: DeploymentRun): RunEvent[] | Refused<RunRefusal> {
  const { deploymentId, rollback, by, now } = command;
  if ((run.status !== 'running' && run.status !== 'executed') || !run.pause) return refuse({ code: 'NoDecisionPending', deploymentId });
  // a late change or a regression after the run was verified: the deployment manager weighs it
  const late = isLateChange(run.pause.reason) || run.pause.reason === REGRESSION_DETECTED;
  if (late && !command.roles.includes(LATE_CHANGE_DECIDER)) return refuse({ code: 'RoleMayNotDecide', deploymentId, reason: run.pause.reason, role: LATE_CHANGE_DECIDER });
  // after an inconclusive analysis, a late change or a regression, not rolling back is going on (a verified run then ends as it would have)
  const goesOn = run.pause.reason === 'CanaryAnalysisInconclusive' || late;
  if (!goesOn && RESUMABLE_PAUSES.includes(run.pause.reason)) return refuse({ code: 'NoDecisionPending', deploymentId });
  const decided: RunEvent = { type: 'RollbackDecided', data: { deploymentId, rollback, by, decidedAt: now } };
  if (rollback) return [decided, { type: 'RollbackStarted', data: { deploymentId, reason: run.pause.reason, startedAt: now } }];
  if (goesOn) return [decided, { type: 'RunResumed', data: { deploymentId, by, resumedAt: now } }];
  return [decided, { type: 'DeploymentFailed', data: { deploymentId, failedAt: now, reason: 'RollbackDeclined', detail: `after ${run.pause.reason}` } }];
}

/** Evidence names the sha256 of the document it refers to, so that what was shown cannot be swapped later: the first item without one. */
export const evidenceMustCarryItsDigest: Rule<readonly Evidence[], number> = (evidence) => {
  const index = evidence.findIndex((e) => !e.digest);
  return index < 0 ? undefined : index;
};

/** A supplier's engineer performs only the steps in their organisation's scope, and only for an organisation that is registered. */
const supplierMustWorkInItsScope = (supplier: ActingForSupplier, plan: DeploymentPlanned, target: string, deploymentId: string, stepId: string): RunRefusal | undefined => {
  const { organisation, scope } = supplier;
  if (organisation === undefined || scope === undefined) return { code: 'UnknownSupplier', deploymentId, stepId, organisation: organisation ?? null };
  const outside = stepOutsideSupplierScope(scope, plan, target);
  return outside && { code: 'OutsideSupplierScope', deploymentId, stepId, organisation, ...outside };
};

function completeManualStep(command: Extract<RunCommand, { type: 'CompleteManualStep' }>, run: DeploymentRun): RunEvent[] | Refused<RunRefusal> {
  const { deploymentId, stepId, by, roles, evidence, supplier, now } = command;
  if (run.status !== 'running' && run.status !== 'executed' && run.status !== 'rolling-back') return refuse({ code: 'UnknownManualStep', deploymentId, stepId });
  const item = run.manual.find((m) => m.stepId === stepId);
  if (!item) return refuse({ code: 'UnknownManualStep', deploymentId, stepId });
  if (!roles.includes(item.role)) return refuse({ code: 'RoleMayNotCompleteStep', deploymentId, stepId, role: item.role });
  const outOfScope = supplier && supplierMustWorkInItsScope(supplier, run.plan, item.target, deploymentId, stepId);
  if (outOfScope) return refuse(outOfScope);
  if (item.completed) return [];
  if (item.evidenceRequired && evidence.length === 0) return refuse({ code: 'EvidenceRequired', deploymentId, stepId });
  const undigested = evidenceMustCarryItsDigest(evidence);
  if (undigested !== undefined) return refuse({ code: 'EvidenceDigestRequired', deploymentId, stepId, evidence: undigested });
  const organisation = supplier?.organisation;
  const completed: RunEvent = { type: 'ManualStepCompleted', data: { deploymentId, stepId, by, evidence, completedAt: now, ...(organisation ? { organisation } : {}) } };
  const step = nextStep({ ...run, manual: [] });
  const allDone = run.manual.every((m) => m.completed || m.stepId === stepId);
  return allDone && step ? [completed, stepDone(deploymentId, run, step, now)] : [completed];
}

export const deploymentRunDecider: Decider<RunCommand, RunEvent, DeploymentRun, RunRefusal> = { decide, evolve, initialState };
