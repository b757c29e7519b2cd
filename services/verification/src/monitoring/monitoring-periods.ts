import { itsmIncidentEventNameOf, validateItsmEvent, type DeploymentPlanned, type IncidentLinked, type MonitoringPeriod } from '@gantry/contracts';
import type { EventStore, Migration, ReadModels, SqlClient } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';
import { actingOnItsOwn, executeCommand, loadAggregate, scheduleTimer, type CommandOrigin, type FiredTimer, type Moment } from '@gantry/platform';
import { knownEnvironment } from '../environments';
import { probeOnce } from '../evaluations';
import { probeAllowed, type VerificationPolicy } from '../verification-policy';
import { monitoringDecider, monitoringStream, type MonitoringState, type Observation } from './monitoring-period.decider';
import { queryRange } from './prometheus';

export const MONITORING_LOOK_TIMER = 'monitoring-look';

/** Look 0 takes the baseline and starts the period; look n judges the n-th window. */
interface LookTimer {
  deploymentId: string;
  look: number;
}
const lookTimerId = (deploymentId: string) => `monitoring-look:${deploymentId}`;

/**
 * The plans with a monitoring period, from planning's DeploymentPlanned (and when execution started them: the baseline
 * ends there), and the incidents the service desk linked to them. The period itself is the MonitoringPeriod stream.
 */
export const monitoringMigrations: Migration[] = [
  {
    id: 'verification/006-monitoring',
    up: (schema) => `
      CREATE TABLE IF NOT EXISTS "${schema}".monitoring_plans (
        deployment_id text PRIMARY KEY,
        change_id text NOT NULL,
        environment text NOT NULL,
        monitoring jsonb NOT NULL,
        started_at timestamptz
      );
      CREATE INDEX IF NOT EXISTS monitoring_plans_change ON "${schema}".monitoring_plans (change_id);
      CREATE TABLE IF NOT EXISTS "${schema}".monitoring_incidents (
        incident_id text PRIMARY KEY,
        deployment_id text NOT NULL,
        linked_at timestamptz NOT NULL
      );
      CREATE INDEX IF NOT EXISTS monitoring_incidents_deployment ON "${schema}".monitoring_incidents (deployment_id)`,
  },
];

interface MonitoringPlan {
  deploymentId: string;
  environment: string;
  monitoring: MonitoringPeriod;
  startedAt?: Date;
}

/**
 * Monitoring periods: begun once a deployment whose plan has one is verified, looked at every `lookEverySeconds` by a
 * due timer (a period costs a row in `due_timers` while it waits), each look a command on its stream.
 */
export class MonitoringPeriods {
  constructor(
    private readonly store: EventStore,
    private readonly readModels: ReadModels,
    private readonly policy: Pick<VerificationPolicy, 'allowedProbeHosts' | 'probeTimeoutMs'>,
  ) {}

  private get schema() {
    return this.store.schema;
  }

