import type { Database, Migration, SqlClient } from '@gantry/event-store';
import { continueTrace, currentTraceparent } from '@gantry/observability';
import { momentOf, systemClock, type Clock, type Moment } from './clock';

/**
 * A due timer: something a service must do at a time (start a run when its window opens, give a canary verdict at
 * its deadline). Timers live in the service's schema, written in the same transaction as the events that call for
 * them, so a restart loses none: the poller fires whatever fell due while the process was down.
 *
 * Delivery is at least once: a timer is deleted only after its handler resolved. Replicas sweeping one schema each
 * claim a timer before they fire it (`claimed_until`, by the database's clock), so one of them fires it; a replica
 * that dies with a claim leaves it to the others after CLAIM_SECONDS, and a handler slower than that may see its timer
 * fired twice. Handlers must therefore be idempotent, which commands handled by a decider are (a repeated command is
 * a no-op).
 */
export interface DueTimer<P = unknown> {
  /** one timer per id: scheduling an id again moves it (e.g. `run-start:<deploymentId>`) */
  id: string;
  /** which handler fires it */
  kind: string;
  dueAt: Date | string;
  payload: P;
  /** the trace its handler continues; default: the one under way when it is scheduled */
  traceparent?: string;
}

export interface FiredTimer<P = unknown> {
  id: string;
  kind: string;
  dueAt: Date;
  payload: P;
  /** how many times a handler failed on it before */
  attempts: number;
}

/** `moment`: the clock's reading when the timer fired, the time of the command it runs (not its due time) */
export type TimerHandler = (timer: FiredTimer<any>, moment: Moment) => Promise<void>;

export const dueTimerMigrations: Migration[] = [
  {
    id: 'platform/001-due-timers',
    up: (schema) => `
      CREATE TABLE IF NOT EXISTS "${schema}".due_timers (
        timer_id text PRIMARY KEY,
        kind text NOT NULL,
        due_at timestamptz NOT NULL,
        payload jsonb NOT NULL,
        attempts int NOT NULL DEFAULT 0
      );
      CREATE INDEX IF NOT EXISTS due_timers_due_at ON "${schema}".due_timers (due_at)`,
  },
  {
    id: 'platform/002-due-timers-trace',
    up: (schema) => `ALTER TABLE "${schema}".due_timers ADD COLUMN IF NOT EXISTS traceparent text`,
  },
  {
    // until when a replica firing the timer holds it (startDueTimers)
    id: 'platform/003-due-timers-claim',
    up: (schema) => `ALTER TABLE "${schema}".due_timers ADD COLUMN IF NOT EXISTS claimed_until timestamptz`,
  },
];

/** how long a replica's claim on firing a timer holds the other replicas off */
const CLAIM_SECONDS = 60;

/** The pollers of this process, by schema, told of each timer scheduled here (its due time, ms since the epoch). */
const pollersOf = new Map<string, Set<(dueAt: number) => void>>();

/** Schedules a timer, or moves it when its id is already scheduled. Call it inside the command's transaction. */
export async function scheduleTimer(tx: SqlClient, schema: string, timer: DueTimer): Promise<void> {
  const dueAt = new Date(timer.dueAt);
  await tx.query(
    `INSERT INTO "${schema}".due_timers (timer_id, kind, due_at, payload, traceparent) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (timer_id) DO UPDATE SET kind = EXCLUDED.kind, due_at = EXCLUDED.due_at, payload = EXCLUDED.payload, traceparent = EXCLUDED.traceparent, attempts = 0, claimed_until = NULL`,
    [timer.id, timer.kind, dueAt.toISOString(), JSON.stringify(timer.payload), timer.traceparent ?? currentTraceparent() ?? null],
  );
  pollersOf.get(schema)?.forEach((heard) => heard(dueAt.getTime()));
}

export async function cancelTimer(tx: SqlClient, schema: string, id: string): Promise<void> {
  await tx.query(`DELETE FROM "${schema}".due_timers WHERE timer_id = $1`, [id]);
}

export interface DueTimersOptions {
  db: Database;
  schema: string;
  handlers: Record<string, TimerHandler>;
  /**
   * How often to look for due timers when the clock is not the system's (a test's, which jumps); default 250 ms.
   * On the system clock the poller sleeps until the next timer is due, and is woken by timers this process schedules
   * once their transaction commits. `wake()` looks at once.
   */
  intervalMs?: number;
  /**
   * On the system clock, the longest sleep: how late the poller may notice a timer another replica scheduled and did
   * not fire (it died), or one whose dead replica's claim lapsed; default 5 s.
   */
  restingMs?: number;
  /** the process's clock (tests move it): what is due, and the moment handed to handlers */
  clock?: Clock;
  /** delay before a failed timer is fired again: grows with its attempts, at most a minute */
  retryDelayMs?: (attempts: number) => number;
  log?: (level: 'warn' | 'error', message: string, fields: Record<string, unknown>) => void;
}

export interface RunningDueTimers {
  /** look for due timers now (after scheduling one that is already due) */
  wake(): void;
  /** resolves once every timer due now has been fired (tests wait on it) */
  drain(): Promise<void>;
  stop(): Promise<void>;
}

const BATCH = 100;

interface TimerRow {
  timer_id: string;
  kind: string;
  due_at: Date;
  payload: unknown;
  attempts: number;
  traceparent: string | null;
}

