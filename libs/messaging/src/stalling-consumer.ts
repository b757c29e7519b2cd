import { Database } from '@gantry/event-store';
import { startConsumer } from './consumer';
import { KafkaBus } from './kafka-bus';
import { applyStep, type StepEvent } from './test-fixtures';

/**
 * Test support, run as its own process by consumer-batches.int.spec.ts: a consumer whose handler stalls, inside its
 * batch's transaction, at the step STALL_AT_STEP, and says so on stdout, so that the test can kill it there with SIGKILL.
 */
async function main(): Promise<void> {
  const env = (name: string) => process.env[name] ?? (() => { throw new Error(`${name} is not set`); })();
  const db = Database.connect(env('DATABASE_URL'));
  const bus = new KafkaBus({ clientId: 'gantry-stalling-consumer', brokers: env('KAFKA_BROKERS').split(','), log: () => undefined });
  const stallAt = Number(env('STALL_AT_STEP'));
  await startConsumer({
    bus,
    db,
    schema: env('SCHEMA'),
    name: env('GROUP'),
    topics: [env('TOPIC')],
    maxBatch: Number(env('MAX_BATCH')),
    handle: async (event, tx) => {
      await applyStep(env('SCHEMA'), 'stalling', event as StepEvent, tx);
      if ((event as StepEvent).data.step === stallAt) {
        process.stdout.write('stalled\n');
        await new Promise(() => undefined);
      }
    },
    log: () => undefined,
  });
}

void main();
