import { randomBytes, randomUUID } from 'node:crypto';
import { Database, EventStore, migrate, type NewEvent, type SqlClient } from '@gantry/event-store';
import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import type { IncomingMessage } from './bus';
import type { CloudEvent } from './cloud-event';
import { messagingMigrations } from './migrations';

// Test support for this library's integration tests; not exported from the package.

export function kafkaBrokers(): string[] {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').map((broker) => broker.trim()).filter(Boolean);
  if (brokers.length === 0) {
    throw new Error(
      'KAFKA_BROKERS is not set: these integration tests need a real Kafka broker. The Jest global setup starts one; ' +
        'by hand: `bash infra/kafka/start.sh` and KAFKA_BROKERS=127.0.0.1:19092.',
    );
  }
  return brokers;
}

export const uniqueSuffix = (): string => randomBytes(4).toString('hex');

/** Schema A publishes (an event store), schema B consumes (an inbox and a table of effects) — two services in one database. */
export interface MessagingFixture {
  database: TestDatabase;
  db: Database;
  store: EventStore;
  /** the consuming service's schema */
  consumerSchema: string;
  service: string;
  topic: string;
  effects(): Promise<EffectRow[]>;
  close(): Promise<void>;
}

export interface EffectRow {
  seq: string;
  event_id: string;
  type: string;
  message_key: string | null;
  headers: Record<string, string>;
  event: CloudEvent;
}

export async function messagingFixture(): Promise<MessagingFixture> {
  const database = await createTestDatabase('gantry_messaging');
  const db = Database.connect(database.url);
  const store = new EventStore(db, 'publisher_a');
  await store.migrate();
  const consumerSchema = 'consumer_b';
  await migrate(db, consumerSchema, [
    ...messagingMigrations,
    {
      id: 'test/effects',
      // no unique key on purpose: a duplicate effect must show up as a second row
      up: (schema) => `CREATE TABLE "${schema}".effects (seq bigserial PRIMARY KEY, event_id text NOT NULL, type text NOT NULL,
        message_key text, headers jsonb NOT NULL, event jsonb NOT NULL)`,
    },
    {
      id: 'test/applied-steps',
      // which transaction applied each step, and which consumer; no unique key either
      up: (schema) => `CREATE TABLE "${schema}".applied_steps (seq bigserial PRIMARY KEY, topic text NOT NULL, step int NOT NULL,
        event_id text NOT NULL, consumer text NOT NULL, txid bigint NOT NULL)`,
    },
  ]);
  const service = `test-${uniqueSuffix()}`;
  return {
    database,
    db,
    store,
    consumerSchema,
    service,
    topic: `${service}.events`,
    effects: async () => (await db.query<EffectRow>(`SELECT * FROM ${consumerSchema}.effects ORDER BY seq`)).rows,
    close: async () => {
      await db.close();
      await database.drop();
    },
  };
}

/** The effect every test consumer applies: a row per handled event. */
export async function recordEffect(schema: string, event: CloudEvent, tx: SqlClient, message: IncomingMessage): Promise<void> {
  await tx.query(`INSERT INTO "${schema}".effects (event_id, type, message_key, headers, event) VALUES ($1, $2, $3, $4, $5)`, [
    event.id,
    event.type,
    message.key,
    JSON.stringify(message.headers),
    JSON.stringify(event),
  ]);
}

export const traceparentOf = (traceId: string, spanId: string): string => `00-${traceId}-${spanId}-01`;

export function deploymentEvent(type: string, data: Record<string, unknown> = {}, metadata: Partial<NewEvent['metadata']> = {}): NewEvent {
  return {
    id: randomUUID(),
    type,
    data,
    metadata: {
      actor: { subject: 'alice@example.org', roles: ['deployment-manager', 'approver'], channel: 'rest' },
      correlationId: randomUUID(),
      causationId: randomUUID(),
      traceparent: traceparentOf(randomBytes(16).toString('hex'), randomBytes(8).toString('hex')),
      ...metadata,
    },
  };
}

export const newDeploymentStream = (): { id: string; aggregateId: string } => {
  const aggregateId = randomUUID();
  return { id: `Deployment-${aggregateId}`, aggregateId };
};

/** A numbered event of a test topic: `step` says where it was produced, `poison` makes the test handlers refuse it. */
export type StepEvent = CloudEvent & { data: { step: number; topic: string; poison?: string } };

export function stepEvent(topic: string, step: number, extra: { poison?: string } = {}): StepEvent {
  return { specversion: '1.0', id: randomUUID(), source: '/gantry/test', type: 'gantry.test.StepRecorded.v1', subject: 'steps', data: { step, topic, ...extra } };
}

/** All on one key, so all on one partition, in this order. */
export const asMessages = (events: readonly CloudEvent[]): { key: string; value: string; headers: Record<string, string> }[] =>
  events.map((event) => ({ key: 'steps', value: JSON.stringify(event), headers: {} }));

/** The effect of a step event: a row that names the transaction that wrote it. */
export async function applyStep(schema: string, consumer: string, event: StepEvent, tx: SqlClient): Promise<void> {
  await tx.query(`INSERT INTO "${schema}".applied_steps (topic, step, event_id, consumer, txid) VALUES ($1, $2, $3, $4, txid_current())`, [
    event.data.topic,
    event.data.step,
    event.id,
    consumer,
  ]);
}

export interface AppliedStep {
  step: number;
  consumer: string;
  txid: string;
}

export async function appliedSteps(db: Database, schema: string, topic: string): Promise<AppliedStep[]> {
  const { rows } = await db.query<AppliedStep>(`SELECT step, consumer, txid::text AS txid FROM "${schema}".applied_steps WHERE topic = $1 ORDER BY seq`, [topic]);
  return rows;
}
