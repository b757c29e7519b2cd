import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import type { AddressInfo, Server } from 'node:net';
import { Database } from './database';
import { EventStore } from './event-store';
import { newEvents } from './test-fixtures';
import { START, StreamVersionConflict } from './types';

/** The embedded default: PGlite behind its socket server, where every pooled connection shares one session. */
describe('EventStore on PGlite', () => {
  let pglite: PGlite;
  let server: PGLiteSocketServer;
  let db: Database;
  let store: EventStore;

  beforeAll(async () => {
    pglite = await PGlite.create();
    server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0, maxConnections: 8 });
    await server.start();
    const { port } = (server as unknown as { server: Server }).server.address() as AddressInfo;
    db = Database.connect(`postgres://postgres@127.0.0.1:${port}/postgres`, { max: 4, namedStatements: false });
    store = new EventStore(db, 'planning');
    await store.migrate();
  }, 60_000);
  afterAll(async () => {
    await db?.close();
    await server?.stop();
    await pglite?.close();
  });

  it('appends from several connections, reads, refuses conflicts and verifies', async () => {
    await Promise.all(
      [0, 1, 2, 3].map(async (writer) => {
        for (let n = 0; n < 10; n++) await store.appendStream(`deployment-${writer}`, 'deployment', n * 2, newEvents(2));
      }),
    );
    await db.transaction(async (tx) => {
      const history = await store.readStream('deployment-0', tx);
      await store.append(tx, 'deployment-0', 'deployment', history.length, newEvents(1));
    });
    await expect(store.appendStream('deployment-1', 'deployment', 3, newEvents(1))).rejects.toBeInstanceOf(StreamVersionConflict);
    expect(await store.streamVersion('deployment-0')).toBe(21);
    expect((await store.readAll(START, 1000)).length).toBe(81);
    expect(await store.verifyAll()).toEqual({ intact: true, checked: 81 });
    await expect(db.query('DELETE FROM planning.events')).rejects.toThrow(/append-only/);
  });
});