/** Fires due timers, oldest first, until stopped. */
export function startDueTimers(options: DueTimersOptions): RunningDueTimers {
  const { db, schema, handlers } = options;
  const intervalMs = options.intervalMs ?? 250;
  const restingMs = options.restingMs ?? 5_000;
  const clock = options.clock ?? systemClock;
  // a test's clock may jump ahead at any moment: only the system's tells how long to sleep
  const sleepsUntilDue = clock === systemClock;
  const now = () => clock.now();
  const retryDelayMs = options.retryDelayMs ?? ((attempts: number) => Math.min(60_000, 500 * 2 ** attempts));
  let stopped = false;
  let current: Promise<void> = Promise.resolve();
  let again = false;

  /** whether this replica now holds the timer for this due time (no other replica fires it meanwhile) */
  const claim = async (row: TimerRow): Promise<boolean> => {
    const { rows } = await db.query(
      `UPDATE "${schema}".due_timers SET claimed_until = now() + interval '${CLAIM_SECONDS} seconds'
       WHERE timer_id = $1 AND due_at = $2 AND (claimed_until IS NULL OR claimed_until < now()) RETURNING timer_id`,
      [row.timer_id, row.due_at],
    );
    return rows.length === 1;
  };

  const fire = async (row: TimerRow) => {
    const handler = handlers[row.kind];
    if (!(await claim(row))) return;
    try {
      if (!handler) throw new Error(`no handler for timers of kind ${row.kind}`);
      const fired = { id: row.timer_id, kind: row.kind, dueAt: new Date(row.due_at), payload: row.payload, attempts: row.attempts };
      const attributes = { 'gantry.timer.id': row.timer_id, 'gantry.timer.kind': row.kind, 'gantry.timer.attempts': row.attempts };
      await continueTrace(`timer ${row.kind}`, row.traceparent ?? undefined, attributes, () => handler(fired, momentOf(clock)));
      // a timer moved while its handler ran is kept for its new time
      await db.query(`DELETE FROM "${schema}".due_timers WHERE timer_id = $1 AND due_at = $2`, [row.timer_id, row.due_at]);
    } catch (error) {
      options.log?.('error', 'a due timer failed; it fires again later', { timer: row.timer_id, kind: row.kind, attempts: row.attempts + 1, error: String(error) });
      await db
        .query(`UPDATE "${schema}".due_timers SET attempts = attempts + 1, due_at = $3, claimed_until = NULL WHERE timer_id = $1 AND due_at = $2`, [
          row.timer_id,
          row.due_at,
          new Date(now().getTime() + retryDelayMs(row.attempts)).toISOString(),
        ])
        .catch(() => undefined);
    }
  };

  /** The next time a timer is due, when the sweep found none left to fire now. */
  const nextDue = async (): Promise<number | undefined> => {
    const { rows } = await db.query<{ due_at: Date | null }>(
      `SELECT min(due_at) AS due_at FROM "${schema}".due_timers WHERE claimed_until IS NULL OR claimed_until < now()`,
    );
    return rows[0]?.due_at?.getTime();
  };

  const sweep = async (): Promise<number | undefined> => {
    for (;;) {
      const { rows } = await db.query<TimerRow>(
        `SELECT timer_id, kind, due_at, payload, attempts, traceparent FROM "${schema}".due_timers
         WHERE due_at <= $1 AND (claimed_until IS NULL OR claimed_until < now()) ORDER BY due_at, timer_id LIMIT ${BATCH}`,
        [now().toISOString()],
      );
      for (const row of rows) {
        if (stopped) return undefined;
        await fire(row);
      }
      if (rows.length < BATCH) return sleepsUntilDue ? nextDue() : undefined;
    }
  };

  /** when the next sweep is planned (ms since the epoch), and its timeout */
  let planned: { at: number; timeout: NodeJS.Timeout } | undefined;
  const planSweep = (at: number) => {
    if (stopped || (planned && planned.at <= at)) return;
    clearTimeout(planned?.timeout);
    planned = { at, timeout: setTimeout(() => ((planned = undefined), void run()), Math.max(0, at - now().getTime())) };
  };

  /** one sweep at a time; a wake during a sweep runs one more after it; each plans the next */
  const run = (): Promise<void> => {
    if (stopped) return current;
    again = true;
    current = current.then(async () => {
      if (!again || stopped) return;
      again = false;
      let next: number | undefined;
      try {
        next = await sweep();
      } catch (error) {
        options.log?.('warn', 'looking for due timers failed; trying again', { error: String(error) });
        next = now().getTime() + intervalMs;
      }
      const at = now().getTime();
      planSweep(sleepsUntilDue ? Math.min(next ?? Infinity, at + restingMs) : at + intervalMs);
    });
    return current;
  };

  // a timer this process schedules is heard of at once, and looked for once the transaction that scheduled it has
  // committed (before, the sweep would not see it); a transaction rolled back only makes one sweep for nothing
  let heard: number | undefined;
  const hear = (dueAt: number) => void (heard = Math.min(heard ?? Infinity, dueAt));
  const listeners = pollersOf.get(schema) ?? new Set();
  pollersOf.set(schema, listeners.add(hear));
  const stopHearing = db.onCommitted(() => {
    if (heard === undefined) return;
    const at = heard;
    heard = undefined;
    planSweep(at);
  });
  void run();

  return {
    wake: () => void run(),
    drain: () => run(),
    stop: async () => {
      stopped = true;
      clearTimeout(planned?.timeout);
      stopHearing();
      listeners.delete(hear);
      await current;
    },
  };
}
