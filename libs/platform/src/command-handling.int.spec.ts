import { refuse, type Decider, type Refused } from '@gantry/decider';
import { Database, EventStore, type EventMetadata, type SqlClient } from '@gantry/event-store';
import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import { testClock } from './clock';
import { executeCommand, type CommandOptions } from './command-handling';
import { NotFound, StaleVersion } from './errors';

/** A tally: opened once, then numbers added up to a ceiling that lives outside the stream (a fact read in the transaction). */
type Tally = { status: 'none' } | { status: 'open'; total: number };
type TallyEvent = { type: 'TallyOpened'; data: Record<string, never> } | { type: 'NumberAdded'; data: { n: number } };
type TallyCommand = { type: 'OpenTally' } | { type: 'AddNumber'; n: number; ceiling: number } | { type: 'ForgetTally' };
type TallyRefusal = { code: 'TallyNotOpen' } | { code: 'CeilingReached'; ceiling: number };

const tally: Decider<TallyCommand, TallyEvent, Tally, TallyRefusal> = {
  initialState: { status: 'none' },
  evolve: (state, event) => (event.type === 'TallyOpened' ? { status: 'open', total: 0 } : state.status === 'open' ? { status: 'open', total: state.total + event.data.n } : state),
  decide: (command, state): readonly TallyEvent[] | Refused<TallyRefusal> => {
    switch (command.type) {
      case 'OpenTally':
        return state.status === 'none' ? [{ type: 'TallyOpened', data: {} }] : [];
      case 'AddNumber':
        if (state.status === 'none') return refuse({ code: 'TallyNotOpen' });
        return state.total + command.n > command.ceiling ? refuse({ code: 'CeilingReached', ceiling: command.ceiling }) : [{ type: 'NumberAdded', data: { n: command.n } }];
      case 'ForgetTally':
        return [];
    }
  },
};

const metadata: EventMetadata = { actor: { subject: 'ada', roles: [], channel: 'rest' }, correlationId: 'correlation-1' };
let database: TestDatabase;
let db: Database;
let store: EventStore;
let streams = 0;
const target = () => ({ streamId: `Tally-${++streams}`, streamType: 'Tally' });
const options = (more: Partial<CommandOptions<TallyEvent, Tally>> = {}): CommandOptions<TallyEvent, Tally> => ({ metadata, newId: testClock().newId, ...more });
const ceiling = (tx: SqlClient, streamId: string) => tx.query<{ ceiling: number }>('SELECT ceiling FROM tally.ceilings WHERE stream_id = $1', [streamId]).then((r) => r.rows[0]?.ceiling ?? 0);
/** Adds `n` against the ceiling kept for the stream: the preparation reads it in the command's transaction. */
const addAgainstCeiling = (streamId: string, n: number, seen: Tally[] = []) => async (state: Tally, tx: SqlClient): Promise<TallyCommand> => {
  seen.push(state);
  return { type: 'AddNumber', n, ceiling: await ceiling(tx, streamId) };
};

beforeAll(async () => {
  database = await createTestDatabase('gantry_command_path');
  db = Database.connect(database.url, { max: 4 });
  store = new EventStore(db, 'tally');
  await store.migrate();
  await db.query('CREATE TABLE tally.ceilings (stream_id text PRIMARY KEY, ceiling int NOT NULL)');
  await db.query('CREATE TABLE tally.totals (stream_id text PRIMARY KEY, total int NOT NULL)');
});

afterAll(async () => {
  await db?.close();
  await database?.drop();
});

