import { mintToken } from '@gantry/auth';
import { KafkaBus, parseCloudEvent, type CloudEvent } from '@gantry/messaging';
import { boot, type Clock, type RunningProcess } from '@gantry/platform';
import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import { randomBytes } from 'node:crypto';
import { ModelReviewModule, type ModelReviewOptions } from './model-review.module';

// Test support for this service's integration tests: the service booted in-process on its own database and the test broker.

export const SECRET = 'model-review-test-secret-of-at-least-32-characters';
export const suffix = () => randomBytes(4).toString('hex');

export function kafkaBrokers(): string {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: these tests need the broker the Jest global setup starts');
  return brokers;
}

export interface ModelReviewUnderTest {
  process: RunningProcess;
  url: string;
  stop(): Promise<void>;
}

/** Consumer groups of their own per database: suites running side by side on one broker must not share partitions. */
const groupPrefixes = new Map<string, string>();
const groupPrefixFor = (databaseUrl: string) => groupPrefixes.get(databaseUrl) ?? (groupPrefixes.set(databaseUrl, `test-${suffix()}-`), groupPrefixes.get(databaseUrl)!);

/** `clock`: the process's clock, for tests that move time (default: the system's) */
export async function startModelReview(databaseUrl: string, { clock, ...options }: ModelReviewOptions & { clock?: Clock } = {}, env: NodeJS.ProcessEnv = {}): Promise<ModelReviewUnderTest> {
  const running = await boot('model-review', {
    modules: (runtime) => [ModelReviewModule.register(runtime, options)],
    clock,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: kafkaBrokers(),
      PORT: '0',
      GANTRY_JWT_SECRET: SECRET,
      GANTRY_CONSUMER_GROUP_PREFIX: groupPrefixFor(databaseUrl),
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
  return { process: running, url: running.url, stop: () => running.stop() };
}

export const tokenFor = (role: string, sub = `${role}.user`) => mintToken(SECRET, { sub, roles: [role] });

export { call } from '@gantry/testing';

/** Everything that arrives on some topics from now on (and before: a fresh group reads from the beginning). */
export async function watchTopics(topics: string[]) {
  const bus = new KafkaBus({ clientId: `model-review-test-${suffix()}`, brokers: kafkaBrokers().split(',') });
  await bus.ensureTopics(topics);
  const seen: { topic: string; key: string | null; event: CloudEvent }[] = [];
  const subscription = await bus.subscribe({ group: `model-review-test-${suffix()}`, topics, fromBeginning: true }, async (batch) => {
    for (const message of batch) {
      const parsed = parseCloudEvent(message.value);
      if (parsed.ok) seen.push({ topic: message.topic, key: message.key, event: parsed.event });
    }
  });
  return {
    bus,
    seen,
    close: async () => {
      await subscription.close();
      await bus.close();
    },
  };
}

export const freshDatabase = (): Promise<TestDatabase> => createTestDatabase('gantry_model_review');
