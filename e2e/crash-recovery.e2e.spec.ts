import { randomUUID } from 'node:crypto';
import { mintToken } from '@gantry/auth';
import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import { Client } from 'pg';
import { eventuallyWhileRunning, startIsolatedService, type GantryProcess } from './support/processes';

/**
 * A service killed with SIGKILL in the middle of its work and started again: the consumer (records, writing the
 * ledger) while a burst of events flows in, then the producer (planning, publishing from its event store) right after
 * a burst of commands. Afterwards every event planning recorded is in the ledger exactly once, and the chain verifies.
 */
const SECRET = 'crash-e2e-secret-long-enough-for-hs256!!';
let database: TestDatabase;
let db: Client;
let planning: GantryProcess;
let records: GantryProcess;
const prefix = `crash-${randomUUID().slice(0, 8)}-`;

const start = (service: 'planning' | 'records') => startIsolatedService(service, { databaseUrl: database.url, brokers: process.env.KAFKA_BROKERS!, prefix, secret: SECRET });

beforeAll(async () => {
  if (!process.env.KAFKA_BROKERS) throw new Error('KAFKA_BROKERS is not set: the end-to-end suite needs the broker from the test setup');
  database = await createTestDatabase('gantry_crash');
  db = new Client({ connectionString: database.url });
  await db.connect();
  [planning, records] = await Promise.all([start('planning'), start('records')]);
}, 180_000);

afterAll(async () => {
  await Promise.all([planning?.stop(), records?.stop()]);
  await db?.end();
  await database?.drop();
});

const environment = (name: string) => ({
  name,
  kind: 'test',
  position: 1,
  attributes: {},
  targets: [{ name: `${name}-1`, kind: 'host' }],
  timeZone: 'UTC',
  deploymentWindows: [],
  freezes: [],
  approvalPolicy: { roles: [], minimumApprovers: 0 },
});

async function burst(from: number, count: number, token: string): Promise<number> {
  let accepted = 0;
  let next = from;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < from + count) {
        const name = `crash-${next++}`;
        const response = await fetch(`${planning.url}/environments`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify(environment(name)),
        });
        if (response.status === 201) accepted += 1;
        else throw new Error(`POST /environments ${name} answered ${response.status}: ${await response.text()}`);
      }
    }),
  );
  return accepted;
}

const ledgerState = async () => {
  const { rows } = await db.query<{ sent: string; received: string; duplicates: string }>(`
    SELECT
      (SELECT count(*) FROM planning.events) AS sent,
      (SELECT count(DISTINCT l.event_id) FROM records.ledger l JOIN planning.events e ON e.event_id::text = l.event_id) AS received,
      (SELECT count(*) FROM (SELECT l.event_id FROM records.ledger l JOIN planning.events e ON e.event_id::text = l.event_id GROUP BY l.event_id HAVING count(*) > 1) d) AS duplicates`);
  return { sent: Number(rows[0].sent), received: Number(rows[0].received), duplicates: Number(rows[0].duplicates) };
};

it('a consumer and a producer killed mid-batch and restarted: every event reaches the ledger once, nothing lost', async () => {
  const token = await mintToken(SECRET, { sub: 'dana.manager', roles: ['deployment-manager'] });

  // the consumer dies while the ledger is being written
  const first = burst(0, 300, token);
  await eventuallyWhileRunning([planning, records], async () => (await ledgerState()).received >= 30, { what: 'the ledger to be half-way through', timeoutMs: 60_000 });
  await records.kill('SIGKILL');
  const atKill = await ledgerState();
  await first;
  records = await start('records');

  // the producer dies right after a burst of commands, with events still to publish
  await burst(300, 200, token);
  await planning.kill('SIGKILL');
  planning = await start('planning');
  await burst(500, 50, token);

  const final = await eventuallyWhileRunning(
    [planning, records],
    async () => {
      const state = await ledgerState();
      return state.received === state.sent && state;
    },
    { what: 'every planning event in the ledger', timeoutMs: 120_000 },
  );
  const auditor = await mintToken(SECRET, { sub: 'alice.auditor', roles: ['auditor'] });
  const verification = (await (await fetch(`${records.url}/audit/verify`, { headers: { authorization: `Bearer ${auditor}` } })).json()) as { intact: boolean };
  console.info(
    `crash recovery: records killed with ${atKill.received}/${atKill.sent} events in the ledger; planning killed after a burst; ` +
      `finally sent ${final.sent}, received ${final.received}, duplicates ${final.duplicates}, lost ${final.sent - final.received}`,
  );
  // planning also records what its consumers take from other suites' messages on shared topics: all of it counts
  expect(final.received).toBe(final.sent);
  expect(final.duplicates).toBe(0);
  expect(Number((await db.query(`SELECT count(*) AS n FROM planning.events WHERE event_type = 'EnvironmentRegistered'`)).rows[0].n)).toBe(550);
  expect(atKill.received).toBeLessThan(300);
  expect(verification.intact).toBe(true);
}, 300_000);
