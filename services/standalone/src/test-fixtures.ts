import { EVENTS, validatePayload, type EventName, type EventPayloads } from '@gantry/contracts';
import { EventStore } from '@gantry/event-store';
import { ExecutionModule } from '@gantry/execution';
import { KafkaBus, type CloudEvent } from '@gantry/messaging';
import { boot, type RunningProcess } from '@gantry/platform';
import { RecordsModule } from '@gantry/records';
import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import { randomUUID } from 'node:crypto';

/** Execution and records as a test runs them, with a way to publish the other services' events. */
export interface ExecutionAndRecords {
  execution: RunningProcess;
  records: RunningProcess;
  /** execution's event store (its runs' streams) */
  runs: EventStore;
  /** the deployments of this suite: other suites share the broker's topics, and these processes act on these only */
  deployments: Set<string>;
  /** publishes an event as its service would, on its topic, valid against the contract */
  publish<N extends EventName>(name: N, data: EventPayloads[N]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Execution and records as their own processes on a real Kafka broker and PostgreSQL (a database each, consumer groups
 * of the suite's own), planning's and verification's events published by the test as those services would.
 */
export async function startExecutionAndRecords(name: string, secret: string): Promise<ExecutionAndRecords> {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set: this suite needs the broker from the test setup');
  const suffix = randomUUID().slice(0, 8);
  const deployments = new Set<string>();
  const ours = (event: CloudEvent) => deployments.has((event.data as { deploymentId?: string } | undefined)?.deploymentId ?? '');
  const databases: TestDatabase[] = await Promise.all([createTestDatabase(`gantry_${name}_execution`), createTestDatabase(`gantry_${name}_records`)]);
  const [executionDb, recordsDb] = databases as [TestDatabase, TestDatabase];
  const bus = new KafkaBus({ clientId: `${name}-${suffix}`, brokers });
  await bus.ensureTopics([...new Set(Object.values(EVENTS).map((e) => e.topic))]);
  const env = (database: TestDatabase) => ({ DATABASE_URL: database.url, KAFKA_BROKERS: brokers.join(','), GANTRY_CONSUMER_GROUP_PREFIX: `${name}-${suffix}-`, PORT: '0', GANTRY_JWT_SECRET: secret, LOG_LEVEL: 'error' });
  const [execution, records] = await Promise.all([
    boot('execution', { modules: (runtime) => [ExecutionModule.register(runtime, { actsOn: ours, fromBeginning: true })], env: { ...env(executionDb), GANTRY_RUN_SWEEP_MS: '100' } }),
    // the ledger's key from the test run's environment
    boot('records', { modules: (runtime) => [RecordsModule.register(runtime, { actsOn: ours, fromBeginning: true })], env: { ...env(recordsDb), GANTRY_LEDGER_KEY_FILE: process.env.GANTRY_LEDGER_KEY_FILE! } }),
  ]);
  return {
    execution,
    records,
    runs: new EventStore(execution.runtime.db, 'execution'),
    deployments,
    async publish(eventName, data) {
      const { service: source, type, topic } = EVENTS[eventName];
      const invalid = validatePayload(type, data);
      if (invalid) throw new Error(`the test's ${eventName} is invalid: ${invalid}`);
      const deploymentId = (data as { deploymentId: string }).deploymentId;
      const event = { specversion: '1.0', id: randomUUID(), source: `/gantry/${source}`, type, subject: deploymentId, time: new Date().toISOString(), datacontenttype: 'application/json', data, streamversion: 1 };
      await bus.produce(topic, [{ key: deploymentId, value: JSON.stringify(event), headers: {} }]);
    },
    async stop() {
      await Promise.all([execution.stop(), records.stop()]);
      await bus.close();
      await Promise.all(databases.map((d) => d.drop()));
    },
  };
}
