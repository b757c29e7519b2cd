import { eventually } from '@gantry/testing';
import { EventStore } from './event-store';
import { gate, newEvent, openStore } from './test-fixtures';
import { START, type Checkpoint, type RecordedEvent } from './types';

describe('EventStore.readAll', () => {
  let fixture: Awaited<ReturnType<typeof openStore>>;
  let store: EventStore;

  beforeAll(async () => {
    fixture = await openStore();
    ({ store } = fixture);
  });
  afterAll(() => fixture.close());

  /** A reader that remembers where it stands, as a publisher or a projection does. */
  const reader = () => {
    let checkpoint: Checkpoint = START;
    const seen: RecordedEvent[] = [];
    return {
      seen,
      async poll(limit = 100): Promise<RecordedEvent[]> {
        const events = await store.readAll(checkpoint, limit);
        seen.push(...events);
        const last = events[events.length - 1];
        if (last) checkpoint = { transactionId: last.transactionId, position: last.position };
        return events;
      },
    };
  };

  it('never skips an event whose transaction began first and committed last', async () => {
    const ownEvents = reader();
    await eventually(async () => (await ownEvents.poll()).length === 0, { what: 'nothing left to read' });

    const a = newEvent('DeploymentRequested');
    const b = newEvent('DeploymentRequested');
    const aAppended = gate();
    const aCommit = gate();
    const txA = fixture.db.transaction(async (tx) => {
      await store.append(tx, 'deployment-a', 'deployment', 0, [a]);
      aAppended.open();
      await aCommit.opened;
    });
    await aAppended.opened;
    await store.appendStream('deployment-b', 'deployment', 0, [b]);

    // B is committed and has the higher position, but A is still running below it: B must wait.
    expect(await ownEvents.poll()).toEqual([]);
    expect(await ownEvents.poll()).toEqual([]);

    aCommit.open();
    await txA;
    await eventually(async () => (await ownEvents.poll(), ownEvents.seen.length >= 2), { what: 'both events read' });
    expect(ownEvents.seen.map((e) => e.id)).toEqual([a.id, b.id]);
    // A reader ordered by position alone would have read B, moved past A's position and skipped A.
    const [readA, readB] = ownEvents.seen as [RecordedEvent, RecordedEvent];
    expect(BigInt(readA.position)).toBeLessThan(BigInt(readB.position));
    expect(BigInt(readA.transactionId)).toBeLessThan(BigInt(readB.transactionId));
    expect(await ownEvents.poll()).toEqual([]);
  });

  it('reads in (transaction id, position) order, a page at a time, from any checkpoint', async () => {
    for (let n = 0; n < 5; n++) await store.appendStream(`deployment-paged-${n}`, 'deployment', 0, [newEvent(), newEvent()]);
    const all = reader();
    await eventually(async () => (await all.poll(3), all.seen.filter((e) => e.streamId.startsWith('deployment-paged-')).length === 10), {
      what: 'every paged event',
    });
    const order = all.seen.map((e) => [BigInt(e.transactionId), BigInt(e.position)] as const);
    order.forEach(([txid, position], n) => {
      if (n === 0) return;
      const [previousTxid, previousPosition] = order[n - 1]!;
      expect(txid > previousTxid || (txid === previousTxid && position > previousPosition)).toBe(true);
    });
    const middle = all.seen[3]!;
    const rest = await store.readAll({ transactionId: middle.transactionId, position: middle.position }, 100);
    expect(rest.map((e) => e.id)).toEqual(all.seen.slice(4).map((e) => e.id));
  });

  it('keeps checkpoints by name, starting from START', async () => {
    await fixture.db.transaction(async (tx) => {
      expect(await store.readCheckpoint(tx, 'publisher')).toEqual(START);
      await store.saveCheckpoint(tx, 'publisher', { transactionId: '812', position: '7' });
      await store.saveCheckpoint(tx, 'publisher', { transactionId: '900', position: '12' });
      expect(await store.readCheckpoint(tx, 'publisher')).toEqual({ transactionId: '900', position: '12' });
    });
    expect(await store.readCheckpoint(fixture.db, 'publisher')).toEqual({ transactionId: '900', position: '12' });
    expect(await store.readCheckpoint(fixture.db, 'projection')).toEqual(START);
  });
});
