import { allViolations, refuse, type Decider, type Policy, type Refused, type Rule } from '@gantry/decider';
import {
  eventNameOf,
  LATE_CHANGES,
  type AcceptanceResultsReported,
  type BlueGreenSide,
  type ChangeImplementationCorrected,
  type ChangeImplementationHeld,
  type ChangeImplementationReported,
  closeCodeOf,
  type CloseCode,
  type Component,
  type DeliveredUnits,
  type ComponentsVerified,
  type ConfigurationChange,
  type ConfigurationItemsChanged,
  type CriterionOutcome,
  type DeployedComponent,
  type DeploymentOutcome,
  type DeploymentPlanned,
  type DeploymentRecordClosed,
  type DeploymentRequested,
  type EnvironmentKind,
  type Evidence,
  type ManualStepCompleted,
  type ManualStepRequired,
  type ModelRef,
  type MonitoringPeriodEnded,
  type MonitoringPeriodStarted,
  type MonitoringRegression,
  type RegressionDetected,
  type ReleaseDeploymentReported,
  type TargetDeployed,
  type TargetKind,
  type ChainStage,
  type TrafficSwitched,
  type UnitsInstalled,
  type Window,
} from '@gantry/contracts';
import type { CloudEventEnvelope as CloudEvent } from '@gantry/contracts';

/**
 * A deployment record: what happened to one deployment, folded from the ledger's events of every service.
 * The same fold serves the live projection and the rebuild an auditor asks for, so the two cannot disagree.
 */
export interface DeploymentRecord {
  deploymentId: string;
  changeId?: string;
  releaseId?: string;
  service?: string;
  environment?: string;
  /** the environment's kind as planned (its snapshot in DeploymentPlanned): DORA's figures count by kind, not by name */
  environmentKind?: EnvironmentKind;
  /** when the change was committed, as the request said: DORA's lead time for changes starts here */
  commitTime?: string;
  /** install, upgrade or removal (a removal takes the components out of the environment) */
  kind?: DeploymentRequested['kind'];
  /** the component versions (and digests) the deployment moves */
  components?: DeploymentRequested['components'];
  model?: ModelRef | null;
  requestedBy?: string;
  requestedAt?: string;
  /** the window asked for (the plan's scheduled window once planned) */
  window?: Window;
  /** the stage of a chained promotion the deployment is (planning's `chain`): its chain is `GET /audit/chains/:chainId` */
  chain?: ChainStage;
  /** when execution started and finished */
  startedAt?: string;
  executedAt?: string;
  /** when verification found the deployment meets its acceptance criteria (lead time ends here) */
  verifiedAt?: string;
  /** when the outcome became known: the time of the event that decided it */
  endedAt?: string;
  /** who approved at which gate (ApprovalGranted); `wave`: at the boundary before that wave; `comment`: the approver's words */
  approvals?: { gate: string; by: string; role: string; wave?: number; comment?: string; grantedAt: string }[];
  /** the furthest step of the process the deployment reached */
  phase: 'unknown' | 'requested' | 'planned' | 'verified-for-execution' | 'executing' | 'executed' | 'verified' | 'failed' | 'closed';
  /** what changed after planning, as execution recorded it (LateChangeDetected) */
  lateChanges?: { reason: string; detail: string; detectedAt: string }[];
  /**
   * the run held at a wave boundary for a late change (RunPaused for it), for a deployment manager's decision;
   * `reported`: change enablement was told (ChangeImplementationHeld came back)
   */
  holds?: { reason: string; detail: string; heldAt: string; reported?: true }[];
  /** the component versions as verification verified them (ComponentsVerified): the authorised repository's digests */
  verifiedComponents?: { name: string; version: string; digest?: string }[];
  /** the targets the plan's waves name, with their kinds as its environment snapshot gave them */
  plannedTargets?: { name: string; kind: TargetKind }[];
  /**
   * each target the run reached: the component versions deployed there (with the digests the executor reported
   * installed, TargetDeployed) or removed from it (ComponentsRemoved), and whether a rollback undid it (TargetRolledBack)
   */
  targetsReached?: { name: string; action: 'deployed' | 'removed'; components: DeployedComponent[]; rolledBack?: true }[];
  /**
   * blue-green: the side serving the service after the deployment's last traffic switch (TrafficSwitched): the side it
   * deployed to, or after a rollback the side switched back to
   */
  liveSide?: BlueGreenSide;
  /** manual work at the targets (ManualStepRequired), with its evidence once completed (ManualStepCompleted) */
  manualSteps?: { stepId: string; target: string; evidence?: Evidence[] }[];
  /** hardware units installed at each target, by serial (UnitsInstalled) */
  unitsInstalled?: InstalledUnits[];
  /**
   * verification's verdict on the acceptance criteria after execution (DeploymentVerified: all met, or
   * DeploymentVerificationFailed), with each criterion's outcome; `reported`: service validation and testing was told
   */
  acceptance?: { verdict: AcceptanceResultsReported['verdict']; criteria: CriterionOutcome[]; evaluatedAt: string; reported?: true };
  /**
   * the monitoring period after the deployment was verified (early life support): `since`, `until` (its planned end
   * while under way, when it ended once ended), its status and the regressions verification detected in it
   */
  monitoring?: Monitoring;
  /** the outcome the record closes with, once known */
  outcome?: DeploymentOutcome;
  cause?: string;
  closedAt?: string;
  events: number;
}

