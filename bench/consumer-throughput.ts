import { randomUUID } from 'node:crypto';
import { Database, migrate } from '@gantry/event-store';
import { KafkaBus, messagingMigrations, startConsumer, type OutgoingMessage } from '@gantry/messaging';
import { createTestDatabase } from '@gantry/testing';
import { median, round } from './measure';

/**
 * How fast one consumer applies a topic that is already full: BENCH_CONSUMER_EVENTS (5000) CloudEvents on a topic of
 * three partitions, keyed by 50 aggregates, and a handler that inserts one row per event. Counts the transactions the
 * database committed meanwhile (pg_stat_database.xact_commit), which tells whether messages share transactions.
 *
 *   KAFKA_BROKERS=127.0.0.1:19092 npx node -r @swc-node/register bench/consumer-throughput.ts
 *
 * Not part of `npm run bench`: a before/after measure of the consumer base. BENCH_ROUNDS (3) rounds, each on a new
 * topic, group and database; the median is reported.
 */
const EVENTS = Number(process.env.BENCH_CONSUMER_EVENTS ?? 5_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const AGGREGATES = 50;

const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);

function cloudEvents(topic: string): OutgoingMessage[] {
  return Array.from({ length: EVENTS }, (_, n) => {
    const subject = `aggregate-${n % AGGREGATES}`;
    const event = {
      specversion: '1.0',
      id: randomUUID(),
      source: '/gantry/bench',
      type: 'gantry.bench.StepRecorded.v1',
      subject,
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      data: { step: n, topic },
    };
    return { key: subject, value: JSON.stringify(event), headers: { 'content-type': 'application/cloudevents+json' } };
  });
}

async function committedTransactions(db: Database): Promise<number> {
  // the statistics collector reports with a delay; force it to flush this backend's counts first
  await db.query('SELECT pg_stat_force_next_flush()').catch(() => undefined);
  const { rows } = await db.query<{ n: string }>('SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()');
  return Number(rows[0].n);
}

async function oneRound(round: number): Promise<{ perSecond: number; transactions: number }> {
  const database = await createTestDatabase('gantry_bench_consumer');
  const db = Database.connect(database.url);
  const bus = new KafkaBus({ clientId: 'gantry-bench-consumer', brokers, topicPrefix: `bench-consumer-${randomUUID().slice(0, 8)}.`, log: () => undefined });
  try {
    const schema = 'consumer';
    await migrate(db, schema, [
      ...messagingMigrations,
      { id: 'bench/effects', up: (s) => `CREATE TABLE "${s}".effects (event_id text NOT NULL, step int NOT NULL)` },
    ]);
    const topic = 'gantry.bench.v1';
    await bus.ensureTopics([topic]);
    const messages = cloudEvents(topic);
    for (let i = 0; i < messages.length; i += 500) await bus.produce(topic, messages.slice(i, i + 500));

    const before = await committedTransactions(db);
    const started = performance.now();
    let handled = 0;
    let done!: () => void;
    const allHandled = new Promise<void>((resolve) => (done = resolve));
    const consumer = await startConsumer({
      bus,
      db,
      schema,
      name: `bench-${round}`,
      topics: [topic],
      handle: async (event, tx) => {
        await tx.query(`INSERT INTO "${schema}".effects (event_id, step) VALUES ($1, $2)`, [event.id, (event.data as { step: number }).step]);
      },
      onOutcome: ({ kind }) => {
        if (kind === 'handled' && ++handled === EVENTS) done();
      },
      log: () => undefined,
    });
    await allHandled;
    const seconds = (performance.now() - started) / 1000;
    await consumer.stop();
    const transactions = (await committedTransactions(db)) - before;
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "${schema}".effects`);
    if (Number(rows[0].n) !== EVENTS) throw new Error(`expected ${EVENTS} effects, found ${rows[0].n}`);
    return { perSecond: EVENTS / seconds, transactions };
  } finally {
    await bus.close();
    await db.close();
    await database.drop();
  }
}

async function main() {
  if (brokers.length === 0) throw new Error('set KAFKA_BROKERS to a running broker (bash infra/kafka/start.sh)');
  const rounds = [];
  for (let n = 1; n <= ROUNDS; n++) {
    const result = await oneRound(n);
    console.log(`round ${n}: ${round(result.perSecond, 0)} messages/s, ${result.transactions} transactions committed for ${EVENTS} messages`);
    rounds.push(result);
  }
  console.log(`median: ${round(median(rounds.map((r) => r.perSecond)), 0)} messages/s applied by one consumer (${EVENTS} events, ${ROUNDS} rounds)`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