  async planned(tx: SqlClient, plan: DeploymentPlanned): Promise<void> {
    if (!plan.monitoring) return;
    await tx.query(`INSERT INTO "${this.schema}".monitoring_plans (deployment_id, change_id, environment, monitoring) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, [
      plan.deploymentId,
      plan.changeId,
      plan.environment,
      JSON.stringify(plan.monitoring),
    ]);
  }

  async started(tx: SqlClient, deploymentId: string, startedAt: string): Promise<void> {
    await tx.query(`UPDATE "${this.schema}".monitoring_plans SET started_at = $2 WHERE deployment_id = $1 AND started_at IS NULL`, [deploymentId, startedAt]);
  }

  /** The deployment was verified: its period begins at once (the baseline is taken outside this transaction). */
  async verified(tx: SqlClient, deploymentId: string, origin: CommandOrigin): Promise<void> {
    if (!(await this.plan(tx, deploymentId))) return;
    await scheduleTimer(tx, this.schema, { id: lookTimerId(deploymentId), kind: MONITORING_LOOK_TIMER, dueAt: origin.now, payload: { deploymentId, look: 0 } satisfies LookTimer });
  }

  /** An incident the service desk linked to a monitored deployment, or to its change. */
  async incident(tx: SqlClient, event: CloudEvent): Promise<void> {
    if (itsmIncidentEventNameOf(event.type) !== 'IncidentLinked' || validateItsmEvent('IncidentLinked', event.data) !== null) return;
    const incident = event.data as IncidentLinked;
    await tx.query(
      `INSERT INTO "${this.schema}".monitoring_incidents (incident_id, deployment_id, linked_at)
       SELECT $1, p.deployment_id, $4 FROM "${this.schema}".monitoring_plans p WHERE p.deployment_id = $2 OR p.change_id = $3
       ON CONFLICT DO NOTHING`,
      [incident.incidentId, incident.deploymentId ?? null, incident.changeId ?? null, incident.openedAt],
    );
  }

  async state(deploymentId: string, client?: SqlClient): Promise<MonitoringState> {
    return (await loadAggregate(this.store, monitoringDecider, monitoringStream(deploymentId).streamId, client)).state;
  }

  async onLook(timer: FiredTimer<LookTimer>, moment: Moment): Promise<void> {
    const { deploymentId, look } = timer.payload;
    const origin = { ...moment, metadata: actingOnItsOwn('verification', deploymentId, `${timer.id}:${look}`) };
    const plan = await this.plan(this.store.db, deploymentId);
    if (!plan) return;
    const prometheusUrl = await this.prometheusOf(plan.environment);
    if (look === 0) return this.start(plan, prometheusUrl, origin);
    const state = await this.state(deploymentId);
    if (state.status !== 'monitoring' || state.look + 1 !== look) return;
    const startedAt = Date.parse(state.period.startedAt);
    const every = plan.monitoring.lookEverySeconds * 1000;
    const from = new Date(startedAt + (look - 1) * every);
    const to = new Date(Math.min(startedAt + look * every, Date.parse(state.period.endsAt)));
    const observations = await this.observe(plan, prometheusUrl, from, to);
    await this.store.db.transaction(async (tx) => {
      const command = { type: 'JudgeLook' as const, deploymentId, look, from: from.toISOString(), to: to.toISOString(), observations, now: moment.now.toISOString() };
      const result = await executeCommand(this.store, monitoringDecider, monitoringStream(deploymentId), command, origin, tx);
      if (result.state.status === 'monitoring' && result.state.look === look) await this.scheduleLook(tx, deploymentId, look + 1, new Date(Math.min(startedAt + (look + 1) * every, Date.parse(result.state.period.endsAt))));
    });
  }

  /** The baseline: each metric over `baselineSeconds` before the deployment started (a baseline group's comes with each look). */
  private async start(plan: MonitoringPlan, prometheusUrl: string | undefined, origin: CommandOrigin): Promise<void> {
    const { deploymentId, monitoring } = plan;
    const baselineTo = plan.startedAt ?? origin.now;
    const baselineFrom = new Date(baselineTo.getTime() - monitoring.baselineSeconds * 1000);
    const baselines: { signal: string; samples: number[]; problem?: string }[] = [];
    for (const signal of monitoring.signals) {
      if (signal.type !== 'metric' || signal.baselineQuery) continue;
      const unreachable = this.unreachable(plan, prometheusUrl);
      const answer = unreachable ? { problem: unreachable } : await queryRange(prometheusUrl!, signal.query, baselineFrom, baselineTo, monitoring.stepSeconds, this.policy.probeTimeoutMs);
      baselines.push({ signal: signal.name, ...('samples' in answer ? { samples: answer.samples } : { samples: [], problem: answer.problem.slice(0, 2000) }) });
    }
    await this.store.db.transaction(async (tx) => {
      const command = { type: 'StartMonitoring' as const, deploymentId, environment: plan.environment, monitoring, baselineFrom: baselineFrom.toISOString(), baselineTo: baselineTo.toISOString(), baselines, now: origin.now.toISOString() };
      const result = await executeCommand(this.store, monitoringDecider, monitoringStream(deploymentId), command, origin, tx);
      if (result.events.length > 0) await this.scheduleLook(tx, deploymentId, 1, new Date(origin.now.getTime() + Math.min(monitoring.lookEverySeconds, monitoring.durationSeconds) * 1000));
    });
  }

  /** What each signal shows over the window: the monitoring system's samples, a probe's answer, the incidents so far. */
  private async observe(plan: MonitoringPlan, prometheusUrl: string | undefined, from: Date, to: Date): Promise<Observation[]> {
    const observations: Observation[] = [];
    for (const signal of plan.monitoring.signals) {
      switch (signal.type) {
        case 'metric': {
          const unreachable = this.unreachable(plan, prometheusUrl);
          if (unreachable) {
            observations.push({ signal: signal.name, samples: [], problem: unreachable });
            break;
          }
          const current = await queryRange(prometheusUrl!, signal.query, from, to, plan.monitoring.stepSeconds, this.policy.probeTimeoutMs);
          const group = signal.baselineQuery ? await queryRange(prometheusUrl!, signal.baselineQuery, from, to, plan.monitoring.stepSeconds, this.policy.probeTimeoutMs) : undefined;
          const problem = 'problem' in current ? current.problem : group && 'problem' in group ? `baseline group: ${group.problem}` : undefined;
          observations.push({
            signal: signal.name,
            samples: 'samples' in current ? current.samples : [],
            ...(group ? { baselineSamples: 'samples' in group ? group.samples : [] } : {}),
            ...(problem ? { problem } : {}),
          });
          break;
        }
        case 'http-health': {
          if (!probeAllowed(signal.url, this.policy)) {
            observations.push({ signal: signal.name, samples: [], problem: `the probe's host is not on GANTRY_PROBE_ALLOWED_HOSTS` });
            break;
          }
          const answer = await probeOnce(signal.url, this.policy.probeTimeoutMs);
          observations.push({ signal: signal.name, samples: [answer === (signal.expectedStatus ?? 200) ? 1 : 0] });
          break;
        }
        case 'incidents': {
          const { rows } = await this.store.db.query<{ n: string }>(`SELECT count(*) AS n FROM "${this.schema}".monitoring_incidents WHERE deployment_id = $1`, [plan.deploymentId]);
          observations.push({ signal: signal.name, samples: [Number(rows[0]?.n ?? 0)] });
          break;
        }
      }
    }
    return observations;
  }

  /** Why the environment's monitoring system cannot be asked, if it cannot. */
  private unreachable(plan: MonitoringPlan, prometheusUrl: string | undefined): string | undefined {
    if (!prometheusUrl) return `the environment ${plan.environment} names no monitoring system (monitoring.prometheusUrl)`;
    return probeAllowed(prometheusUrl, this.policy) ? undefined : `the monitoring system's host is not on GANTRY_PROBE_ALLOWED_HOSTS`;
  }

  private scheduleLook(tx: SqlClient, deploymentId: string, look: number, dueAt: Date): Promise<void> {
    return scheduleTimer(tx, this.schema, { id: lookTimerId(deploymentId), kind: MONITORING_LOOK_TIMER, dueAt, payload: { deploymentId, look } satisfies LookTimer });
  }

  private async plan(client: SqlClient, deploymentId: string): Promise<MonitoringPlan | undefined> {
    const { rows } = await client.query<{ environment: string; monitoring: MonitoringPeriod; started_at: Date | null }>(
      `SELECT environment, monitoring, started_at FROM "${this.schema}".monitoring_plans WHERE deployment_id = $1`,
      [deploymentId],
    );
    const row = rows[0];
    return row && { deploymentId, environment: row.environment, monitoring: row.monitoring, ...(row.started_at ? { startedAt: new Date(row.started_at) } : {}) };
  }

  private async prometheusOf(environment: string): Promise<string | undefined> {
    return (await knownEnvironment(this.readModels.manager(this.store.db), environment))?.definition.monitoring?.prometheusUrl;
  }
}