/** A regression of a signal at one look of the monitoring period. */
export interface Regression {
  signal: string;
  look: number;
  reason: string;
  at: string;
}

export interface Monitoring {
  since: string;
  until: string;
  status: 'in-monitoring' | MonitoringPeriodEnded['verdict'];
  regressions: Regression[];
}

/** The hardware units at one target, by component and serial. */
export interface InstalledUnits {
  target: string;
  units: DeliveredUnits[];
}

/** Adds the units installed at a target to those recorded before, each serial once. */
const withUnitsInstalled = (known: readonly InstalledUnits[], { target, units }: UnitsInstalled): InstalledUnits[] => {
  const before = known.find((k) => k.target === target)?.units ?? [];
  const components = [...new Set([...before, ...units].map((u) => u.component))];
  const merged = components.map((component) => ({
    component,
    serials: [...new Set([...before, ...units].filter((u) => u.component === component).flatMap((u) => u.serials))],
  }));
  return [...known.filter((k) => k.target !== target), { target, units: merged }];
};

export const emptyRecord = (deploymentId: string): DeploymentRecord => ({ deploymentId, phase: 'unknown', events: 0 });

/** When the event that decides an outcome happened: its own time field, else the CloudEvents time. */
const timeOf = (event: CloudEvent, field?: string): string | undefined => {
  const value = field ? (event.data as Record<string, unknown>)[field] : undefined;
  return typeof value === 'string' ? new Date(value).toISOString() : event.time;
};

/** Records the outcome and when it became known; the first outcome's time stays. */
const ended = (record: DeploymentRecord, event: CloudEvent, field?: string) => {
  const at = timeOf(event, field);
  return record.endedAt || !at ? {} : { endedAt: at };
};

/**
 * Why execution abandons a run that no other event closes: an abort before the start, and a late change (a freeze
 * added over the window, a decommission, the key that signed the change's authorisation revoked). A revoked verification is a late change too, but only execution knows
 * whether the run had started (then it holds at its next wave boundary and the run's own end closes the record): its
 * RunAbandoned closes the record `failed`, the components being at fault rather than the circumstances.
 */
const RUN_ABANDONED_ON_ITS_OWN = ['Aborted', 'FreezePeriod', 'EnvironmentDecommissioned', 'AuthorisationRevoked'];

