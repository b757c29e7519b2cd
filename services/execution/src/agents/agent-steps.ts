import { isRefused } from '@gantry/decider';
import { performance } from 'node:perf_hooks';
import type { Migration, SqlClient } from '@gantry/event-store';
import { cancelTimer, RuleRefused, scheduleTimer, type CommandOrigin, type Moment } from '@gantry/platform';
import { attemptOf, idempotencyKey, nextStep, stepMessage, type RunCommands, type StepMessage, type StepOutcome, type StepRequest } from '../runs';
import { stepLeaseDecider, type LeaseCommand, type ReportAnswer, type StepLease } from './step-lease.decider';

/**
 * `agent_steps`: the steps a pull executor offers, one row per step's idempotency key, with its lease state (the lease
 * decider's state, kept whole) and the columns an agent's claim looks it up by. `agent_leases`: every lease given,
 * so that a report names its step.
 */
export const agentStepMigrations: Migration[] = [
  {
    id: 'execution/agent-steps-001',
    up: (schema) => `
      CREATE TABLE IF NOT EXISTS ${schema}.agent_steps (
        step_key text PRIMARY KEY, deployment_id text NOT NULL, environment text NOT NULL, target text, message jsonb NOT NULL,
        lease jsonb NOT NULL, status text NOT NULL, expires_at timestamptz, offered_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX IF NOT EXISTS agent_steps_on_offer ON ${schema}.agent_steps (environment, status, offered_at);
      CREATE TABLE IF NOT EXISTS ${schema}.agent_leases (
        lease_id text PRIMARY KEY, step_key text NOT NULL REFERENCES ${schema}.agent_steps (step_key) ON DELETE CASCADE
      );
    `,
  },
];

/** The lease's due time: when it fires, a lease not renewed is over and the step is on offer again. */
export const LEASE_TIMER = 'agent-lease';
const leaseTimer = (stepKey: string) => `agent-lease:${stepKey}`;

/** What an agent may pull: its subject, its token's environment and targets (none named: all of the environment's). */
export interface Agent {
  subject: string;
  environment: string;
  targets?: readonly string[];
}

/** A step leased to an agent: do it, renew before `expiresAt`, report under `leaseId`. */
export interface LeasedStep {
  leaseId: string;
  expiresAt: string;
  step: StepMessage;
}

type Row = { step_key: string; deployment_id: string; environment: string; message: StepMessage; lease: StepLease };

const refused = ({ code, ...details }: { code: string }) => new RuleRefused(code, details);

/** The pull executor's steps and their leases; decisions by the lease decider, results recorded on the run. */
export class AgentSteps {
  private readonly waiting = new Set<() => void>();

  constructor(
    private readonly runs: RunCommands,
    private readonly around: {
      /** a recorded result: the driver moves the run on */
      recorded: (deploymentId: string) => void;
      /** how long a lease lasts in an environment (its pull executor's `leaseSeconds`) */
      leaseMs: (environment: string) => number;
    },
  ) {}

  leaseMsFor(environment: string): number {
    return this.around.leaseMs(environment);
  }

  private get schema() {
    return this.runs.store.schema;
  }

  /** Puts a step on offer (once per key: asked again after a restart, it stays as it is). */
  async offer(request: StepRequest): Promise<void> {
    const { step } = request;
    await this.runs.store.db.query(
      `INSERT INTO ${this.schema}.agent_steps (step_key, deployment_id, environment, target, message, lease, status) VALUES ($1, $2, $3, $4, $5, $6, 'offered') ON CONFLICT DO NOTHING`,
      [request.idempotencyKey, request.deploymentId, request.plan.environment, 'target' in step ? step.target : null, JSON.stringify(stepMessage(request)), JSON.stringify(stepLeaseDecider.initialState)],
    );
    this.wake();
  }

  /** Long-poll: the next step on offer for the agent, or none after `waitMs`. */
  async claim(agent: Agent, targets: readonly string[] | undefined, waitMs: number, moment: () => Moment): Promise<LeasedStep | undefined> {
    const leaseMs = this.leaseMsFor(agent.environment);
    // a wait budget, not a decision's time: measured on the monotonic clock
    const deadline = performance.now() + waitMs;
    for (;;) {
      const leased = await this.claimOnce(agent, targets, moment(), leaseMs);
      const left = deadline - performance.now();
      if (leased || left <= 0) return leased;
      // woken by a new offer or an expired lease here; other processes' offers are seen within a second
      await new Promise<void>((resolve) => {
        const done = () => (clearTimeout(timer), this.waiting.delete(done), resolve());
        const timer = setTimeout(done, Math.min(left, 1000));
        this.waiting.add(done);
      });
    }
  }

