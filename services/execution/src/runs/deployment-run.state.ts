import { isLateChange } from './late-changes';
import type { BlueGreenSide, DeploymentPlanned, EventPayloads, ExecutionEventPayloads, Readiness, VerifiedComponent, Window } from '@gantry/contracts';

/** Every event of a DeploymentRun stream: the execution service's own events. */
/** Execution's events about a run (a supplier's events belong to the Supplier aggregate, a site's and a delivery's to PhysicalReadiness). */
type RunEventName = Exclude<
  keyof ExecutionEventPayloads,
  'SupplierRegistered' | 'SupplierUpdated' | 'SiteCheckAnswered' | 'DeliveryReceived' | 'DeliveryDiscrepancyRecorded' | 'DeliveryDiscrepancyResolved' | 'PhysicalReadinessConfirmed' | 'UnitsInstalled'
>;
export type RunEvent = { [N in RunEventName]: { type: N; data: EventPayloads[N] } }[RunEventName];

/** A gate waiting for approvals: `approvers` are the distinct people who approved it so far. */
export interface GateState {
  name: string;
  roles: string[];
  minimumApprovers: number;
  approvers: string[];
}

/**
 * A wave boundary held for the gates between waves: `wave` is the wave that starts once every gate opened for it has
 * its approvers. Approvals count for this boundary only; the next one opens the gates afresh.
 */
export interface Boundary {
  wave: number;
  gates: GateState[];
}

/** Manual work a person must complete before the step it belongs to counts as done. */
export interface ManualItem {
  stepId: string;
  /** the target the work is done on: where a supplier's scope is checked */
  target: string;
  role: string;
  /** what the person does, as the executor asked it (the model's instruction for the target, or the step itself) */
  instruction: string;
  evidenceRequired: boolean;
  completed: boolean;
}

/** What is known once the plan arrived: readiness, gates, the window and whether adherence was missed in it. */
export interface Planned {
  plan: DeploymentPlanned;
  window: Window;
  confirmed: Readiness[];
  /** the component versions as verification verified them (digest, signature); absent from runs recorded before */
  verifiedComponents?: VerifiedComponent[];
  gates: GateState[];
  /** ScheduleMissed recorded for the current window */
  missed: boolean;
  /** blue-green: the side serving traffic when the run was prepared (RunPrepared); the run deploys to the other one */
  liveSide: BlueGreenSide;
}

/** A deployed (or removed) target: what a rollback undoes, in reverse order. */
export interface TargetRef {
  wave: number;
  target: string;
}

/** A started run's progress through backup, waves, analyses and (blue-green) the traffic switch. */
export interface Progress extends Planned {
  startedAt: string;
  backup?: string;
  /** the wave under way or last completed */
  wave?: { index: number; completed: boolean };
  /** the boundary before the next wave, while its gates between waves wait for approvals */
  boundary?: Boundary;
  done: TargetRef[];
  /** canary steps whose analysis arrived (any verdict) */
  analysed: number[];
  awaiting?: 'canary' | 'idle-side';
  idleRequested: boolean;
  idleVerified: boolean;
  switched: boolean;
  /** the run starts no further step until resumed or decided */
  pause?: { reason: string };
  /** the pause was for the window closing: later wave boundaries do not pause again */
  pausedForWindow: boolean;
  manual: ManualItem[];
  /** late changes detected while running (LateChangeDetected), and how many of them a pause has held the run for */
  lateChanges: { reason: string; detail: string }[];
  held: number;
  /** failed attempts per step (only a retirement is retried, after a resume) */
  failedAttempts: Record<string, number>;
}

export interface Undoing {
  reason: string;
  undone: TargetRef[];
  switchedBack: boolean;
  restored: boolean;
}

export type RunOutcome = 'abandoned' | 'succeeded' | 'rolled-back' | 'failed';

/**
 * DeploymentRun: the execution of one planned deployment (domain.md, steps 5–6).
 * `unplanned`: verifications arrived before the plan; `waiting`: for readiness, gates and the window; `running`:
 * started, through backup and waves; `executed`: every wave done, verification decides (then the plan's monitoring
 * period, if it has one; blue-green then retires the old side); `rolling-back`: undoing; `ended`: with its outcome.
 */