/** Folds one ledger event into the record. Events of other practices that name the deployment just count. */
export function evolveRecord(record: DeploymentRecord, event: CloudEvent): DeploymentRecord {
  const next = { ...record, events: record.events + 1 };
  const data = event.data as Record<string, unknown>;
  switch (eventNameOf(event.type)) {
    case 'DeploymentRequested': {
      const request = data as unknown as DeploymentRequested;
      return {
        ...next,
        changeId: request.changeId,
        ...(request.releaseId ? { releaseId: request.releaseId } : {}),
        service: request.service,
        environment: request.environment,
        kind: request.kind,
        components: request.components,
        window: next.window ?? request.window,
        requestedBy: request.requestedBy,
        requestedAt: request.requestedAt,
        ...(request.commitTime ? { commitTime: request.commitTime } : {}),
        ...(request.chain ? { chain: request.chain } : {}),
        phase: next.phase === 'unknown' ? 'requested' : next.phase,
      };
    }
    case 'DeploymentPlanned': {
      const plan = data as unknown as DeploymentPlanned;
      const inWaves = new Set((plan.waves ?? []).flatMap((w) => w.targets));
      const plannedTargets = (plan.environmentSnapshot?.targets ?? []).filter((t) => inWaves.has(t.name)).map(({ name, kind }) => ({ name, kind }));
      return {
        ...next,
        model: plan.model,
        window: plan.window,
        ...(plan.environmentSnapshot ? { environmentKind: plan.environmentSnapshot.kind } : {}),
        ...(plannedTargets.length > 0 ? { plannedTargets } : {}),
        phase: advance(next.phase, 'planned'),
      };
    }
    case 'DeploymentRejected':
      // planning refused the request: no plan and no model, the record closes `rejected` with the reason
      return { ...next, ...ended(next, event, 'rejectedAt'), model: next.model ?? null, phase: advance(next.phase, 'failed'), outcome: 'rejected', cause: `DeploymentRejected: ${String(data.reason)}` };
    case 'DeploymentCancelled':
      // cancelled before it started (planning refuses later cancellations); a known outcome is not overwritten
      return next.outcome ? next : { ...next, ...ended(next, event, 'cancelledAt'), model: next.model ?? null, phase: advance(next.phase, 'failed'), outcome: 'cancelled', cause: `DeploymentCancelled: ${String(data.reason)}` };
    case 'ComponentsVerified': {
      const verifiedComponents = (data as unknown as ComponentsVerified).components.map(({ name, version, digest }) => ({ name, version, ...(digest ? { digest } : {}) }));
      return { ...next, verifiedComponents, phase: advance(next.phase, 'verified-for-execution') };
    }
    case 'TargetEnvironmentVerified':
      return { ...next, phase: advance(next.phase, 'verified-for-execution') };
    case 'TargetDeployed':
    case 'ComponentsRemoved': {
      const { target, components } = data as unknown as TargetDeployed;
      const reached = { name: target, action: eventNameOf(event.type) === 'TargetDeployed' ? ('deployed' as const) : ('removed' as const), components };
      return { ...next, targetsReached: [...(next.targetsReached ?? []).filter((t) => t.name !== target), reached] };
    }
    case 'TrafficSwitched':
      return { ...next, liveSide: (data as unknown as TrafficSwitched).to };
    case 'TargetRolledBack':
      return { ...next, targetsReached: (next.targetsReached ?? []).map((t) => (t.name === data.target ? { ...t, rolledBack: true as const } : t)) };
    case 'ManualStepRequired': {
      const { stepId, target } = data as unknown as ManualStepRequired;
      return { ...next, manualSteps: [...(next.manualSteps ?? []).filter((m) => m.stepId !== stepId), { stepId, target }] };
    }
    case 'ManualStepCompleted': {
      const { stepId, evidence } = data as unknown as ManualStepCompleted;
      return { ...next, manualSteps: (next.manualSteps ?? []).map((m) => (m.stepId === stepId && evidence.length > 0 ? { ...m, evidence } : m)) };
    }
    case 'UnitsInstalled':
      return { ...next, unitsInstalled: withUnitsInstalled(next.unitsInstalled ?? [], data as unknown as UnitsInstalled) };
    case 'ComponentVerificationFailed':
    case 'TargetEnvironmentVerificationFailed':
      return { ...next, ...ended(next, event), phase: advance(next.phase, 'failed'), outcome: 'failed', cause: eventNameOf(event.type) };
    case 'DeploymentStarted':
      return { ...next, startedAt: String(data.startedAt), phase: advance(next.phase, 'executing') };
    case 'DeploymentExecuted':
      return { ...next, executedAt: String(data.executedAt), phase: advance(next.phase, 'executed') };
    case 'DeploymentVerified':
      // a rollback in the monitoring period may reach the ledger before the verification it follows
      return { ...next, ...ended(next, event, 'verifiedAt'), ...verdict(next, event, 'met'), verifiedAt: timeOf(event, 'verifiedAt'), phase: advance(next.phase, 'verified'), outcome: next.outcome === 'rolled-back' ? next.outcome : 'succeeded' };
    case 'DeploymentVerificationFailed':
      // execution rolls back, or waits for a decision: its RolledBack or DeploymentFailed decides the outcome
      return { ...next, ...verdict(next, event, 'failed') };
    case 'AcceptanceResultsReported':
      return next.acceptance ? { ...next, acceptance: { ...next.acceptance, reported: true } } : next;
    // execution ends every started run in exactly one of DeploymentExecuted (verification then decides), RolledBack
    // or DeploymentFailed; a run that never started ends in RunAbandoned
    case 'RolledBack': {
      // a rollback for a denial between waves names the gate denied, which the denial recorded as the cause
      const cause = data.reason === 'ApprovalDenied' && next.cause ? next.cause : String(data.reason);
      // a rollback in the monitoring period overturns the success the record closed with; when the outcome became known stays
      return { ...next, ...ended(next, event, 'rolledBackAt'), phase: advance(next.phase, 'failed'), outcome: 'rolled-back', cause: `RolledBack: ${cause}` };
    }
    case 'MonitoringPeriodStarted': {
      const period = data as unknown as MonitoringPeriodStarted;
      const over = next.monitoring && next.monitoring.status !== 'in-monitoring' ? { until: next.monitoring.until, status: next.monitoring.status } : { until: period.endsAt, status: 'in-monitoring' as const };
      return { ...next, monitoring: { since: period.startedAt, ...over, regressions: next.monitoring?.regressions ?? [] } };
    }
    case 'RegressionDetected': {
      const regression = data as unknown as RegressionDetected;
      const monitoring = next.monitoring ?? { since: regression.detectedAt, until: regression.detectedAt, status: 'in-monitoring' as const, regressions: [] };
      if (monitoring.regressions.some((r) => r.signal === regression.signal && r.look === regression.look)) return next;
      const found: Regression = { signal: regression.signal, look: regression.look, reason: regression.reason, at: regression.detectedAt };
      return { ...next, monitoring: { ...monitoring, regressions: [...monitoring.regressions, found] } };
    }
    case 'MonitoringPeriodEnded': {
      const end = data as unknown as MonitoringPeriodEnded;
      const monitoring = next.monitoring ?? { since: end.endedAt, until: end.endedAt, status: 'in-monitoring' as const, regressions: [] };
      return { ...next, monitoring: { ...monitoring, until: end.endedAt, status: end.verdict } };
    }
    case 'DeploymentFailed':
      return { ...next, ...ended(next, event, 'failedAt'), phase: advance(next.phase, 'failed'), outcome: 'failed', cause: `DeploymentFailed: ${String(data.reason)}` };
    case 'ApprovalDenied': {
      const cause = `ApprovalDenied: ${String(data.gate)}`;
      if (next.outcome) return next;
      // denied between waves: the run rolls back what it deployed, and RolledBack decides the outcome
      if (next.startedAt) return { ...next, cause };
      return { ...next, ...ended(next, event, 'deniedAt'), phase: advance(next.phase, 'failed'), outcome: 'rejected', cause };
    }
    case 'RunAbandoned': {
      // the event that made execution abandon the run (a failed verification, a cancellation, a denial) carries the
      // outcome, and may arrive later on its own topic; an abort or a late change before the start has no other event
      const reason = String(data.reason);
      if (next.outcome) return next;
      if (reason === 'ComponentVerificationRevoked') return { ...next, ...ended(next, event, 'abandonedAt'), phase: advance(next.phase, 'failed'), outcome: 'failed', cause: reason };
      return RUN_ABANDONED_ON_ITS_OWN.includes(reason) ? { ...next, ...ended(next, event, 'abandonedAt'), phase: advance(next.phase, 'failed'), outcome: 'cancelled', cause: `RunAbandoned: ${reason}` } : next;
    }
    case 'LateChangeDetected': {
      const change = { reason: String(data.reason), detail: String(data.detail), detectedAt: String(data.detectedAt) };
      return { ...next, lateChanges: [...(next.lateChanges ?? []), change] };
    }
    case 'RunPaused': {
      const reason = String(data.reason);
      if (!(LATE_CHANGES as readonly string[]).includes(reason)) return next;
      const detail = next.lateChanges?.findLast((c) => c.reason === reason)?.detail ?? reason;
      return { ...next, holds: [...(next.holds ?? []), { reason, detail, heldAt: String(data.pausedAt) }] };
    }
    case 'ChangeImplementationHeld':
      return { ...next, holds: (next.holds ?? []).map((h) => (h.heldAt === data.heldAt && h.reason === data.reason ? { ...h, reported: true as const } : h)) };
    case 'ApprovalGranted': {
      const granted = {
        gate: String(data.gate),
        by: String(data.by),
        role: String(data.role),
        ...(typeof data.wave === 'number' ? { wave: data.wave } : {}),
        ...(typeof data.comment === 'string' ? { comment: data.comment } : {}),
        grantedAt: String(data.grantedAt),
      };
      return { ...next, approvals: [...(next.approvals ?? []), granted] };
    }
    case 'DeploymentRecordClosed': {
      const closed = data as unknown as DeploymentRecordClosed;
      // the ledger may hold a rollback of the monitoring period before the close that reported the success
      if (next.outcome === 'rolled-back' && closed.outcome === 'succeeded') return { ...next, phase: 'closed', closedAt: closed.closedAt };
      return { ...next, phase: 'closed', outcome: closed.outcome, closedAt: closed.closedAt, ...(closed.cause ? { cause: closed.cause } : {}) };
    }
    default:
      return next;
  }
}