describe('executeCommand: the one command path', () => {
  it("names the new events with the context's id source", async () => {
    const t = target();
    const ids = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'];
    await executeCommand(store, tally, t, { type: 'OpenTally' }, options({ newId: () => ids.shift()! }));
    expect((await store.readStream(t.streamId)).map((e) => e.id)).toEqual(['00000000-0000-4000-8000-000000000001']);
  });

  it("prepares the command from the stream's state and the facts read in its transaction, then decides", async () => {
    const t = target();
    await db.query('INSERT INTO tally.ceilings VALUES ($1, 5)', [t.streamId]);
    await executeCommand(store, tally, t, { type: 'OpenTally' }, options());
    const seen: Tally[] = [];
    const result = await executeCommand(store, tally, t, addAgainstCeiling(t.streamId, 3, seen), options());
    expect(seen).toEqual([{ status: 'open', total: 0 }]);
    expect(result).toMatchObject({ state: { status: 'open', total: 3 }, version: 2 });
    await expect(executeCommand(store, tally, t, addAgainstCeiling(t.streamId, 3), options())).rejects.toMatchObject({ code: 'CeilingReached', status: 409 });
  });

  it('a preparation is made again, on the new state, when a lost race is retried', async () => {
    const t = target();
    await db.query('INSERT INTO tally.ceilings VALUES ($1, 10)', [t.streamId]);
    await executeCommand(store, tally, t, { type: 'OpenTally' }, options());
    let releaseFirst!: () => void;
    const held = new Promise<void>((resolve) => (releaseFirst = resolve));
    const seen: Tally[] = [];
    const first = executeCommand(store, tally, t, async (state, tx) => {
      const command = await addAgainstCeiling(t.streamId, 2, seen)(state, tx);
      if (seen.length === 1) await held;
      return command;
    }, options());
    while (seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await executeCommand(store, tally, t, addAgainstCeiling(t.streamId, 5), options());
    releaseFirst();
    expect((await first).state).toEqual({ status: 'open', total: 7 });
    expect(seen).toEqual([{ status: 'open', total: 0 }, { status: 'open', total: 5 }]);
  });

  it('afterAppend runs in the same transaction with the new events and state: when it fails, nothing is appended', async () => {
    const t = target();
    const afterAppend = async (events: readonly TallyEvent[], tx: SqlClient, state: Tally) => {
      await tx.query('INSERT INTO tally.totals VALUES ($1, $2)', [t.streamId, state.status === 'open' ? state.total : -1]);
      if (events.length > 0) throw new Error('the read model refused (injected)');
    };
    await expect(executeCommand(store, tally, t, { type: 'OpenTally' }, options({ afterAppend }))).rejects.toThrow('injected');
    expect(await store.readStream(t.streamId)).toEqual([]);
    expect((await db.query('SELECT * FROM tally.totals WHERE stream_id = $1', [t.streamId])).rows).toEqual([]);

    const kept: [string[], Tally][] = [];
    await executeCommand(store, tally, t, { type: 'OpenTally' }, options({ afterAppend: async (events, _tx, state) => void kept.push([events.map((e) => e.type), state]) }));
    expect(kept).toEqual([[['TallyOpened'], { status: 'open', total: 0 }]]);
  });

  it('a decision with no events appends nothing and runs no afterAppend, also on a stream that does not exist', async () => {
    const t = target();
    let ran = false;
    const result = await executeCommand(store, tally, t, { type: 'ForgetTally' }, options({ afterAppend: async () => void (ran = true) }));
    expect(result).toEqual({ state: { status: 'none' }, events: [], version: 0 });
    expect(ran).toBe(false);
    expect((await db.query('SELECT 1 FROM tally.streams WHERE stream_id = $1', [t.streamId])).rowCount).toBe(0);
  });

  it('whenMissing answers for a stream that does not exist, before If-Match is compared; If-Match then guards the existing one', async () => {
    const t = target();
    const whenMissing = () => new NotFound(`tally ${t.streamId} does not exist`);
    await expect(executeCommand(store, tally, t, { type: 'ForgetTally' }, options({ whenMissing, expectedVersion: 3 }))).rejects.toThrow(NotFound);
    await executeCommand(store, tally, t, { type: 'OpenTally' }, options());
    await expect(executeCommand(store, tally, t, { type: 'ForgetTally' }, options({ whenMissing, expectedVersion: 3 }))).rejects.toThrow(StaleVersion);
    await expect(executeCommand(store, tally, t, { type: 'AddNumber', n: 1, ceiling: 0 }, options({ refusalStatus: () => 422 }))).rejects.toMatchObject({ code: 'CeilingReached', details: { ceiling: 0 }, status: 422 });
  });
});
