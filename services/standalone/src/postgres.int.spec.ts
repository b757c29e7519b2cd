import { mintToken } from '@gantry/auth';
import { EventStore } from '@gantry/event-store';
import { boot, type RunningProcess } from '@gantry/platform';
import { eventually, startPrivatePostgres, type PrivatePostgres } from '@gantry/testing';
import { standalone } from './standalone';

/**
 * The five services on a PostgreSQL server of the test's own: one that speaks TLS only (a self-signed certificate made
 * by the test), and one restarted under load. Kafka is not involved (in-process bus): what is tested is the database.
 */
const secret = 'postgres-test-secret-of-at-least-32-chars';

const environment = (name: string) => ({
  name,
  kind: 'test',
  position: 1,
  attributes: { operatingSystem: 'linux' },
  targets: [{ name: `${name}-1`, kind: 'host' }],
  timeZone: 'UTC',
  deploymentWindows: [],
  freezes: [],
  approvalPolicy: { roles: [], minimumApprovers: 0 },
});

async function startOn(postgres: PrivatePostgres, databaseUrl: string): Promise<{ running: RunningProcess; post(name: string): Promise<number> }> {
  const running = await boot('standalone', { ...standalone, grpc: false, env: { DATABASE_URL: databaseUrl, PORT: '0', HOST: '127.0.0.1', GANTRY_JWT_SECRET: secret, GANTRY_RATE_LIMIT_PER_MINUTE: '0' } });
  const token = await mintToken(secret, { sub: 'dana', roles: ['deployment-manager'] });
  const post = async (name: string) =>
    (
      await fetch(`${running.url}/environments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(environment(name)),
      })
    ).status;
  void postgres;
  return { running, post };
}

describe('PostgreSQL over TLS only', () => {
  let postgres: PrivatePostgres;
  let running: RunningProcess | undefined;
  beforeAll(async () => (postgres = await startPrivatePostgres({ tls: true })), 60_000);
  afterAll(async () => {
    await running?.stop();
    await postgres?.destroy();
  });

  it('works end to end with the server certificate configured in DATABASE_URL (sslmode=verify-full, sslrootcert)', async () => {
    const service = await startOn(postgres, `${postgres.url}?sslmode=verify-full&sslrootcert=${encodeURIComponent(postgres.caFile!)}`);
    running = service.running;
    expect(await service.post('tls-env')).toBe(201);
    const { rows } = await running.runtime.db.query<{ ssl: boolean; n: string }>(
      `SELECT bool_and(s.ssl) AS ssl, count(*)::text AS n FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) WHERE a.datname = current_database()`,
    );
    expect(rows[0]).toEqual({ ssl: true, n: expect.stringMatching(/^[1-9]/) });
  }, 60_000);

  it('refuses to start without the certificate (a self-signed server is not trusted) and without TLS', async () => {
    await expect(startOn(postgres, `${postgres.url}?sslmode=verify-full`)).rejects.toThrow(/self[- ]signed|certificate/i);
    await expect(startOn(postgres, postgres.url)).rejects.toThrow(/no encryption|pg_hba/);
  }, 60_000);
});

describe('PostgreSQL restarted under load', () => {
  let postgres: PrivatePostgres;
  let running: RunningProcess | undefined;
  beforeAll(async () => (postgres = await startPrivatePostgres()), 60_000);
  afterAll(async () => {
    await running?.stop();
    await postgres?.destroy();
  });

  it('requests during the outage get 503, none is half-applied, the services reconnect and every event reaches the ledger', async () => {
    const service = await startOn(postgres, postgres.url);
    running = service.running;
    const outcomes = new Map<string, number>();
    let phase: 'before' | 'down' | 'after' = 'before';
    const byPhase: Record<string, Record<number, number>> = { before: {}, down: {}, after: {} };
    let n = 0;
    let stop = false;
    const load = Array.from({ length: 4 }, async () => {
      while (!stop) {
        const name = `load-${n++}`;
        const status = await service.post(name).catch(() => -1);
        outcomes.set(name, status);
        byPhase[phase][status] = (byPhase[phase][status] ?? 0) + 1;
      }
    });
    await eventually(() => (byPhase.before[201] ?? 0) >= 20, { what: 'requests before the outage' });
    await postgres.halt();
    phase = 'down';
    await eventually(() => (byPhase.down[503] ?? 0) >= 5, { what: 'requests refused during the outage', timeoutMs: 30_000 });
    await postgres.start();
    phase = 'after';
    await eventually(() => (byPhase.after[201] ?? 0) >= 20, { what: 'requests after the restart', timeoutMs: 60_000 });
    stop = true;
    await Promise.all(load);
    console.info(`postgres restart under load: ${JSON.stringify(byPhase)} (status → count per phase)`);

    const statuses = new Set([...outcomes.values()]);
    expect([...statuses].filter((s) => s !== 201 && s !== 503)).toEqual([]);
    // none half-applied: each environment has its one event or none, and every stream verifies
    const db = running.runtime.db;
    const { rows } = await db.query<{ stream_id: string; n: number }>(`SELECT stream_id, count(*)::int AS n FROM planning.events WHERE stream_type = 'Environment' GROUP BY stream_id`);
    const recorded = new Map(rows.map((r) => [r.stream_id, r.n]));
    for (const [name, status] of outcomes) {
      const events = [...recorded.entries()].find(([stream]) => stream.endsWith(`-${name}`))?.[1] ?? 0;
      if (status === 201) expect({ name, events }).toEqual({ name, events: 1 });
      else expect({ name, events: events <= 1 }).toEqual({ name, events: true });
    }
    expect(await new EventStore(db, 'planning').verifyAll()).toMatchObject({ intact: true });
    // every environment event reached records' ledger through the publisher and the consumer, once
    const registered = Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM planning.events WHERE event_type = 'EnvironmentRegistered'`)).rows[0].n);
    await eventually(
      async () => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM records.ledger WHERE event_type LIKE '%EnvironmentRegistered%'`)).rows[0].n) === registered,
      { what: 'the ledger catching up', timeoutMs: 60_000 },
    );
    const duplicates = (await db.query(`SELECT event_id FROM records.ledger GROUP BY event_id HAVING count(*) > 1`)).rows.length;
    expect(duplicates).toBe(0);
    console.info(`postgres restart under load: ${registered} environments recorded, ${registered} in the ledger, 0 duplicates`);
  }, 180_000);
});