/** Verification's verdict on the acceptance criteria, with their outcomes; the first verdict stays. */
const verdict = (record: DeploymentRecord, event: CloudEvent, verdict: AcceptanceResultsReported['verdict']): Pick<DeploymentRecord, 'acceptance'> => {
  const criteria = (event.data as { criteria?: CriterionOutcome[] }).criteria;
  const evaluatedAt = timeOf(event, verdict === 'met' ? 'verifiedAt' : 'failedAt');
  return record.acceptance || !criteria || !evaluatedAt ? {} : { acceptance: { verdict, criteria, evaluatedAt } };
};

const ORDER: DeploymentRecord['phase'][] = ['unknown', 'requested', 'planned', 'verified-for-execution', 'executing', 'executed', 'verified', 'failed', 'closed'];
/** Events of different services arrive in any order; the phase only moves forward. */
const advance = (current: DeploymentRecord['phase'], to: DeploymentRecord['phase']) => (ORDER.indexOf(to) > ORDER.indexOf(current) ? to : current);

/**
 * Closing a record: the DeploymentRecord stream in records' own event store. It closes once, with the reports to the
 * practices around deployment; an incident linked after the close corrects the report to change enablement.
 */
export type RecordCommand =
  /** `ledgerCheckpoint`, `witnessedCheckpoint`: the ledger's signed checkpoints the report carries as evidence, when it has them */
  /** `standing`: what stood in the environment for the service as of `now`, before this close (records' environment state) */
  | { type: 'CloseRecord'; record: DeploymentRecord; incidents: readonly string[]; now: string; standing?: StandingService; ledgerCheckpoint?: string; witnessedCheckpoint?: string }
  /**
   * what the report to change enablement must say now: the incidents linked, the regressions of the monitoring period,
   * and the outcome where a rollback in it overturned the success (`cause`: why)
   */
  | { type: 'CorrectReport'; deploymentId: string; incidents: readonly string[]; regressions?: readonly MonitoringRegression[]; outcome?: { outcome: DeploymentOutcome; cause?: string }; now: string }
  /** the run is held for a late change: change enablement is told, once per hold */
  | { type: 'ReportHold'; deploymentId: string; changeId: string; hold: { reason: string; detail: string; heldAt: string } }
  /** verification gave its verdict on the acceptance criteria: service validation and testing is told, once */
  | { type: 'ReportAcceptanceResults'; record: DeploymentRecord };
