import { EventStore, type Migration, type SqlClient } from '@gantry/event-store';
import { cancelTimer, executeCommand, loadAggregate, scheduleTimer, type CommandOrigin, type CommandResult } from '@gantry/platform';
import type { BlueGreenSide, DeploymentPlanned, FreezePeriod } from '@gantry/contracts';
import { keepLiveSide, liveSideMigrations, liveSideOf } from './live-sides';
import type { EnvironmentFact, LateFact } from './late-changes';
import { deploymentRunDecider, FORBIDDING_REFUSALS, type DeploymentRun, type RunCommand, type RunEvent } from './deployment-run.decider';
import { nextStep } from './run-steps';

export const runStream = (deploymentId: string) => ({ streamId: `DeploymentRun-${deploymentId}`, streamType: 'DeploymentRun' });

/**
 * `active_runs`: the runs that still have something to do (waiting for their window, running, rolling back), kept in
 * the transaction of every command, so that a restarted driver finds every unfinished run without reading all streams.
 * `callback_receipts`: the signatures of accepted webhook callbacks; a second use of one is a replay.
 */
export const runMigrations: Migration[] = [
  {
    id: 'execution/001-active-runs-callback-receipts',
    up: (schema) => `
      CREATE TABLE IF NOT EXISTS ${schema}.active_runs (deployment_id text PRIMARY KEY, since timestamptz NOT NULL DEFAULT now());
      CREATE TABLE IF NOT EXISTS ${schema}.callback_receipts (signature text PRIMARY KEY, deployment_id text NOT NULL, received_at timestamptz NOT NULL DEFAULT now());
    `,
  },
  {
    // an environment as planning last published it (its stream version): weighed against a plan made before it
    id: 'execution/002-environment-conditions',
    up: (schema) => `
      CREATE TABLE IF NOT EXISTS ${schema}.environment_conditions (
        name text PRIMARY KEY, version integer NOT NULL, freezes jsonb NOT NULL, time_zone text NOT NULL, decommissioned text
      );
    `,
  },
  ...liveSideMigrations,
  {
    // the trace a run is driven in, when nothing traced kicks it (the sweep, a commit's aftermath)
    id: 'execution/004-active-runs-trace',
    up: (schema) => `ALTER TABLE ${schema}.active_runs ADD COLUMN IF NOT EXISTS traceparent text`,
  },
  {
    // whether the run has an executor step to ask: only those are swept (a run waiting for its window, a verdict or a
    // person is woken by its timer or by the command that ends the wait); true until a command says otherwise
    id: 'execution/005-active-runs-step-pending',
    up: (schema) => `ALTER TABLE ${schema}.active_runs ADD COLUMN IF NOT EXISTS step_pending boolean NOT NULL DEFAULT true`,
  },
  {
    // the replica driving the run and until when (RunCommands.claim); a drive owed to the run once it lets go; the step
    // key an executor accepted to answer by callback, not asked again by any replica
    id: 'execution/006-active-runs-lease',
    up: (schema) => `
      ALTER TABLE ${schema}.active_runs ADD COLUMN IF NOT EXISTS driver text;
      ALTER TABLE ${schema}.active_runs ADD COLUMN IF NOT EXISTS lease_until timestamptz;
      ALTER TABLE ${schema}.active_runs ADD COLUMN IF NOT EXISTS drive_owed boolean NOT NULL DEFAULT false;
      ALTER TABLE ${schema}.active_runs ADD COLUMN IF NOT EXISTS awaiting_callback text;
    `,
  },
  {
    // how many commands changed the run, and up to which of them a drive finished: a run changed since it was last
    // driven missed its kick (a crash between a command's commit and its kick, a drive that failed)
    id: 'execution/007-active-runs-changes',
    up: (schema) => `
      ALTER TABLE ${schema}.active_runs ADD COLUMN IF NOT EXISTS changes bigint NOT NULL DEFAULT 1;
      ALTER TABLE ${schema}.active_runs ADD COLUMN IF NOT EXISTS driven_changes bigint NOT NULL DEFAULT 0;
    `,
  },
  {
    // what the sweeps ask for, indexed alone: their cost follows the runs in flight, not the runs waiting
    id: 'execution/008-active-runs-sweep-indexes',
    up: (schema) => `
      CREATE INDEX IF NOT EXISTS active_runs_step_pending ON ${schema}.active_runs (since) WHERE step_pending;
      CREATE INDEX IF NOT EXISTS active_runs_undriven ON ${schema}.active_runs (since) WHERE changes > driven_changes;
    `,
  },
];