export type DeploymentRun =
  | { status: 'unplanned'; confirmed: Readiness[]; verifiedComponents?: VerifiedComponent[] }
  | ({ status: 'waiting' } & Planned)
  | ({ status: 'running' } & Progress)
  /** `watching`: verified, in the plan's monitoring period; the run stays open for a decision on a regression until it ends */
  | ({ status: 'executed'; verified: boolean; watching?: boolean } & Progress)
  | ({ status: 'rolling-back' } & Progress & Undoing)
  | { status: 'ended'; outcome: RunOutcome; reason?: string; plan?: DeploymentPlanned };

export const initialState: DeploymentRun = { status: 'unplanned', confirmed: [] };

/** The reason a deploy step fails when its target did not report installing the bytes verified. */
export const DIGEST_MISMATCH = 'DigestMismatch';

/** Blue-green: the side live before any deployment recorded one (and in runs prepared before sides were kept). */
export const FIRST_LIVE_SIDE: BlueGreenSide = 'blue';

/** The side that is not `side`: where a blue-green run deploys, beside the live one. */
export const otherSide = (side: BlueGreenSide): BlueGreenSide => (side === 'blue' ? 'green' : 'blue');

/** Pauses that a person ends with ResumeRun; any other pause reason (a failure code) needs DecideRollback. */
export const RESUMABLE_PAUSES = ['Requested', 'WindowClosed', 'RetireFailed', 'CanaryAnalysisInconclusive'];

export const decisionPending = (run: Progress): boolean => run.pause !== undefined && !RESUMABLE_PAUSES.includes(run.pause.reason) ;

/**
 * A component version as an executor receives it: the bytes to install (the digest verification verified, else the
 * one the request named) and, where it is signed, the signature and its key, so that the target can check them too.
 */
export interface ComponentToInstall {
  name: string;
  version: string;
  kind: DeploymentPlanned['components'][number]['kind'];
  digest?: string;
  signature?: string;
  keyId?: string;
}

export const componentsToInstall = (run: Pick<Planned, 'plan' | 'verifiedComponents'>): ComponentToInstall[] =>
  run.plan.components.map(({ name, version, kind, digest }) => {
    const verified = run.verifiedComponents?.find((v) => v.name === name && v.version === version);
    const bytes = verified?.digest ?? digest;
    return {
      name,
      version,
      kind,
      ...(bytes ? { digest: bytes } : {}),
      ...(verified?.signature && verified.keyId ? { signature: verified.signature, keyId: verified.keyId } : {}),
    };
  });

/** A physical deployment: one that puts hardware in place, whose sites and delivery must be ready before its run starts. */
export const needsPhysicalReadiness = (plan: Pick<DeploymentPlanned, 'components'>) => plan.components.some((c) => c.kind === 'hardware');

export const planOf = (run: DeploymentRun): DeploymentPlanned | undefined => (run.status === 'unplanned' ? undefined : run.plan);

const sameTarget = (a: TargetRef, b: TargetRef) => a.wave === b.wave && a.target === b.target;
export const includesTarget = (list: readonly TargetRef[], ref: TargetRef) => list.some((r) => sameTarget(r, ref));

const started = (run: Planned, startedAt: string): Progress => ({
  ...run,
  startedAt,
  done: [],
  analysed: [],
  idleRequested: false,
  idleVerified: false,
  switched: false,
  pausedForWindow: false,
  manual: [],
  lateChanges: [],
  held: 0,
  failedAttempts: {},
});

const ended = (run: DeploymentRun, outcome: RunOutcome, reason?: string): DeploymentRun => ({
  status: 'ended',
  outcome,
  ...(reason ? { reason } : {}),
  ...(planOf(run) ? { plan: planOf(run) } : {}),
});