export type RecordEvent =
  | { type: 'DeploymentRecordClosed'; data: DeploymentRecordClosed }
  | { type: 'ChangeImplementationReported'; data: ChangeImplementationReported }
  | { type: 'ReleaseDeploymentReported'; data: ReleaseDeploymentReported }
  | { type: 'ChangeImplementationCorrected'; data: ChangeImplementationCorrected }
  | { type: 'ChangeImplementationHeld'; data: ChangeImplementationHeld }
  | { type: 'ConfigurationItemsChanged'; data: ConfigurationItemsChanged }
  | { type: 'AcceptanceResultsReported'; data: AcceptanceResultsReported };
/**
 * `holdsReported`: when each hold change enablement was told of began; `acceptanceReported`: service validation and
 * testing was told; `regressions`: those reported, as `signal@look`
 */
export type ClosingState = (
  | { closed: false }
  | { closed: true; changeId: string; outcome: DeploymentOutcome; closeCode: CloseCode; incidents: readonly string[]; regressions: readonly string[] }
) & { holdsReported: readonly string[]; acceptanceReported: boolean };
export type RecordRefusal =
  | { code: 'RecordNotClosable'; deploymentId: string; missing: string[] }
  | { code: 'NothingToCorrect'; deploymentId: string }
  | { code: 'AcceptanceResultsNotKnown'; deploymentId: string; missing: string[] };

/** A rule of closing: what the record still misses (an outcome, or the event that brings it) while it is broken. */
type ClosingRule = Rule<DeploymentRecord, string>;

const outcomeMustBeKnown: ClosingRule = (r) => (r.outcome ? undefined : 'outcome');
const requestMustBeSeen: ClosingRule = (r) => (r.requestedAt ? undefined : 'DeploymentRequested');
/** planned, or rejected (which records no plan: the model is null) */
const planMustBeSeen: ClosingRule = (r) => (r.model === undefined ? 'DeploymentPlanned' : undefined);
const aSuccessMustKnowItsStart: ClosingRule = (r) => (r.outcome === 'succeeded' && !r.startedAt ? 'DeploymentStarted' : undefined);
const aSuccessMustKnowItsEnd: ClosingRule = (r) => (r.outcome === 'succeeded' && !r.executedAt ? 'DeploymentExecuted' : undefined);