export interface ActiveRun {
  deploymentId: string;
  traceparent?: string;
}

/**
 * A replica's claim on driving a run: `driving` (the lease is this replica's until `leaseMs` from now; the commands that
 * changed the run so far; the step key an executor accepted to answer by callback, if any), `held` (another replica's lease runs; with `owe`, it drives the
 * run again when it lets go), or `ended` (the run is not active).
 */
export type Claim = { status: 'driving'; changes: number; awaitingCallback?: string } | { status: 'held' } | { status: 'ended' };

/** Due timers (libs/platform due-timers) of the window: when they fire, the run is advanced at that time. */
export const WINDOW_TIMER = 'run-window';
const windowTimer = (edge: 'opens' | 'closes', deploymentId: string) => `run-window-${edge}:${deploymentId}`;

const active = (run: DeploymentRun) => run.status !== 'unplanned' && run.status !== 'ended';

/** Refusals about who is asking are 403; the others are about the run's state, 409. */
const refusalStatus = (code: string) => ((FORBIDDING_REFUSALS as readonly string[]).includes(code) ? 403 : 409);

/** The one way a command reaches a run: decide, append, and keep `active_runs` in the same transaction. */
export class RunCommands {
  constructor(readonly store: EventStore) {}

  execute(deploymentId: string, command: RunCommand, origin: Pick<CommandOrigin, 'metadata' | 'newId'>, tx?: SqlClient): Promise<CommandResult<DeploymentRun, RunEvent>> {
    const afterAppend = async (events: readonly RunEvent[], t: SqlClient, run: DeploymentRun, before: DeploymentRun) => {
      await this.keepActive(t, deploymentId, run, before, origin.metadata.traceparent);
      await keepLiveSide(t, this.store.schema, events, run);
    };
    return executeCommand(this.store, deploymentRunDecider, runStream(deploymentId), command, { metadata: origin.metadata, newId: origin.newId, refusalStatus, maxAttempts: 5, afterAppend }, tx);
  }

  load(deploymentId: string, client?: SqlClient) {
    return loadAggregate(this.store, deploymentRunDecider, runStream(deploymentId).streamId, client);
  }

  /** Blue-green's side serving the plan's service in its environment now, for a run being prepared. */
  liveSide(tx: SqlClient, plan: Pick<DeploymentPlanned, 'environment' | 'service'>): Promise<BlueGreenSide | undefined> {
    return liveSideOf(tx, this.store.schema, plan.environment, plan.service);
  }

  /**
   * The unfinished runs; `stepPending`: only those with an executor step to ask; `unleased`: only those no replica is
   * driving (the sweep's: a run being driven is driven again by its replica when a kick is owed); `undriven`: only those
   * a command changed since a drive last finished.
   */
  async activeRuns(client: SqlClient = this.store.db, { stepPending = false, unleased = false, undriven = false } = {}): Promise<ActiveRun[]> {
    const conditions = [
      ...(stepPending ? ['step_pending'] : []),
      ...(unleased ? ['(lease_until IS NULL OR lease_until < now())'] : []),
      ...(undriven ? ['changes > driven_changes'] : []),
    ];
    const { rows } = await client.query<{ deployment_id: string; traceparent: string | null }>(
      `SELECT deployment_id, traceparent FROM ${this.store.schema}.active_runs ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY since`,
    );
    return rows.map((r) => ({ deploymentId: r.deployment_id, traceparent: r.traceparent ?? undefined }));
  }

