import { eventually, startPrivatePostgres, type PrivatePostgres } from '@gantry/testing';
import { Database, type Listening } from './database';

/**
 * LISTEN on a connection of its own, through a restart of the server: the listener is told it reconnected (what was
 * notified meanwhile is lost) and hears what comes after. The server is this test's own: the shared one is not restarted.
 */
let server: PrivatePostgres;
let db: Database;
let listening: Listening | undefined;

beforeAll(async () => {
  server = await startPrivatePostgres();
  db = Database.connect(server.url, { max: 2 });
}, 120_000);

afterAll(async () => {
  await listening?.stop();
  await db?.close();
  await server?.destroy();
}, 60_000);

it('hears NOTIFY on its channel only, once committed, and again after the server restarted', async () => {
  const heard: string[] = [];
  let reconnected = 0;
  listening = await db.listen('planning.deployment_changed', (payload) => heard.push(payload), () => (reconnected += 1), 200);
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_notify($1, $2)', ['planning.deployment_changed', 'rolled-back']);
    throw new Error('rolled back');
  }).catch(() => undefined);
  await db.query('SELECT pg_notify($1, $2)', ['another.channel', 'not ours']);
  await db.query('SELECT pg_notify($1, $2)', ['planning.deployment_changed', 'd-1']);
  await eventually(() => heard.length > 0, { what: 'the first notification' });
  expect(heard).toEqual(['d-1']);

  await server.restart();
  await eventually(() => reconnected === 1, { what: 'the listener reconnected', timeoutMs: 60_000 });
  await eventually(
    async () => {
      await db.query('SELECT pg_notify($1, $2)', ['planning.deployment_changed', 'd-2']).catch(() => undefined);
      return heard.includes('d-2');
    },
    { what: 'a notification after the restart', timeoutMs: 30_000 },
  );
  expect(heard[0]).toBe('d-1');
}, 120_000);