/**
 * A record closes once its outcome is known and the request that opened it has been seen; a success also waits for
 * execution's start and end (topics arrive independently), so the report to change enablement has its timings.
 */
const closingPolicy: Policy<DeploymentRecord, string> = [outcomeMustBeKnown, requestMustBeSeen, planMustBeSeen, aSuccessMustKnowItsStart, aSuccessMustKnowItsEnd];

/** Everything the record misses before it may close; empty when it may. */
export const missingBeforeClosing = (record: DeploymentRecord): string[] => allViolations(closingPolicy, record);


const regressionKey = (r: Pick<MonitoringRegression, 'signal' | 'look'>) => `${r.signal}@${r.look}`;

/** The regressions of a record as a report carries them. */
export const regressionsOf = (record: DeploymentRecord): MonitoringRegression[] =>
  (record.monitoring?.regressions ?? []).map(({ signal, look, reason, at }) => ({ signal, look, reason: reason.slice(0, 2000), detectedAt: at }));

export const closableNow = (record: DeploymentRecord): boolean => record.phase !== 'closed' && missingBeforeClosing(record).length === 0;

const auditHistoryOf = (deploymentId: string) => `/audit/deployments/${deploymentId}`;

export const recordDecider: Decider<RecordCommand, RecordEvent, ClosingState, RecordRefusal> = {
  initialState: { closed: false, holdsReported: [], acceptanceReported: false },
  evolve: (state, event) => {
    switch (event.type) {
      case 'DeploymentRecordClosed': {
        const { holdsReported, acceptanceReported } = state;
        return { closed: true, changeId: event.data.changeId, outcome: event.data.outcome, closeCode: closeCodeOf(event.data.outcome), incidents: [], regressions: [], holdsReported, acceptanceReported };
      }
      case 'AcceptanceResultsReported':
        return { ...state, acceptanceReported: true };
      case 'ChangeImplementationHeld':
        return { ...state, holdsReported: [...state.holdsReported, event.data.heldAt] };
      case 'ChangeImplementationReported':
        return state.closed ? { ...state, closeCode: event.data.closeCode, incidents: event.data.incidents ?? [] } : state;
      case 'ChangeImplementationCorrected':
        return state.closed
          ? { ...state, outcome: event.data.outcome, closeCode: event.data.closeCode, incidents: event.data.incidents, regressions: (event.data.regressions ?? []).map(regressionKey) }
          : state;
      case 'ReleaseDeploymentReported':
      case 'ConfigurationItemsChanged':
        return state;
    }
  },
  decide(command, state): readonly RecordEvent[] | Refused<RecordRefusal> {
    switch (command.type) {
      case 'CloseRecord':
        return state.closed ? [] : close(command);
      case 'ReportHold': {
        // once closed, the report that closed it told the end of the story; each hold is told once
        const { deploymentId, changeId, hold } = command;
        if (state.closed || state.holdsReported.includes(hold.heldAt) || !(LATE_CHANGES as readonly string[]).includes(hold.reason)) return [];
        const reason = hold.reason as ChangeImplementationHeld['reason'];
        return [{ type: 'ChangeImplementationHeld', data: { deploymentId, changeId, reason, detail: hold.detail.slice(0, 2000), heldAt: hold.heldAt, auditHistory: auditHistoryOf(deploymentId) } }];
      }
      case 'ReportAcceptanceResults': {
        const { record } = command;
        const missing = acceptanceReportMissing(record);
        if (missing.length > 0) return refuse({ code: 'AcceptanceResultsNotKnown', deploymentId: record.deploymentId, missing });
        if (state.acceptanceReported) return [];
        const { verdict, criteria, evaluatedAt } = record.acceptance!;
        const { deploymentId, changeId, service, environment } = record;
        return [{ type: 'AcceptanceResultsReported', data: { deploymentId, changeId: changeId!, service: service!, environment: environment!, verdict, criteria, evaluatedAt, auditHistory: auditHistoryOf(deploymentId) } }];
      }
      case 'CorrectReport':
        return correct(command, state);
    }
  },
};

