import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { eventually } from '@gantry/testing';
import type { IncomingMessage, Subscription } from './bus';
import { startConsumer, type ConsumerOptions, type ConsumerOutcome, type RunningConsumer } from './consumer';
import { deadLetterHeaders, PoisonMessage } from './dead-letter';
import { KafkaBus } from './kafka-bus';
import { applyStep, appliedSteps, asMessages, kafkaBrokers, messagingFixture, stepEvent, uniqueSuffix, type MessagingFixture, type StepEvent } from './test-fixtures';
import { deadLetterTopic } from './topics';

/**
 * A consumer applies what one fetch brought of a partition in one transaction, and falls back to one transaction per
 * message when that fails. Every topic here is filled before its consumer starts, so that a fetch brings all of it.
 */
const repository = resolve(__dirname, '../../..');
const range = (count: number, from = 0) => Array.from({ length: count }, (_, i) => from + i);

describe('a consumer applying batches', () => {
  let fixture: MessagingFixture;
  let bus: KafkaBus;
  const running: (RunningConsumer | Subscription)[] = [];

  beforeAll(async () => {
    fixture = await messagingFixture();
    bus = new KafkaBus({ clientId: 'gantry-batches-test', brokers: kafkaBrokers(), log: () => undefined });
  });

  afterAll(async () => {
    for (const part of running) await ('stop' in part ? part.stop() : part.close());
    await bus?.close();
    await fixture?.close();
  });

  /** A new topic holding these events, all on one partition. */
  const filledTopic = async (events: (topic: string) => StepEvent[]): Promise<{ topic: string; events: StepEvent[] }> => {
    const topic = `${fixture.topic}.${uniqueSuffix()}`;
    await bus.ensureTopics([topic, deadLetterTopic(topic)]);
    const filled = events(topic);
    await bus.produce(topic, asMessages(filled));
    return { topic, events: filled };
  };

  const consume = async (topic: string, options: Partial<ConsumerOptions> = {}) => {
    const outcomes: ConsumerOutcome[] = [];
    const group = `batches-${uniqueSuffix()}`;
    const consumer = await startConsumer({
      bus,
      db: fixture.db,
      schema: fixture.consumerSchema,
      name: group,
      topics: [topic],
      handle: async (event, tx) => {
        const { poison } = (event as StepEvent).data;
        if (poison) throw new PoisonMessage(poison);
        await applyStep(fixture.consumerSchema, group, event as StepEvent, tx);
      },
      onOutcome: (outcome) => outcomes.push(outcome),
      log: () => undefined,
      ...options,
    });
    running.push(consumer);
    return { consumer, outcomes, group };
  };

  const deadLettersOf = async (topic: string): Promise<IncomingMessage[]> => {
    const letters: IncomingMessage[] = [];
    running.push(await bus.subscribe({ group: `dlq-${uniqueSuffix()}`, topics: [deadLetterTopic(topic)], fromBeginning: true }, async (batch) => void letters.push(...batch)));
    return letters;
  };

  it('applies a fetched batch of 50 messages in one transaction, each message with its own outcome', async () => {
    const { topic, events } = await filledTopic((t) => range(50).map((step) => stepEvent(t, step)));
    const { consumer, outcomes } = await consume(topic);

    await eventually(() => outcomes.length === 50, { what: '50 outcomes' });
    const applied = await appliedSteps(fixture.db, fixture.consumerSchema, topic);
    expect(applied.map((row) => row.step)).toEqual(range(50));
    expect(new Set(applied.map((row) => row.txid)).size).toBe(1);
    expect(outcomes.map((o) => [o.kind, o.eventId, o.failedAttempts])).toEqual(events.map((e) => ['handled', e.id, 0]));
    expect(consumer.counts).toMatchObject({ handled: 50, duplicates: 0, batchFallbacks: 0, transientFailures: 0 });
  });

  it('dead-letters a poison message in the middle of a batch, and only it; the others are applied once, in order', async () => {
    const { topic, events } = await filledTopic((t) => range(21).map((step) => stepEvent(t, step, step === 10 ? { poison: 'environment does not exist' } : {})));
    const letters = await deadLettersOf(topic);
    const committedWhenRun: boolean[] = [];
    const { consumer, outcomes, group } = await consume(topic, {
      handle: async (event, tx, _message, afterCommit) => {
        const step = event as StepEvent;
        if (step.data.poison) throw new PoisonMessage(step.data.poison);
        await applyStep(fixture.consumerSchema, group, step, tx);
        // runs once per applied step, after its commit: never for the batch that was rolled back
        afterCommit(() => void appliedSteps(fixture.db, fixture.consumerSchema, topic).then((rows) => committedWhenRun.push(rows.some((r) => r.step === step.data.step))));
      },
    });

    await eventually(() => outcomes.length === 21 && letters.length === 1, { what: '21 outcomes and a dead letter' });
    const applied = await appliedSteps(fixture.db, fixture.consumerSchema, topic);
    expect(applied.map((row) => row.step)).toEqual(range(21).filter((step) => step !== 10));
    expect(outcomes.map((o) => o.kind)).toEqual(range(21).map((step) => (step === 10 ? 'dead-lettered' : 'handled')));
    expect(JSON.parse(letters[0].value!.toString())).toMatchObject({ id: events[10].id });
    expect(letters[0].headers[deadLetterHeaders.reason]).toBe('environment does not exist');
    expect(consumer.counts).toMatchObject({ handled: 20, deadLettered: 1, duplicates: 0, batchFallbacks: 1, transientFailures: 0 });
    await eventually(() => committedWhenRun.length === 20, { what: 'the after-commit effects' });
    expect(committedWhenRun.every(Boolean)).toBe(true);
  });

  it('retries a message that fails transiently in a batch until it succeeds, without skipping or reordering', async () => {
    const { topic } = await filledTopic((t) => range(10).map((step) => stepEvent(t, step)));
    let failuresLeft = 3;
    const { consumer, outcomes, group } = await consume(topic, {
      retry: { initialMs: 10, maxMs: 50 },
      handle: async (event, tx) => {
        if ((event as StepEvent).data.step === 4 && failuresLeft-- > 0) throw new Error('deadlock detected (injected)');
        await applyStep(fixture.consumerSchema, group, event as StepEvent, tx);
      },
    });

    await eventually(() => outcomes.length === 10, { what: '10 outcomes' });
    expect((await appliedSteps(fixture.db, fixture.consumerSchema, topic)).map((row) => row.step)).toEqual(range(10));
    expect(outcomes.map((o) => o.failedAttempts)).toEqual(range(10).map((step) => (step === 4 ? 3 : 0)));
    expect(consumer.counts).toMatchObject({ handled: 10, batchFallbacks: 1, transientFailures: 3 });
  });

  it('gives the same event delivered twice in one batch one effect', async () => {
    const { topic, events } = await filledTopic((t) => {
      const [a, b, c] = range(3).map((step) => stepEvent(t, step));
      return [a, b, a, c, b];
    });
    const { outcomes } = await consume(topic);

    await eventually(() => outcomes.length === 5, { what: '5 outcomes' });
    const applied = await appliedSteps(fixture.db, fixture.consumerSchema, topic);
    expect(applied.map((row) => row.step)).toEqual([0, 1, 2]);
    expect(new Set(applied.map((row) => row.txid)).size).toBe(1);
    const kinds = ['handled', 'handled', 'duplicate', 'handled', 'duplicate'];
    expect(outcomes.map((o) => [o.eventId, o.kind])).toEqual(events.map((event, i) => [event.id, kinds[i]]));
  });

  it('after a crash in the middle of a batch, the next member applies the rest: every step once, no batch half-applied', async () => {
    const { topic } = await filledTopic((t) => range(50).map((step) => stepEvent(t, step)));
    const group = `batches-crash-${uniqueSuffix()}`;
    // batches of 10: the first two commit, the third stalls at step 25 inside its transaction and the process is killed
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'stalling-consumer.ts')], {
      cwd: repository,
      env: { ...process.env, DATABASE_URL: fixture.database.url, KAFKA_BROKERS: kafkaBrokers().join(','), SCHEMA: fixture.consumerSchema, GROUP: group, TOPIC: topic, MAX_BATCH: '10', STALL_AT_STEP: '25' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((resolved) => child.once('exit', resolved));
    try {
      await eventually(() => output.includes('stalled'), { timeoutMs: 60_000, what: `the stalling consumer to stall (output: ${output})` });
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    const beforeCrash = await appliedSteps(fixture.db, fixture.consumerSchema, topic);
    expect(beforeCrash.map((row) => row.step)).toEqual(range(20));
    expect(new Set(beforeCrash.map((row) => row.txid)).size).toBe(2);

    const { outcomes } = await consume(topic, { name: group, handle: (event, tx) => applyStep(fixture.consumerSchema, 'next member', event as StepEvent, tx) });
    await eventually(async () => (await appliedSteps(fixture.db, fixture.consumerSchema, topic)).length >= 50, { what: 'all 50 steps' });
    const applied = await appliedSteps(fixture.db, fixture.consumerSchema, topic);
    expect(applied.map((row) => row.step)).toEqual(range(50));
    expect(applied.filter((row) => row.consumer === 'next member').map((row) => row.step)).toEqual(range(30, 20));
    // what the killed member applied but did not commit to Kafka came again and was dropped by the inbox
    expect(outcomes.filter((o) => o.kind === 'handled')).toHaveLength(30);
    expect(outcomes.filter((o) => o.kind === 'duplicate').length).toBeLessThanOrEqual(20);
  }, 120_000);
});
