import { eventually } from '@gantry/testing';
import { GENESIS_HASH, hashedEventFields, hashEvent } from './canonical-json';
import { Database } from './database';
import { EventStore } from './event-store';
import { gate, metadata, newEvent, newEvents, openStore } from './test-fixtures';
import { EventIdConflict, StreamVersionConflict, type NewEvent } from './types';

describe('EventStore.append', () => {
  let fixture: Awaited<ReturnType<typeof openStore>>;
  let store: EventStore;
  let db: Database;

  beforeAll(async () => {
    fixture = await openStore(25);
    ({ store, db } = fixture);
  });
  afterAll(() => fixture.close());

  it('records events with versions, positions, the transaction id and a hash chain from genesis', async () => {
    const numbers = [1e21, 1e-7, 0.1 + 0.2, -0, 5e-324, 1.7976931348623157e308, -123456789.125];
    const data = { title: 'Release 4.2 — ünïcødé 漢字 😀 "quoted" \\ \n', at: new Date('2025-02-01T10:00:00Z'), nested: { z: [1, 2.5, null], a: true }, gone: undefined, numbers };
    const events = [newEvent('DeploymentRequested', data), newEvent('DeploymentScheduled', { window: 'w1' })];
    const result = await store.appendStream('deployment-rt', 'deployment', 0, events);
    expect(result).toEqual({ appended: true, nextVersion: 2 });

    const recorded = await store.readStream('deployment-rt');
    expect(recorded.map((e) => [e.id, e.type, e.streamVersion, e.streamType, e.schemaVersion])).toEqual([
      [events[0]!.id, 'DeploymentRequested', 1, 'deployment', 1],
      [events[1]!.id, 'DeploymentScheduled', 2, 'deployment', 1],
    ]);
    const [first, second] = recorded as [(typeof recorded)[0], (typeof recorded)[0]];
    expect(first.data).toEqual({ title: data.title, at: '2025-02-01T10:00:00.000Z', nested: { z: [1, 2.5, null], a: true }, numbers: [1e21, 1e-7, 0.1 + 0.2, 0, 5e-324, 1.7976931348623157e308, -123456789.125] });
    expect(first.metadata).toEqual(metadata);
    expect(first.recordedAt).toBeInstanceOf(Date);
    expect(typeof first.position).toBe('string');
    expect(BigInt(second.position)).toBeGreaterThan(BigInt(first.position));
    expect(first.transactionId).toBe(second.transactionId);
    expect(first.previousHash).toBe(GENESIS_HASH);
    expect(second.previousHash).toBe(first.hash);
    expect(hashEvent(first.previousHash, hashedEventFields(first))).toBe(first.hash);
    expect(hashEvent(second.previousHash, hashedEventFields(second))).toBe(second.hash);
    expect(await store.streamVersion('deployment-rt')).toBe(2);
    expect(await store.verifyStream('deployment-rt')).toEqual({ intact: true, checked: 2 });
  });

  it('hashes an id given as 32 hex digits or in upper case as the uuid column gives it back, so the event verifies', async () => {
    const plain = newEvent('DeploymentRequested', { n: 1 });
    const id = plain.id.toLowerCase();
    const events = [{ ...plain, id: id.replace(/-/g, '') }, { ...newEvent('DeploymentScheduled', { n: 2 }), id: newEvent('X', {}).id.toUpperCase() }];
    await store.appendStream('deployment-ids', 'deployment', 0, events);
    const recorded = await store.readStream('deployment-ids');
    expect(recorded.map((e) => e.id)).toEqual([id, events[1]!.id.toLowerCase()]);
    expect(await store.verifyStream('deployment-ids')).toEqual({ intact: true, checked: 2 });
    // a retry naming the ids the other way appends nothing
    expect(await store.appendStream('deployment-ids', 'deployment', 0, events)).toEqual({ appended: false, nextVersion: 2 });
  });

  it('continues the chain across appends and keeps a 1,000-event batch in version order', async () => {
    await store.appendStream('deployment-batch', 'deployment', 0, newEvents(3));
    const result = await store.appendStream('deployment-batch', 'deployment', 3, newEvents(1000));
    expect(result).toEqual({ appended: true, nextVersion: 1003 });
    const recorded = await store.readStream('deployment-batch');
    expect(recorded.map((e) => e.streamVersion)).toEqual(Array.from({ length: 1003 }, (_, n) => n + 1));
    const positions = recorded.map((e) => BigInt(e.position));
    expect(positions.every((p, n) => n === 0 || p > positions[n - 1]!)).toBe(true);
    expect(recorded[3]!.previousHash).toBe(recorded[2]!.hash);
    expect(await store.verifyStream('deployment-batch')).toEqual({ intact: true, checked: 1003 });
  });

  it('refuses to append to a stream that does not exist when a version > 0 is expected', async () => {
    const append = store.appendStream('deployment-absent', 'deployment', 3, [newEvent()]);
    await expect(append).rejects.toBeInstanceOf(StreamVersionConflict);
    await expect(append).rejects.toMatchObject({ streamId: 'deployment-absent', expectedVersion: 3, actualVersion: 0 });
    expect(await store.streamVersion('deployment-absent')).toBe(0);
    expect(await store.readStream('deployment-absent')).toEqual([]);
  });

  it('refuses a stale expected version and a new stream that already exists', async () => {
    await store.appendStream('deployment-stale', 'deployment', 0, newEvents(2));
    await expect(store.appendStream('deployment-stale', 'deployment', 1, [newEvent()])).rejects.toMatchObject({ expectedVersion: 1, actualVersion: 2 });
    await expect(store.appendStream('deployment-stale', 'deployment', 0, [newEvent()])).rejects.toMatchObject({ expectedVersion: 0, actualVersion: 2 });
    expect(await store.streamVersion('deployment-stale')).toBe(2);
  });

  it('appends nothing when the same events are appended again (a retried request)', async () => {
    const events = newEvents(2);
    expect(await store.appendStream('deployment-retry', 'deployment', 0, events)).toEqual({ appended: true, nextVersion: 2 });
    expect(await store.appendStream('deployment-retry', 'deployment', 0, events)).toEqual({ appended: false, nextVersion: 2 });
    expect(await store.appendStream('deployment-retry', 'deployment', 2, events)).toEqual({ appended: false, nextVersion: 2 });
    const recorded = await store.readStream('deployment-retry');
    expect(recorded.map((e) => e.id)).toEqual(events.map((e) => e.id));
  });

  it('refuses a retry that carries only some of the recorded ids, or ids of another stream', async () => {
    const events = newEvents(2);
    await store.appendStream('deployment-partial', 'deployment', 0, events);
    await expect(store.appendStream('deployment-partial', 'deployment', 2, [events[1]!, newEvent()])).rejects.toBeInstanceOf(EventIdConflict);
    await expect(store.appendStream('deployment-elsewhere', 'deployment', 0, [events[0]!])).rejects.toBeInstanceOf(EventIdConflict);
    await expect(store.appendStream('deployment-partial', 'deployment', 2, [newEvent(), events[1]!])).rejects.toBeInstanceOf(EventIdConflict);
    const twice = newEvent();
    await expect(store.appendStream('deployment-twice', 'deployment', 0, [twice, twice])).rejects.toBeInstanceOf(EventIdConflict);
    expect(await store.streamVersion('deployment-partial')).toBe(2);
    expect(await store.streamVersion('deployment-elsewhere')).toBe(0);
  });

  it('recovers when the head it remembers was written by a transaction that rolled back', async () => {
    await store.appendStream('deployment-rolled-back', 'deployment', 0, newEvents(1));
    const rollback = new Error('rolled back on purpose');
    await expect(
      db.transaction(async (tx) => {
        await store.append(tx, 'deployment-rolled-back', 'deployment', 1, newEvents(2));
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    // Another process appends at the same version with different events (and so a different hash).
    await new EventStore(db, 'planning').appendStream('deployment-rolled-back', 'deployment', 1, newEvents(2));
    expect(await store.appendStream('deployment-rolled-back', 'deployment', 3, newEvents(1))).toEqual({ appended: true, nextVersion: 4 });
    expect(await store.verifyStream('deployment-rolled-back')).toEqual({ intact: true, checked: 4 });
  });

  it('tells the committed listeners about appends outside a transaction, and only when something was appended', async () => {
    let heard = 0;
    const unlisten = db.onCommitted(() => (heard += 1));
    try {
      const events = newEvents(1);
      await store.appendStream('deployment-heard', 'deployment', 0, events);
      expect(heard).toBe(1);
      await store.appendStream('deployment-heard', 'deployment', 0, events);
      await expect(store.appendStream('deployment-heard', 'deployment', 0, newEvents(1))).rejects.toBeInstanceOf(StreamVersionConflict);
      expect(heard).toBe(1);
    } finally {
      unlisten();
    }
  });

  it('appends nothing for no events', async () => {
    expect(await store.appendStream('deployment-empty', 'deployment', 0, [])).toEqual({ appended: false, nextVersion: 0 });
    expect(await store.streamVersion('deployment-empty')).toBe(0);
  });

  describe('racing writers with the same expected version', () => {
    /** Each writer opens its transaction on its own connection, waits for all the others, then appends. */
    async function race(streamId: string, expectedVersion: number, writers: number) {
      const go = gate();
      let ready = 0;
      const batches: NewEvent[][] = Array.from({ length: writers }, () => newEvents(2, 'DeploymentScheduled'));
      const outcomes = Promise.allSettled(
        batches.map((batch) =>
          db.transaction(async (tx) => {
            await tx.query('SELECT 1');
            ready += 1;
            await go.opened;
            return store.append(tx, streamId, 'deployment', expectedVersion, batch);
          }),
        ),
      );
      await eventually(() => ready === writers, { what: 'every writer in its transaction' });
      go.open();
      const settled = await outcomes;
      const winners = settled.flatMap((outcome, n) => (outcome.status === 'fulfilled' ? [{ batch: batches[n]!, result: outcome.value }] : []));
      const losers = settled.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []));
      return { winners, losers };
    }

    it('lets exactly one of 20 writers create a new stream', async () => {
      const { winners, losers } = await race('deployment-race-new', 0, 20);
      expect(winners).toHaveLength(1);
      expect(winners[0]!.result).toEqual({ appended: true, nextVersion: 2 });
      expect(losers).toHaveLength(19);
      losers.forEach((loser) => expect(loser).toBeInstanceOf(StreamVersionConflict));
      const recorded = await store.readStream('deployment-race-new');
      expect(recorded.map((e) => e.id)).toEqual(winners[0]!.batch.map((e) => e.id));
      expect(await store.verifyStream('deployment-race-new')).toEqual({ intact: true, checked: 2 });
    });

    it('lets exactly one of 20 writers extend an existing stream', async () => {
      const history = newEvents(3);
      await store.appendStream('deployment-race-existing', 'deployment', 0, history);
      const { winners, losers } = await race('deployment-race-existing', 3, 20);
      expect(winners).toHaveLength(1);
      expect(winners[0]!.result).toEqual({ appended: true, nextVersion: 5 });
      expect(losers).toHaveLength(19);
      losers.forEach((loser) => expect(loser).toMatchObject({ code: 'StreamVersionConflict', expectedVersion: 3 }));
      const recorded = await store.readStream('deployment-race-existing');
      expect(recorded.map((e) => e.id)).toEqual([...history, ...winners[0]!.batch].map((e) => e.id));
      expect(await store.verifyStream('deployment-race-existing')).toEqual({ intact: true, checked: 5 });
    });

    /** B reads the head while A's append is uncommitted, so only the statement's guard can stop B. */
    async function blockedBehindWinner(streamId: string, expectedVersion: number, isolation = 'READ COMMITTED') {
      const aAppended = gate();
      const aCommit = gate();
      const a = db.transaction(async (tx) => {
        const result = await store.append(tx, streamId, 'deployment', expectedVersion, newEvents(1));
        aAppended.open();
        await aCommit.opened;
        return result;
      });
      await aAppended.opened;
      const b = db.transaction(async (tx) => {
        await tx.query(`SET TRANSACTION ISOLATION LEVEL ${isolation}`);
        return store.append(tx, streamId, 'deployment', expectedVersion, newEvents(1));
      });
      const bSettled = b.then(
        () => 'appended',
        (error: unknown) => error,
      );
      await eventually(
        async () => {
          const { rows } = await db.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
          return rows.length > 0;
        },
        { what: 'B waiting on A' },
      );
      aCommit.open();
      expect(await a).toEqual({ appended: true, nextVersion: expectedVersion + 1 });
      return bSettled;
    }

    it('stops a writer that read the head before the winner committed (new stream)', async () => {
      const b = await blockedBehindWinner('deployment-blocked-new', 0);
      expect(b).toBeInstanceOf(StreamVersionConflict);
      expect(b).toMatchObject({ expectedVersion: 0, actualVersion: 1 });
      expect(await store.streamVersion('deployment-blocked-new')).toBe(1);
    });

    it('stops a writer that read the head before the winner committed (existing stream)', async () => {
      await store.appendStream('deployment-blocked-existing', 'deployment', 0, newEvents(2));
      const b = await blockedBehindWinner('deployment-blocked-existing', 2);
      expect(b).toMatchObject({ code: 'StreamVersionConflict', expectedVersion: 2, actualVersion: 3 });
      expect(await store.verifyStream('deployment-blocked-existing')).toEqual({ intact: true, checked: 3 });
    });

    it('reports a conflict, not a serialization failure, under REPEATABLE READ', async () => {
      await store.appendStream('deployment-blocked-rr', 'deployment', 0, newEvents(1));
      const b = await blockedBehindWinner('deployment-blocked-rr', 1, 'REPEATABLE READ');
      expect(b).toMatchObject({ code: 'StreamVersionConflict', expectedVersion: 1 });
      expect(await store.streamVersion('deployment-blocked-rr')).toBe(2);
    });
  });
});