/** A report of acceptance results needs verification's verdict and the request that says whose deployment it was. */
const verdictMustBeKnown: ClosingRule = (r) => (r.acceptance ? undefined : 'verdict');
const acceptanceReportPolicy: Policy<DeploymentRecord, string> = [verdictMustBeKnown, requestMustBeSeen];
export const acceptanceReportMissing = (record: DeploymentRecord): string[] => allViolations(acceptanceReportPolicy, record);

/**
 * A report after the close: only what change enablement was not told yet (an incident, a regression, a rollback of the
 * success) calls for a correction, which carries everything known so far. Before the close, the close's report does.
 */
function correct(command: Extract<RecordCommand, { type: 'CorrectReport' }>, state: ClosingState): readonly RecordEvent[] | Refused<RecordRefusal> {
  const { deploymentId, regressions = [], now } = command;
  if (command.incidents.length === 0 && regressions.length === 0 && !command.outcome) return refuse({ code: 'NothingToCorrect', deploymentId });
  if (!state.closed) return [];
  const newIncident = command.incidents.some((id) => !state.incidents.includes(id));
  const newRegression = regressions.some((r) => !state.regressions.includes(regressionKey(r)));
  const overturned = command.outcome !== undefined && command.outcome.outcome !== state.outcome;
  if (!newIncident && !newRegression && !overturned) return [];
  const incidents = [...new Set([...state.incidents, ...command.incidents])].sort();
  const outcome = overturned ? command.outcome!.outcome : state.outcome;
  const cause = overturned ? command.outcome!.cause : undefined;
  return [
    {
      type: 'ChangeImplementationCorrected',
      data: {
        deploymentId,
        changeId: state.changeId,
        outcome,
        closeCode: closeCodeOf(outcome, incidents, regressions),
        previousCloseCode: state.closeCode,
        incidents,
        ...(regressions.length > 0 ? { regressions: regressions.slice(0, 100) } : {}),
        ...(cause ? { cause } : {}),
        correctedAt: now,
        auditHistory: auditHistoryOf(deploymentId),
      },
    },
  ];
}

function close({ record, incidents: linkedIncidents, now, standing, ledgerCheckpoint, witnessedCheckpoint }: Extract<RecordCommand, { type: 'CloseRecord' }>): readonly RecordEvent[] | Refused<RecordRefusal> {
  const missing = missingBeforeClosing(record);
  if (missing.length > 0) return refuse({ code: 'RecordNotClosable', deploymentId: record.deploymentId, missing });
  const outcome = record.outcome!;
  const incidents = [...new Set(linkedIncidents)].sort();
  const report: RecordEvent = {
    type: 'ChangeImplementationReported',
    data: {
      deploymentId: record.deploymentId,
      changeId: record.changeId!,
      outcome,
      closeCode: closeCodeOf(outcome, incidents),
      ...(record.cause ? { cause: record.cause } : {}),
      ...(record.window ? { plannedWindow: record.window } : {}),
      ...(record.startedAt ? { actualStart: record.startedAt } : {}),
      ...(record.executedAt ? { actualEnd: record.executedAt } : {}),
      ...(incidents.length > 0 ? { incidents } : {}),
      closedAt: now,
      auditHistory: auditHistoryOf(record.deploymentId),
      ...(ledgerCheckpoint ? { ledgerCheckpoint } : {}),
      ...(witnessedCheckpoint ? { witnessedCheckpoint } : {}),
    },
  };
  const release: RecordEvent[] = record.releaseId
    ? [{ type: 'ReleaseDeploymentReported', data: { deploymentId: record.deploymentId, releaseId: record.releaseId, environment: record.environment!, components: record.components ?? [], outcome, closedAt: now } }]
    : [];
  const changed = configurationItemsChanged(record, standing, now);
  const configuration: RecordEvent[] = changed ? [{ type: 'ConfigurationItemsChanged', data: { ...changed, auditHistory: auditHistoryOf(record.deploymentId) } }] : [];
  return [
    {
      type: 'DeploymentRecordClosed',
      data: {
        deploymentId: record.deploymentId,
        changeId: record.changeId!,
        service: record.service!,
        environment: record.environment!,
        ...(record.environmentKind ? { environmentKind: record.environmentKind } : {}),
        model: record.model ?? null,
        outcome,
        ...(record.cause ? { cause: record.cause } : {}),
        requestedAt: record.requestedAt!,
        closedAt: now,
        leadTimeMs: Math.max(0, Date.parse(now) - Date.parse(record.requestedAt!)),
      },
    },
    report,
    ...release,
    ...configuration,
  ];
}

export const recordStream = (deploymentId: string) => ({ streamId: `DeploymentRecord-${deploymentId}`, streamType: 'DeploymentRecord' });

