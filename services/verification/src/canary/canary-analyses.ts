import type { CanaryAnalysisRequested } from '@gantry/contracts';
import type { EventStore, SqlClient } from '@gantry/event-store';
import { actingOnItsOwn, cancelTimer, executeCommand, loadAggregate, scheduleTimer, type CommandOrigin, type FiredTimer, type Moment } from '@gantry/platform';
import { lockDeploymentEvidence, type EvidenceStore } from '../acceptance';
import { canaryAnalysisDecider, canaryStream, type CanaryAnalysis } from './canary-analysis.decider';

export const CANARY_DEADLINE_TIMER = 'canary-deadline';

interface CanaryTimer {
  deploymentId: string;
  wave: number;
}
const timerId = (t: CanaryTimer) => `canary-deadline:${t.deploymentId}:${t.wave}`;

/** Canary analyses: opened on execution's request, assessed as observations arrive, inconclusive at the deadline. */
export class CanaryAnalyses {
  constructor(
    private readonly store: EventStore,
    private readonly evidence: EvidenceStore,
  ) {}

  async open(tx: SqlClient, request: CanaryAnalysisRequested, origin: CommandOrigin): Promise<void> {
    await lockDeploymentEvidence(tx, this.store.schema, request.deploymentId);
    const observations = await this.evidence.observations(tx, request.deploymentId);
    const result = await executeCommand(this.store, canaryAnalysisDecider, canaryStream(request.deploymentId, request.wave), { type: 'OpenCanaryAnalysis', request, observations, now: origin.now.toISOString() }, origin, tx);
    if (result.state.status === 'open') {
      await scheduleTimer(tx, this.store.schema, { id: timerId(request), kind: CANARY_DEADLINE_TIMER, dueAt: request.deadline, payload: { deploymentId: request.deploymentId, wave: request.wave } satisfies CanaryTimer });
    }
  }

  /** The canary analyses of a deployment, by wave. */
  async ofDeployment(deploymentId: string, client?: SqlClient): Promise<Exclude<CanaryAnalysis, { status: 'none' }>[]> {
    const { rows } = await (client ?? this.store.db).query<{ stream_id: string }>(
      `SELECT stream_id FROM "${this.store.schema}".streams WHERE stream_type = 'CanaryAnalysis' AND starts_with(stream_id, $1) ORDER BY stream_id`,
      [`CanaryAnalysis-${deploymentId}-`],
    );
    const states = await Promise.all(rows.map(async (r) => (await loadAggregate(this.store, canaryAnalysisDecider, r.stream_id, client)).state));
    return states.filter((s): s is Exclude<CanaryAnalysis, { status: 'none' }> => s.status !== 'none');
  }

  /** New observations for a deployment: its open canary analyses look at them. */
  async assessAll(tx: SqlClient, deploymentId: string, origin: CommandOrigin): Promise<void> {
    for (const analysis of await this.ofDeployment(deploymentId, tx)) {
      if (analysis.status === 'open') await this.assess(tx, { deploymentId, wave: analysis.request.wave }, origin);
    }
  }

  private async assess(tx: SqlClient, analysis: CanaryTimer, origin: CommandOrigin): Promise<void> {
    const observations = await this.evidence.observations(tx, analysis.deploymentId);
    const result = await executeCommand(this.store, canaryAnalysisDecider, canaryStream(analysis.deploymentId, analysis.wave), { type: 'AssessCanary', observations, now: origin.now.toISOString() }, origin, tx);
    if (result.state.status === 'completed') await cancelTimer(tx, this.store.schema, timerId(analysis));
  }

  async onDeadline(timer: FiredTimer<CanaryTimer>, moment: Moment): Promise<void> {
    await this.store.db.transaction((tx) => this.assess(tx, timer.payload, { ...moment, metadata: actingOnItsOwn('verification', timer.payload.deploymentId, timer.id) }));
  }
}
