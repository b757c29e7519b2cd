import { Database, migrate } from '@gantry/event-store';
import { createTestDatabase, eventually, type TestDatabase } from '@gantry/testing';
import { systemClock } from './clock';
import { cancelTimer, dueTimerMigrations, scheduleTimer, startDueTimers, type RunningDueTimers, type TimerHandler } from './due-timers';

describe('due timers (real PostgreSQL)', () => {
  const schema = 'timers_test';
  let database: TestDatabase;
  let db: Database;
  let clock = new Date('2027-01-01T10:00:00.000Z');
  const running: RunningDueTimers[] = [];
  const start = (handlers: Record<string, TimerHandler>) => {
    const timers = startDueTimers({ db, schema, handlers, intervalMs: 20, clock: { now: () => clock, newId: systemClock.newId }, retryDelayMs: () => 1_000 });
    running.push(timers);
    return timers;
  };
  const pending = async () => (await db.query<{ timer_id: string }>(`SELECT timer_id FROM ${schema}.due_timers ORDER BY timer_id`)).rows.map((r) => r.timer_id);

  beforeAll(async () => {
    database = await createTestDatabase();
    db = Database.connect(database.url);
    await db.query(`CREATE SCHEMA ${schema}`);
    await migrate(db, schema, dueTimerMigrations);
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((t) => t.stop()));
    await db.query(`DELETE FROM ${schema}.due_timers`);
  });

  afterAll(async () => {
    await db?.pool.end();
    await database?.drop();
  });

  it('fires a timer once it is due, in due order, and forgets it', async () => {
    const fired: string[] = [];
    await db.transaction(async (tx) => {
      await scheduleTimer(tx, schema, { id: 'late', kind: 'start', dueAt: '2027-01-01T10:05:00.000Z', payload: { n: 2 } });
      await scheduleTimer(tx, schema, { id: 'early', kind: 'start', dueAt: '2027-01-01T10:01:00.000Z', payload: { n: 1 } });
    });
    const firedAt: string[] = [];
    const timers = start({ start: async (t, moment) => void (fired.push(`${t.id}:${(t.payload as { n: number }).n}`), firedAt.push(moment.now.toISOString())) });
    await timers.drain();
    expect(fired).toEqual([]);

    clock = new Date('2027-01-01T10:10:00.000Z');
    await timers.drain();
    expect(fired).toEqual(['early:1', 'late:2']);
    // the command a timer runs happens when it fires, by the process's clock
    expect(firedAt).toEqual(['2027-01-01T10:10:00.000Z', '2027-01-01T10:10:00.000Z']);
    expect(await pending()).toEqual([]);
  });

  it('survives a restart: a timer that fell due while nothing ran fires when the poller starts again', async () => {
    await db.transaction((tx) => scheduleTimer(tx, schema, { id: 'while-down', kind: 'start', dueAt: clock, payload: {} }));
    const fired: string[] = [];
    start({ start: async (t) => void fired.push(t.id) });
    await eventually(() => fired.length === 1, { what: 'the timer that fell due while down' });
    expect(fired).toEqual(['while-down']);
  });

  it('scheduling an id again moves the timer; a cancelled timer never fires', async () => {
    await db.transaction(async (tx) => {
      await scheduleTimer(tx, schema, { id: 'moved', kind: 'start', dueAt: clock, payload: { v: 1 } });
      await scheduleTimer(tx, schema, { id: 'moved', kind: 'start', dueAt: new Date(clock.getTime() + 60_000), payload: { v: 2 } });
      await scheduleTimer(tx, schema, { id: 'cancelled', kind: 'start', dueAt: clock, payload: {} });
      await cancelTimer(tx, schema, 'cancelled');
    });
    const fired: unknown[] = [];
    const timers = start({ start: async (t) => void fired.push(t.payload) });
    await timers.drain();
    expect(fired).toEqual([]);
    clock = new Date(clock.getTime() + 60_000);
    await timers.drain();
    expect(fired).toEqual([{ v: 2 }]);
  });

  it('a handler that fails keeps its timer, which fires again after the retry delay with its attempts counted', async () => {
    await db.transaction((tx) => scheduleTimer(tx, schema, { id: 'flaky', kind: 'start', dueAt: clock, payload: {} }));
    const attempts: number[] = [];
    const timers = start({
      start: async (t) => {
        attempts.push(t.attempts);
        if (t.attempts === 0) throw new Error('executor unreachable (injected)');
      },
    });
    await timers.drain();
    expect(attempts).toEqual([0]);
    expect(await pending()).toEqual(['flaky']);
    await timers.drain();
    expect(attempts).toEqual([0]);
    clock = new Date(clock.getTime() + 1_000);
    await timers.drain();
    expect(attempts).toEqual([0, 1]);
    expect(await pending()).toEqual([]);
  });

  it('a timer moved while its handler runs is kept for its new time', async () => {
    await db.transaction((tx) => scheduleTimer(tx, schema, { id: 'rescheduled', kind: 'start', dueAt: clock, payload: {} }));
    const timers = start({
      start: async (t) => {
        await db.transaction((tx) => scheduleTimer(tx, schema, { id: t.id, kind: 'start', dueAt: new Date(clock.getTime() + 3_600_000), payload: {} }));
      },
    });
    await timers.drain();
    expect(await pending()).toEqual(['rescheduled']);
  });

  it('replicas sweeping one schema fire each timer once: the one that claims it', async () => {
    await db.transaction(async (tx) => {
      for (let i = 0; i < 40; i++) await scheduleTimer(tx, schema, { id: `t-${String(i).padStart(2, '0')}`, kind: 'start', dueAt: clock, payload: {} });
    });
    const fired: string[] = [];
    // slow enough that the replicas' sweeps overlap
    const handlers = { start: async (t: { id: string }) => void (fired.push(t.id), await new Promise((resolve) => setTimeout(resolve, 5))) };
    const replicas = [start(handlers), start(handlers), start(handlers)];
    await eventually(async () => (await pending()).length === 0, { timeoutMs: 20_000, what: 'every timer to be fired' });
    await Promise.all(replicas.map((r) => r.drain()));
    expect(fired.sort()).toEqual(Array.from({ length: 40 }, (_, i) => `t-${String(i).padStart(2, '0')}`));
  });

  it("a timer a dead replica claimed is left to the others until the claim lapses; moving it ends the claim", async () => {
    await db.transaction((tx) => scheduleTimer(tx, schema, { id: 'claimed', kind: 'start', dueAt: clock, payload: {} }));
    await db.query(`UPDATE ${schema}.due_timers SET claimed_until = now() + interval '1 hour'`);
    const fired: string[] = [];
    const timers = start({ start: async (t) => void fired.push(t.id) });
    await timers.drain();
    expect(fired).toEqual([]);
    await db.query(`UPDATE ${schema}.due_timers SET claimed_until = now() - interval '1 second'`);
    timers.wake();
    await eventually(async () => fired.length === 1, { timeoutMs: 5_000, what: 'the lapsed claim to be taken over' });
    // scheduled again while claimed: a new due time, claimed by nobody
    await db.transaction((tx) => scheduleTimer(tx, schema, { id: 'moved', kind: 'start', dueAt: clock, payload: {} }));
    await db.query(`UPDATE ${schema}.due_timers SET claimed_until = now() + interval '1 hour'`);
    await db.transaction((tx) => scheduleTimer(tx, schema, { id: 'moved', kind: 'start', dueAt: new Date(clock.getTime() - 1_000), payload: {} }));
    timers.wake();
    await eventually(async () => fired.includes('moved'), { timeoutMs: 5_000, what: 'the moved timer to fire' });
  });

  describe('on the system clock', () => {
    const startOnSystemClock = (handlers: Record<string, TimerHandler>, restingMs: number, on = db) => {
      const timers = startDueTimers({ db: on, schema, handlers, restingMs });
      running.push(timers);
      return timers;
    };
    /** the sweeps the poller makes: the statements that look for due timers */
    const sweepsOf = (on: Database) => {
      let sweeps = 0;
      const query = on.query;
      on.query = ((text: string, values?: unknown[]) => {
        if (typeof text === 'string' && text.includes('due_at <= $1')) sweeps += 1;
        return query(text, values);
      }) as Database['query'];
      return { count: () => sweeps, restore: () => (on.query = query) };
    };

    it('sleeps until the next timer is due, and hears of a timer this process schedules once its transaction commits', async () => {
      const fired: { id: string; lateMs: number }[] = [];
      const sweeps = sweepsOf(db);
      try {
        startOnSystemClock({ start: async (t) => void fired.push({ id: t.id, lateMs: Date.now() - t.dueAt.getTime() }) }, 60_000);
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        // nothing due: one sweep at start, then asleep (the resting poll is a minute away)
        expect(sweeps.count()).toBe(1);
        const dueAt = new Date(Date.now() + 600);
        await db.transaction((tx) => scheduleTimer(tx, schema, { id: 'soon', kind: 'start', dueAt, payload: {} }));
        await eventually(() => fired.length === 1, { timeoutMs: 5_000, what: 'the timer scheduled here to fire at its due time' });
        expect(fired[0]!.id).toBe('soon');
        expect(fired[0]!.lateMs).toBeGreaterThanOrEqual(0);
        expect(fired[0]!.lateMs).toBeLessThan(1_000);
        expect(sweeps.count()).toBeLessThanOrEqual(4);
      } finally {
        sweeps.restore();
      }
    });

    it('finds a timer another replica scheduled and did not fire within its resting poll', async () => {
      const replica = Database.connect(database.url);
      try {
        const fired: string[] = [];
        startOnSystemClock({ start: async (t) => void fired.push(t.id) }, 500);
        await new Promise((resolve) => setTimeout(resolve, 200));
        // scheduled through another pool, as another process would: this poller hears nothing of it
        await replica.transaction((tx) => scheduleTimer(tx, schema, { id: 'elsewhere', kind: 'start', dueAt: new Date(), payload: {} }));
        await eventually(() => fired.length === 1, { timeoutMs: 5_000, what: "the other replica's timer to be found by the resting poll" });
        expect(fired).toEqual(['elsewhere']);
      } finally {
        await replica.close();
      }
    });
  });
});
