import { Client } from 'pg';
import { EventStore } from './event-store';
import { newEvents, openStore } from './test-fixtures';
import type { RecordedEvent } from './types';

describe('the events table is append-only and its hash chains reveal tampering', () => {
  let fixture: Awaited<ReturnType<typeof openStore>>;
  let store: EventStore;

  beforeAll(async () => {
    fixture = await openStore();
    ({ store } = fixture);
    await store.appendStream('deployment-1', 'deployment', 0, newEvents(3));
    await store.appendStream('deployment-2', 'deployment', 0, newEvents(2));
    await store.appendStream('deployment-3', 'deployment', 0, newEvents(3));
  });
  afterAll(() => fixture.close());

  it.each([
    ['UPDATE', `UPDATE planning.events SET data = '{"tampered": true}'`],
    ['DELETE', `DELETE FROM planning.events WHERE stream_id = 'deployment-1'`],
    ['TRUNCATE', `TRUNCATE planning.events`],
  ])('refuses %s, even for a superuser', async (_operation, statement) => {
    await expect(fixture.db.query(statement)).rejects.toThrow(/the events table is append-only/);
    expect(await store.streamVersion('deployment-1')).toBe(3);
    expect((await store.readStream('deployment-1')).length).toBe(3);
  });

  it('finds every stream intact before anyone tampers', async () => {
    expect(await store.verifyStream('deployment-1')).toEqual({ intact: true, checked: 3 });
    expect(await store.verifyAll()).toEqual({ intact: true, checked: 8 });
    expect(await store.verifyStream('deployment-none')).toEqual({ intact: true, checked: 0 });
  });

  describe('after a superuser altered an event with the triggers disabled', () => {
    let altered: RecordedEvent;

    beforeAll(async () => {
      altered = (await store.readStream('deployment-1'))[1]!;
      await asSuperuser(async (admin) => {
        await admin.query('ALTER TABLE planning.events DISABLE TRIGGER ALL');
        await admin.query(`UPDATE planning.events SET data = data || '{"n": 99}' WHERE position = $1`, [altered.position]);
        await admin.query('ALTER TABLE planning.events ENABLE TRIGGER ALL');
      });
    });

    it('names exactly that event when verifying its stream', async () => {
      const report = await store.verifyStream('deployment-1');
      expect(report).toEqual({
        intact: false,
        checked: 2,
        firstBroken: {
          position: altered.position,
          eventId: altered.id,
          streamId: 'deployment-1',
          streamVersion: 2,
          reason: expect.stringMatching(/hash does not match the event's contents/),
        },
      });
    });

    it('names the same event when verifying everything, and leaves untouched streams intact', async () => {
      const report = await store.verifyAll();
      expect(report).toMatchObject({ intact: false, firstBroken: { position: altered.position, eventId: altered.id, streamVersion: 2 } });
      expect(await store.verifyStream('deployment-2')).toEqual({ intact: true, checked: 2 });
    });

    it('still refuses updates once the triggers are back', async () => {
      await expect(fixture.db.query(`UPDATE planning.events SET data = '{}' WHERE position = $1`, [altered.position])).rejects.toThrow(
        /append-only/,
      );
    });
  });

  it('names the event after a deleted one, and a stream whose last event was deleted', async () => {
    const [, second, third] = await store.readStream('deployment-3');
    await store.appendStream('deployment-4', 'deployment', 0, newEvents(1));
    await asSuperuser(async (admin) => {
      await admin.query('ALTER TABLE planning.events DISABLE TRIGGER ALL');
      await admin.query(`DELETE FROM planning.events WHERE stream_id = 'deployment-4'`);
      await admin.query(`DELETE FROM planning.events WHERE position = $1`, [second!.position]);
      await admin.query(`DELETE FROM planning.events WHERE stream_id = 'deployment-2' AND stream_version = 2`);
      await admin.query('ALTER TABLE planning.events ENABLE TRIGGER ALL');
    });
    expect(await store.verifyStream('deployment-3')).toMatchObject({
      intact: false,
      firstBroken: { position: third!.position, streamVersion: 3, reason: expect.stringMatching(/events are missing/) },
    });
    expect(await store.verifyStream('deployment-2')).toMatchObject({
      intact: false,
      firstBroken: { streamVersion: 1, reason: expect.stringMatching(/streams.version is 2 but the last event is version 1/) },
    });
    expect(await store.verifyStream('deployment-4')).toEqual({
      intact: false,
      checked: 0,
      firstBroken: { position: '', eventId: '', streamId: 'deployment-4', streamVersion: 1, reason: 'streams.version is 1 but the stream has no events' },
    });
  });

  const asSuperuser = async (work: (admin: Client) => Promise<void>) => {
    const admin = new Client({ connectionString: fixture.database.url });
    await admin.connect();
    try {
      await work(admin);
    } finally {
      await admin.end();
    }
  };
});

describe('verifyAll reads page by page', () => {
  let fixture: Awaited<ReturnType<typeof openStore>>;

  beforeAll(async () => {
    fixture = await openStore();
  });
  afterAll(() => fixture.close());

  it('checks streams that span pages and finds a broken event on a later page', async () => {
    const { store } = fixture;
    await store.appendStream('deployment-a', 'deployment', 0, newEvents(700));
    await store.appendStream('deployment-b', 'deployment', 0, newEvents(1000));
    await store.appendStream('deployment-b', 'deployment', 1000, newEvents(600));
    await store.appendStream('deployment-c', 'deployment', 0, newEvents(1));
    expect(await store.verifyAll()).toEqual({ intact: true, checked: 2301 });

    const victim = (await store.readStream('deployment-b'))[1500]!;
    await fixture.db.transaction(async (tx) => {
      await tx.query('ALTER TABLE planning.events DISABLE TRIGGER ALL');
      await tx.query(`UPDATE planning.events SET metadata = jsonb_set(metadata, '{correlationId}', '"forged"') WHERE position = $1`, [victim.position]);
      await tx.query('ALTER TABLE planning.events ENABLE TRIGGER ALL');
    });
    expect(await store.verifyAll()).toEqual({
      intact: false,
      checked: 700 + 1501,
      firstBroken: { position: victim.position, eventId: victim.id, streamId: 'deployment-b', streamVersion: 1501, reason: expect.any(String) },
    });
    expect(await store.verifyStream('deployment-b')).toMatchObject({ intact: false, checked: 1501, firstBroken: { eventId: victim.id } });
    expect(await store.verifyStream('deployment-c')).toEqual({ intact: true, checked: 1 });
  });
});