  /**
   * Claims (or renews) the lease on driving a run for `driver`, until `leaseMs` from now by the database's clock, which
   * every replica shares. A lease that lapsed (its replica died) is taken over. When another replica holds it and `owe`
   * is set, the run is marked as owed a drive, which that replica does before it lets go (`release`).
   */
  async claim(deploymentId: string, driver: string, leaseMs: number, { owe = false } = {}): Promise<Claim> {
    const { schema, db } = this.store;
    for (;;) {
      const { rows } = await db.query<{ awaiting_callback: string | null; changes: string }>(
        `UPDATE ${schema}.active_runs SET driver = $2, lease_until = now() + $3 * interval '1 millisecond'
         WHERE deployment_id = $1 AND (driver IS NULL OR driver = $2 OR lease_until < now()) RETURNING awaiting_callback, changes`,
        [deploymentId, driver, leaseMs],
      );
      if (rows.length === 1) return { status: 'driving', changes: Number(rows[0].changes), ...(rows[0].awaiting_callback ? { awaitingCallback: rows[0].awaiting_callback } : {}) };
      const held = await db.query(
        `UPDATE ${schema}.active_runs SET drive_owed = drive_owed OR $3 WHERE deployment_id = $1 AND driver <> $2 AND lease_until >= now() RETURNING deployment_id`,
        [deploymentId, driver, owe],
      );
      if (held.rows.length === 1) return { status: 'held' };
      // no row: the run ended; a row again: its lease was let go or lapsed between the two statements
      const exists = await db.query(`SELECT 1 FROM ${schema}.active_runs WHERE deployment_id = $1`, [deploymentId]);
      if (exists.rows.length === 0) return { status: 'ended' };
    }
  }

  /**
   * Lets go of the lease, unless a drive is owed and `keepOwed`: then it is kept, and true says drive the run again (a
   * replica that is stopping lets go all the same, for another to take the run over at once). `drove`: the drive
   * finished, having seen the run as this many commands left it.
   */
  async release(deploymentId: string, driver: string, { keepOwed = true, drove }: { keepOwed?: boolean; drove?: number } = {}): Promise<boolean> {
    const { rows } = await this.store.db.query<{ again: boolean }>(
      `UPDATE ${this.store.schema}.active_runs
       SET driver = CASE WHEN drive_owed AND $3 THEN driver END, lease_until = CASE WHEN drive_owed AND $3 THEN lease_until END, drive_owed = false,
         driven_changes = GREATEST(driven_changes, COALESCE($4, 0))
       WHERE deployment_id = $1 AND driver = $2 RETURNING driver IS NOT NULL AS again`,
      [deploymentId, driver, keepOwed, drove ?? null],
    );
    return rows[0]?.again ?? false;
  }

  /** The step key an executor accepted to answer by callback: no replica asks it again. */
  async awaitCallback(deploymentId: string, key: string): Promise<void> {
    await this.store.db.query(`UPDATE ${this.store.schema}.active_runs SET awaiting_callback = $2 WHERE deployment_id = $1`, [deploymentId, key]);
  }

  /** The trace of the run's latest command that had one (undefined once the run ended). */
  async traceOf(deploymentId: string): Promise<string | undefined> {
    const { rows } = await this.store.db.query<{ traceparent: string | null }>(`SELECT traceparent FROM ${this.store.schema}.active_runs WHERE deployment_id = $1`, [deploymentId]);
    return rows[0]?.traceparent ?? undefined;
  }

  /** Keeps what planning published about an environment, unless a later version of it is kept already. */
  async keepEnvironment(tx: SqlClient, fact: EnvironmentFact, version: number): Promise<void> {
    const decommissioned = fact.kind === 'environment-decommissioned';
    await tx.query(
      `INSERT INTO ${this.store.schema}.environment_conditions AS c (name, version, freezes, time_zone, decommissioned) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (name) DO UPDATE SET version = EXCLUDED.version, decommissioned = EXCLUDED.decommissioned,
         freezes = CASE WHEN $6 THEN c.freezes ELSE EXCLUDED.freezes END, time_zone = CASE WHEN $6 THEN c.time_zone ELSE EXCLUDED.time_zone END
       WHERE c.version < EXCLUDED.version`,
      [
        decommissioned ? fact.environment : fact.environment.name,
        version,
        JSON.stringify(decommissioned ? [] : fact.environment.freezes),
        decommissioned ? 'UTC' : fact.environment.timeZone,
        decommissioned ? fact.reason : null,
        decommissioned,
      ],
    );
  }