  private claimOnce(agent: Agent, targets: readonly string[] | undefined, moment: Moment, leaseMs: number): Promise<LeasedStep | undefined> {
    const now = moment.now.toISOString();
    return this.runs.store.db.transaction(async (tx) => {
      for (;;) {
        const { rows } = await tx.query<Row>(
          `SELECT step_key, deployment_id, environment, message, lease FROM ${this.schema}.agent_steps
           WHERE environment = $1 AND (target IS NULL OR $2::text[] IS NULL OR target = ANY($2::text[])) AND (status = 'offered' OR (status = 'leased' AND expires_at <= $3))
           ORDER BY offered_at, step_key LIMIT 1 FOR UPDATE SKIP LOCKED`,
          [agent.environment, targets ? [...targets] : null, now],
        );
        const [row] = rows;
        if (!row) return undefined;
        if (!(await this.awaited(row, tx))) {
          // the run moved on (aborted, asked again under a new attempt): the offer is withdrawn
          await tx.query(`DELETE FROM ${this.schema}.agent_steps WHERE step_key = $1`, [row.step_key]);
          continue;
        }
        const leaseId = moment.newId();
        const lease = await this.decide(tx, row, { type: 'ClaimStep', leaseId, agent: agent.subject, now, leaseMs });
        await tx.query(`INSERT INTO ${this.schema}.agent_leases (lease_id, step_key) VALUES ($1, $2)`, [leaseId, row.step_key]);
        return { leaseId, expiresAt: (lease as Extract<StepLease, { status: 'leased' }>).expiresAt, step: row.message };
      }
    });
  }

  /** Extends the agent's lease in force. */
  renew(leaseId: string, agent: string, moment: Moment): Promise<{ leaseId: string; expiresAt: string }> {
    return this.runs.store.db.transaction(async (tx) => {
      const row = await this.leased(leaseId, tx);
      const lease = await this.decide(tx, row, { type: 'RenewLease', leaseId, agent, now: moment.now.toISOString(), leaseMs: this.leaseMsFor(row.environment) });
      return { leaseId, expiresAt: lease.status === 'leased' ? lease.expiresAt : moment.now.toISOString() };
    });
  }

  /**
   * The agent's result, under its lease in force: recorded on the run as the webhook's callback is (the digests checked
   * against what was sent), once. A duplicate is answered as the first was.
   */
  async report(leaseId: string, agent: string, outcome: Extract<StepOutcome, { status: 'succeeded' | 'failed' }>, origin: CommandOrigin): Promise<ReportAnswer> {
    const now = origin.now.toISOString();
    const { answer, deploymentId, recordedNow } = await this.runs.store.db.transaction(async (tx) => {
      const row = await this.leased(leaseId, tx);
      const { state: run } = await this.runs.load(row.deployment_id, tx);
      const step = nextStep(run);
      const awaited = step !== undefined && idempotencyKey(row.deployment_id, step, attemptOf(run, step)) === row.step_key;
      const before = row.lease;
      const lease = await this.decide(tx, row, { type: 'ReportStep', leaseId, agent, now, outcome, recorded: awaited });
      if (lease.status !== 'reported') throw new Error(`lease ${leaseId} not reported`);
      const first = before.status !== 'reported';
      if (first && awaited) await this.runs.execute(row.deployment_id, { type: 'RecordStepOutcome', deploymentId: row.deployment_id, step: step!, outcome, now }, origin, tx);
      return { answer: lease.answer, deploymentId: row.deployment_id, recordedNow: first && awaited };
    });
    if (recordedNow) this.around.recorded(deploymentId);
    return answer;
  }

  /** The lease's timer fired: a lease not renewed is over, and the step is on offer again. */
  async expire(stepKey: string, leaseId: string, now: Date): Promise<void> {
    const expired = await this.runs.store.db.transaction(async (tx) => {
      const { rows } = await tx.query<Row>(`SELECT step_key, deployment_id, environment, message, lease FROM ${this.schema}.agent_steps WHERE step_key = $1 FOR UPDATE`, [stepKey]);
      if (!rows[0]) return false;
      return (await this.decide(tx, rows[0], { type: 'ExpireLease', leaseId, now: now.toISOString() })).status === 'offered';
    });
    if (expired) this.wake();
  }

  private async awaited(row: Row, tx: SqlClient): Promise<boolean> {
    const { state: run } = await this.runs.load(row.deployment_id, tx);
    const step = nextStep(run);
    return step !== undefined && idempotencyKey(row.deployment_id, step, attemptOf(run, step)) === row.step_key;
  }

  private async leased(leaseId: string, tx: SqlClient): Promise<Row> {
    const { rows } = await tx.query<Row>(
      `SELECT s.step_key, s.deployment_id, s.environment, s.message, s.lease FROM ${this.schema}.agent_leases l JOIN ${this.schema}.agent_steps s USING (step_key) WHERE l.lease_id = $1 FOR UPDATE OF s`,
      [leaseId],
    );
    if (!rows[0]) throw new RuleRefused('UnknownLease', { leaseId });
    return rows[0];
  }

  /** Decides a lease command on the row's state, keeps the new state, and the lease's due time with it. */
  private async decide(tx: SqlClient, row: Row, command: LeaseCommand): Promise<StepLease> {
    const outcome = stepLeaseDecider.decide(command, row.lease);
    if (isRefused(outcome)) throw refused(outcome.refused);
    const lease = outcome.reduce(stepLeaseDecider.evolve, row.lease);
    if (outcome.length === 0) return lease;
    await tx.query(`UPDATE ${this.schema}.agent_steps SET lease = $2, status = $3, expires_at = $4 WHERE step_key = $1`, [
      row.step_key,
      JSON.stringify(lease),
      lease.status,
      lease.status === 'leased' ? lease.expiresAt : null,
    ]);
    if (lease.status === 'leased') await scheduleTimer(tx, this.schema, { id: leaseTimer(row.step_key), kind: LEASE_TIMER, dueAt: lease.expiresAt, payload: { stepKey: row.step_key, leaseId: lease.leaseId } });
    else await cancelTimer(tx, this.schema, leaseTimer(row.step_key));
    return lease;
  }

  private wake(): void {
    [...this.waiting].forEach((done) => done());
  }
}