// ---- configuration items: what configuration management is told when a deployment that changed something closes ----

/** What stood in the environment for the service before a close: records' environment state as of then gives it (`DeployedService`). */
export interface StandingService {
  components: readonly Component[];
}

type ItemVersion = NonNullable<ConfigurationItemsChanged['components'][number]['current']>;
type ChangedTarget = ConfigurationItemsChanged['targets'][number];

/** How each outcome leaves the configuration items of a deployment that reached its targets; other outcomes changed nothing. */
const CHANGE_OF: Partial<Record<NonNullable<DeploymentRecord['outcome']>, ConfigurationChange>> = { succeeded: 'applied', 'rolled-back': 'restored', failed: 'partial' };

/** A deployment changed configuration items when its run reached at least one target, whatever its outcome. */
export const changedConfigurationItems = (record: DeploymentRecord): boolean => Boolean(record.outcome && CHANGE_OF[record.outcome] && record.targetsReached?.length);

const versionOf = ({ version, digest }: { version: string; digest?: string }): ItemVersion => ({ version, ...(digest ? { digest } : {}) });

/**
 * The configuration items a deployment changed, as they stand at `asOf` (its close), against `standing`: what stood in
 * the environment for the service before, as records' environment state as of that time gives it. A rollback restored
 * what stood (`current` is `previous` again, `attempted` what it took out); a failure without one leaves the targets it
 * reached with the new versions. Undefined when the deployment changed nothing.
 */
export function configurationItemsChanged(record: DeploymentRecord, standing: StandingService | undefined, asOf: string): Omit<ConfigurationItemsChanged, 'auditHistory'> | undefined {
  const change = record.outcome && CHANGE_OF[record.outcome];
  if (!change || !changedConfigurationItems(record)) return undefined;
  const removal = record.kind === 'removal';
  const before = (name: string) => standing?.components.find((c) => c.name === name);
  const verifiedDigest = (name: string, version: string) => record.verifiedComponents?.find((v) => v.name === name && v.version === version)?.digest;
  // the digest of the authorised repository's entry verification verified, else the one the request gave
  const moved = ({ name, version, digest }: Component): ItemVersion => versionOf({ version, digest: verifiedDigest(name, version) ?? digest });

  const targets = (record.targetsReached ?? []).map((reached): ChangedTarget => {
    const restored = change === 'restored' || reached.rolledBack;
    const holds = restored
      ? (record.components ?? []).flatMap((c) => before(c.name) ?? []).map(({ name, version, digest }) => ({ name, ...versionOf({ version, digest }) }))
      : reached.action === 'removed'
        ? []
        : reached.components.map(({ name, version, digest }) => ({ name, ...versionOf({ version, digest: digest ?? verifiedDigest(name, version) }) }));
    const evidence = (record.manualSteps ?? []).filter((m) => m.target === reached.name).flatMap((m) => m.evidence ?? []).slice(0, 200);
    const kind = record.plannedTargets?.find((t) => t.name === reached.name)?.kind;
    const units = restored || reached.action === 'removed' ? undefined : record.unitsInstalled?.find((u) => u.target === reached.name)?.units;
    return { name: reached.name, ...(kind ? { kind } : {}), components: holds, ...(evidence.length > 0 ? { evidence } : {}), ...(units ? { units } : {}) };
  });

  const components = (record.components ?? []).map((component) => {
    const stood = before(component.name);
    const previous = stood ? versionOf(stood) : removal ? moved(component) : null;
    const current = change === 'restored' ? previous : removal ? null : moved(component);
    // the serials installed where they were recorded, else one unit per target that holds the component
    const units = targets
      .filter((t) => t.components.some((c) => c.name === component.name))
      .reduce((count, t) => count + (t.units ? (t.units.find((u) => u.component === component.name)?.serials.length ?? 0) : 1), 0);
    return {
      name: component.name,
      kind: component.kind,
      previous,
      current,
      ...(change === 'restored' && !removal ? { attempted: moved(component) } : {}),
      ...(component.kind === 'hardware' ? { units } : {}),
    };
  });

  return {
    deploymentId: record.deploymentId,
    changeId: record.changeId!,
    ...(record.releaseId ? { releaseId: record.releaseId } : {}),
    service: record.service!,
    environment: { name: record.environment!, ...(record.environmentKind ? { kind: record.environmentKind } : {}) },
    deploymentKind: record.kind ?? 'install',
    outcome: record.outcome as ConfigurationItemsChanged['outcome'],
    change,
    components,
    targets,
    asOf,
  };
}
