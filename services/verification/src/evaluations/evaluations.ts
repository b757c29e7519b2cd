import type { AcceptanceCriterion, CriterionOutcome, EvaluationScope } from '@gantry/contracts';
import type { EventStore, SqlClient } from '@gantry/event-store';
import { actingOnItsOwn, cancelTimer, executeCommand, loadAggregate, scheduleTimer, type CommandOrigin, type FiredTimer, type Moment } from '@gantry/platform';
import { lockDeploymentEvidence, type Evidence, type EvidenceStore } from '../acceptance';
import { deploymentVerificationDecider, verificationStream, type Evaluation } from '../deployment-verifications';
import { probeAllowed, type VerificationPolicy } from '../verification-policy';
import { probeOnce } from './health-probe';

export const TIMER_KINDS = { deadline: 'evaluation-deadline', probe: 'health-probe' } as const;

interface EvaluationTimer {
  deploymentId: string;
  scope: EvaluationScope;
}
/** A probe's progress travels with its timer: successes in a row so far, probes sent, the last status seen. */
interface ProbeTimer extends EvaluationTimer {
  index: number;
  successes: number;
  probes: number;
  lastStatus?: number | string;
}

const deadlineTimerId = (t: EvaluationTimer) => `evaluation-deadline:${t.deploymentId}:${t.scope}`;
const probeTimerId = (t: EvaluationTimer & { index: number }) => `health-probe:${t.deploymentId}:${t.scope}:${t.index}`;

type HttpHealth = Extract<AcceptanceCriterion, { type: 'http-health' }>;

/** What else happens, in its transaction, once a deployment is verified (its monitoring period begins). */
export type OnVerified = (tx: SqlClient, deploymentId: string, origin: CommandOrigin) => Promise<void>;

/**
 * Evaluations of acceptance criteria: started when a deployment was executed (or an idle side deployed), assessed again
 * whenever evidence arrives, probed by `http-health` timers, and decided at their deadline at the latest. Every step
 * runs as a command on the deployment's verification stream; timers make the waiting survive a restart.
 */
export class Evaluations {
  constructor(
    private readonly store: EventStore,
    private readonly evidence: EvidenceStore,
    private readonly policy: VerificationPolicy,
    private readonly onVerified: OnVerified = async () => undefined,
  ) {}

  async start(tx: SqlClient, deploymentId: string, scope: EvaluationScope, criteria: AcceptanceCriterion[], targets: string[] | undefined, origin: CommandOrigin): Promise<void> {
    const { now } = origin;
    const longestProbe = Math.max(0, ...criteria.map((c) => (c.type === 'http-health' && c.deadlineSeconds ? c.deadlineSeconds * 1000 : 0)));
    const deadline = new Date(now.getTime() + Math.max(this.policy.evaluationDeadlineMs, longestProbe));
    // a probe to a host that is not allow-listed is refused here, before anything is sent
    const refused: Record<number, CriterionOutcome> = {};
    criteria.forEach((c, index) => {
      if (c.type === 'http-health' && !probeAllowed(c.url, this.policy)) {
        refused[index] = { type: c.type, description: c.description, result: 'failed', measured: { url: c.url, probes: 0 }, reason: 'HostNotAllowed' };
      }
    });
    await lockDeploymentEvidence(tx, this.store.schema, deploymentId);
    const evidence = await this.evidence.evidence(tx, deploymentId, refused);
    const result = await executeCommand(
      this.store,
      deploymentVerificationDecider,
      verificationStream(deploymentId),
      { type: 'StartEvaluation', deploymentId, scope, criteria, ...(targets ? { targets } : {}), deadline: deadline.toISOString(), evidence, now: now.toISOString() },
      origin,
      tx,
    );
    if (!result.events.some((e) => e.type === 'AcceptanceEvaluationStarted')) return;
    if (scope === 'deployment' && result.events.some((e) => e.type === 'DeploymentVerified')) await this.onVerified(tx, deploymentId, origin);
    const evaluation = result.state.evaluations[scope]!;
    if (evaluation.verdict !== 'pending') return;
    await scheduleTimer(tx, this.store.schema, { id: deadlineTimerId({ deploymentId, scope }), kind: TIMER_KINDS.deadline, dueAt: deadline, payload: { deploymentId, scope } satisfies EvaluationTimer });
    for (const [index, criterion] of criteria.entries()) {
      if (criterion.type !== 'http-health' || evaluation.outcomes[index]) continue;
      const timer: ProbeTimer = { deploymentId, scope, index, successes: 0, probes: 0 };
      await scheduleTimer(tx, this.store.schema, { id: probeTimerId(timer), kind: TIMER_KINDS.probe, dueAt: now, payload: timer });
    }
  }