/** Applies one recorded event. Events that do not fit the state (a late duplicate) leave it as it is. */
export function evolve(state: DeploymentRun, event: RunEvent): DeploymentRun {
  switch (event.type) {
    case 'RunPrepared':
      return state.status === 'unplanned'
        ? {
            status: 'waiting',
            plan: event.data.plan,
            window: event.data.plan.window,
            confirmed: state.confirmed,
            ...(state.verifiedComponents ? { verifiedComponents: state.verifiedComponents } : {}),
            gates: [],
            missed: false,
            liveSide: event.data.liveSide ?? FIRST_LIVE_SIDE,
          }
        : state;
    case 'ReadinessConfirmed':
      return state.status === 'unplanned' || state.status === 'waiting'
        ? { ...state, confirmed: [...state.confirmed, event.data.readiness], ...(event.data.components ? { verifiedComponents: event.data.components } : {}) }
        : state;
    case 'ApprovalRequested': {
      const { gate, roles, minimumApprovers, wave } = event.data;
      const opened: GateState = { name: gate, roles, minimumApprovers, approvers: [] };
      if (wave === undefined) return state.status === 'waiting' ? { ...state, gates: [...state.gates, opened] } : state;
      if (state.status !== 'running') return state;
      const earlier = state.boundary?.wave === wave ? state.boundary.gates : [];
      return { ...state, boundary: { wave, gates: [...earlier, opened] } };
    }
    case 'ApprovalGranted': {
      const approved = (gates: GateState[]) => gates.map((g) => (g.name === event.data.gate ? { ...g, approvers: [...g.approvers, event.data.by] } : g));
      if (event.data.wave === undefined) return state.status === 'waiting' ? { ...state, gates: approved(state.gates) } : state;
      return state.status === 'running' && state.boundary?.wave === event.data.wave ? { ...state, boundary: { ...state.boundary, gates: approved(state.boundary.gates) } } : state;
    }
    case 'ApprovalDenied':
      return state;
    case 'RunAbandoned':
      return ended(state, 'abandoned', event.data.reason);
    case 'LateChangeDetected':
      return state.status === 'running' ? { ...state, lateChanges: [...state.lateChanges, { reason: event.data.reason, detail: event.data.detail }] } : state;
    case 'RunRescheduled':
      return state.status === 'waiting' ? { ...state, window: event.data.window, missed: false } : state;
    case 'ScheduleMissed':
      return state.status === 'waiting' || state.status === 'running' ? { ...state, missed: true } : state;
    case 'DeploymentStarted':
      return state.status === 'waiting' ? { ...started(state, event.data.startedAt), status: 'running' } : state;
    case 'BackupTaken':
      // the step done: its manual work (a backup taken by hand) is over, as for every step
      return state.status === 'running' ? { ...state, backup: event.data.snapshotRef, manual: [] } : state;
    case 'WaveStarted':
      return state.status === 'running' ? { ...state, wave: { index: event.data.wave, completed: false }, boundary: undefined } : state;
    case 'TargetDeployed':
    case 'ComponentsRemoved':
      return state.status === 'running' || state.status === 'rolling-back'
        ? { ...state, done: [...state.done, { wave: event.data.wave, target: event.data.target }], manual: state.status === 'running' ? [] : state.manual }
        : state;
    case 'TargetDeploymentFailed':
      if (state.status !== 'running') return state;
      // a target that installed other bytes than those verified has changed: the rollback undoes it too
      return event.data.reason === DIGEST_MISMATCH ? { ...state, manual: [], done: [...state.done, { wave: event.data.wave, target: event.data.target }] } : { ...state, manual: [] };
    case 'WaveCompleted':
      return state.status === 'running' && state.wave ? { ...state, wave: { ...state.wave, completed: true } } : state;
    case 'CanaryAnalysisRequested':
      return state.status === 'running' ? { ...state, awaiting: 'canary' } : state;
    case 'IdleSideVerificationRequested':
      return state.status === 'running' ? { ...state, awaiting: 'idle-side', idleRequested: true } : state;
    case 'VerificationOutcomeReceived':
      return received(state, event.data);
    case 'TrafficSwitched':
      if (state.status === 'running') return { ...state, switched: true, manual: [] };
      return state.status === 'rolling-back' ? { ...state, switchedBack: true, manual: [] } : state;
    case 'DeploymentExecuted':
      return state.status === 'running' ? { ...state, status: 'executed', verified: false } : state;
    case 'SideRetired':
      return state.status === 'executed' ? ended(state, 'succeeded') : state;
    case 'RunPaused': {
      if (state.status !== 'running' && state.status !== 'executed') return state;
      const failedAttempts =
        event.data.reason === 'RetireFailed' ? { ...state.failedAttempts, retire: (state.failedAttempts.retire ?? 0) + 1 } : state.failedAttempts;
      const held = isLateChange(event.data.reason) ? state.lateChanges.length : state.held;
      return { ...state, pause: { reason: event.data.reason }, pausedForWindow: state.pausedForWindow || event.data.reason === 'WindowClosed', held, failedAttempts };
    }
    case 'RollbackDecided':
      // a decision to roll back keeps a verified run open for the rollback that follows it (its period may be over)
      if (event.data.rollback) return state;
      if (state.status === 'executed') return settled({ ...state, pause: undefined });
      return state.status === 'running' ? { ...state, pause: undefined } : state;
    case 'RunResumed':
      if (state.status === 'executed') return settled({ ...state, pause: undefined });
      return state.status === 'running' ? { ...state, pause: undefined } : state;
    case 'RollbackStarted':
      return state.status === 'running' || state.status === 'executed'
        ? { ...state, status: 'rolling-back', reason: event.data.reason, undone: [], switchedBack: false, restored: false, pause: undefined, awaiting: undefined, manual: [], boundary: undefined }
        : state;
    case 'TargetRolledBack':
      return state.status === 'rolling-back' ? { ...state, undone: [...state.undone, { wave: event.data.wave, target: event.data.target }], manual: [] } : state;
    case 'BackupRestored':
      return state.status === 'rolling-back' ? { ...state, restored: true, manual: [] } : state;
    case 'RolledBack':
      return ended(state, 'rolled-back', event.data.reason);
    case 'DeploymentFailed':
      return ended(state, 'failed', event.data.reason);
    case 'ManualStepRequired': {
      if (state.status !== 'running' && state.status !== 'executed' && state.status !== 'rolling-back') return state;
      const { stepId, target, role, instruction, evidenceRequired } = event.data;
      return { ...state, manual: [...state.manual, { stepId, target, role, instruction, evidenceRequired, completed: false }] };
    }
    case 'ManualStepCompleted':
      return state.status === 'running' || state.status === 'executed' || state.status === 'rolling-back'
        ? { ...state, manual: state.manual.map((m) => (m.stepId === event.data.stepId ? { ...m, completed: true } : m)) }
        : state;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

function received(state: DeploymentRun, outcome: EventPayloads['VerificationOutcomeReceived']): DeploymentRun {
  switch (outcome.check) {
    case 'canary':
      return state.status === 'running' ? { ...state, awaiting: undefined, analysed: [...state.analysed, outcome.wave ?? 0] } : state;
    case 'idle-side':
      return state.status === 'running' ? { ...state, awaiting: undefined, idleVerified: outcome.verdict === 'pass' } : state;
    case 'deployment':
      if (state.status !== 'executed' || outcome.verdict !== 'pass') return state;
      return settled({ ...state, verified: true, ...(state.plan.monitoring ? { watching: true } : {}) });
    case 'monitoring':
      return state.status === 'executed' && state.watching ? settled({ ...state, watching: false }) : state;
  }
}

/**
 * A verified run ends once its monitoring period is over and no decision on a regression is pending; blue-green first
 * retires the old side (kept through the period, for a quick way back).
 */
function settled(run: Extract<DeploymentRun, { status: 'executed' }>): DeploymentRun {
  if (!run.verified || run.watching || run.pause || run.plan.strategy === 'blue-green') return run;
  return ended(run, 'succeeded');
}