  /** What is known of the environment at a later version than the plan's: the late facts it was not made against. */
  async environmentSince(tx: SqlClient, name: string, version: number): Promise<LateFact | undefined> {
    const { rows } = await tx.query<{ freezes: FreezePeriod[]; time_zone: string; decommissioned: string | null }>(
      `SELECT freezes, time_zone, decommissioned FROM ${this.store.schema}.environment_conditions WHERE name = $1 AND version > $2`,
      [name, version],
    );
    const [row] = rows;
    if (!row) return undefined;
    return row.decommissioned !== null
      ? { kind: 'environment-decommissioned', environment: name, reason: row.decommissioned }
      : { kind: 'environment-updated', environment: { name, freezes: row.freezes, timeZone: row.time_zone } };
  }

  /** Records a callback's signature; false when it was used before (a replay). */
  async firstUseOf(signature: string, deploymentId: string, tx: SqlClient): Promise<boolean> {
    const { rows } = await tx.query(`INSERT INTO ${this.store.schema}.callback_receipts (signature, deployment_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING signature`, [signature, deploymentId]);
    return rows.length === 1;
  }

  /** What must commit with a run's new events: whether it is still active, and its window's due times. */
  private async keepActive(tx: SqlClient, deploymentId: string, run: DeploymentRun, before: DeploymentRun, traceparent: string | undefined): Promise<void> {
    const { schema } = this.store;
    if (active(run)) {
      // each command counts as a change the driver must see (RunDriver's full sweep drives runs changed since)
      await tx.query(
        `INSERT INTO ${schema}.active_runs AS a (deployment_id, traceparent, step_pending) VALUES ($1, $2, $3)
         ON CONFLICT (deployment_id) DO UPDATE SET traceparent = COALESCE(EXCLUDED.traceparent, a.traceparent), step_pending = EXCLUDED.step_pending, changes = a.changes + 1`,
        [deploymentId, traceparent ?? null, nextStep(run) !== undefined],
      );
    } else {
      await tx.query(`DELETE FROM ${schema}.active_runs WHERE deployment_id = $1`, [deploymentId]);
    }
    await this.keepWindowTimers(tx, deploymentId, windowTimersOf(run), windowTimersOf(before));
  }

  /**
   * The run's due times, kept with its events when the command changed them (most commands leave them as they are):
   * the window's start while it waits (it starts then), the window's end while it may still be running before it
   * (adherence, and the pause at the next wave boundary).
   */
  private async keepWindowTimers(tx: SqlClient, deploymentId: string, timers: WindowTimers, before: WindowTimers): Promise<void> {
    const { schema } = this.store;
    const payload = { deploymentId };
    for (const edge of ['opens', 'closes'] as const) {
      if (timers[edge] === before[edge]) continue;
      if (timers[edge] !== undefined) await scheduleTimer(tx, schema, { id: windowTimer(edge, deploymentId), kind: WINDOW_TIMER, dueAt: timers[edge], payload });
      else await cancelTimer(tx, schema, windowTimer(edge, deploymentId));
    }
  }
}

interface WindowTimers {
  opens?: string;
  closes?: string;
}

/** When the run's window timers are due, as the run stands: none before it is planned and once it is past them. */
const windowTimersOf = (run: DeploymentRun): WindowTimers => ({
  ...(run.status === 'waiting' ? { opens: run.window.start } : {}),
  ...((run.status === 'waiting' || run.status === 'running') && !run.missed ? { closes: run.window.end } : {}),
});