  /** New evidence for a deployment: every evaluation of it still open looks at it. */
  async assessAll(tx: SqlClient, deploymentId: string, origin: CommandOrigin): Promise<void> {
    const { state } = await loadAggregate(this.store, deploymentVerificationDecider, verificationStream(deploymentId).streamId, tx);
    for (const [scope, evaluation] of Object.entries(state.evaluations) as [EvaluationScope, Evaluation][]) {
      if (evaluation.verdict === 'pending') await this.assess(tx, deploymentId, scope, await this.evidence.evidence(tx, deploymentId), origin);
    }
  }

  private async assess(tx: SqlClient, deploymentId: string, scope: EvaluationScope, evidence: Evidence, origin: CommandOrigin): Promise<void> {
    const result = await executeCommand(this.store, deploymentVerificationDecider, verificationStream(deploymentId), { type: 'AssessEvaluation', deploymentId, scope, evidence, now: origin.now.toISOString() }, origin, tx);
    const evaluation = result.state.evaluations[scope];
    if (scope === 'deployment' && result.events.some((e) => e.type === 'DeploymentVerified')) await this.onVerified(tx, deploymentId, origin);
    if (evaluation && evaluation.verdict !== 'pending') {
      // decided: its deadline and probes have nothing left to do
      await cancelTimer(tx, this.store.schema, deadlineTimerId({ deploymentId, scope }));
      for (const index of evaluation.criteria.keys()) await cancelTimer(tx, this.store.schema, probeTimerId({ deploymentId, scope, index }));
    }
  }

  /** The deadline: whatever has no result by now has failed. */
  async onDeadline(timer: FiredTimer<EvaluationTimer>, moment: Moment): Promise<void> {
    const { deploymentId, scope } = timer.payload;
    const origin = { ...moment, metadata: actingOnItsOwn('verification', deploymentId, timer.id) };
    await this.store.db.transaction(async (tx) => this.assess(tx, deploymentId, scope, await this.evidence.evidence(tx, deploymentId), origin));
  }

  /**
   * One probe of an `http-health` criterion. Met after the configured number of successes in a row; failed when its
   * deadline passes first; otherwise the next probe is scheduled with the progress so far.
   */
  async onProbe(timer: FiredTimer<ProbeTimer>, moment: Moment): Promise<void> {
    const progress = timer.payload;
    const { deploymentId, scope, index } = progress;
    const { state } = await loadAggregate(this.store, deploymentVerificationDecider, verificationStream(deploymentId).streamId);
    const evaluation = state.evaluations[scope];
    if (!evaluation || evaluation.verdict !== 'pending' || evaluation.outcomes[index]) return;
    const criterion = evaluation.criteria[index] as HttpHealth;
    const deadline = criterion.deadlineSeconds ? Date.parse(evaluation.startedAt) + criterion.deadlineSeconds * 1000 : Date.parse(evaluation.deadline);
    const needed = criterion.consecutiveSuccesses ?? this.policy.consecutiveSuccesses;
    const origin = { ...moment, metadata: actingOnItsOwn('verification', deploymentId, timer.id) };
    const decide = (outcome: CriterionOutcome) =>
      this.store.db.transaction(async (tx) => this.assess(tx, deploymentId, scope, await this.evidence.evidence(tx, deploymentId, { [index]: outcome }), origin));
    const measured = (p: ProbeTimer) => ({ consecutiveSuccesses: p.successes, probes: p.probes, ...(p.lastStatus !== undefined ? { lastStatus: p.lastStatus } : {}) });

    // the allow-list may have narrowed since the evaluation started (a restart with other configuration)
    if (!probeAllowed(criterion.url, this.policy)) {
      return decide({ type: criterion.type, description: criterion.description, result: 'failed', measured: { url: criterion.url, ...measured(progress) }, reason: 'HostNotAllowed' });
    }
    if (moment.now.getTime() >= deadline) return decide({ type: criterion.type, description: criterion.description, result: 'failed', measured: measured(progress), reason: 'DeadlinePassed' });
    const answer = await probeOnce(criterion.url, criterion.timeoutMs ?? this.policy.probeTimeoutMs);
    const success = answer === (criterion.expectedStatus ?? 200);
    const next: ProbeTimer = { ...progress, successes: success ? progress.successes + 1 : 0, probes: progress.probes + 1, lastStatus: answer };
    if (next.successes >= needed) return decide({ type: criterion.type, description: criterion.description, result: 'met', measured: measured(next) });
    const dueAt = new Date(moment.now.getTime() + this.policy.probeIntervalMs);
    if (dueAt.getTime() >= deadline) {
      return decide({ type: criterion.type, description: criterion.description, result: 'failed', measured: measured(next), reason: 'DeadlinePassed' });
    }
    await this.store.db.transaction((tx) => scheduleTimer(tx, this.store.schema, { id: timer.id, kind: TIMER_KINDS.probe, dueAt, payload: next }));
  }
}
