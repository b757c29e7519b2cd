import { randomBytes } from 'node:crypto';
import { propagation, SpanKind, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { Database, EventStore, START } from '@gantry/event-store';
import { eventually } from '@gantry/testing';
import type { IncomingMessage } from './bus';
import { startConsumer, type ConsumerOutcome, type RunningConsumer } from './consumer';
import { deadLetterHeaders, PoisonMessage } from './dead-letter';
import { InProcessBus } from './in-process-bus';
import { deploymentEvent, messagingFixture, newDeploymentStream, recordEffect, traceparentOf, type MessagingFixture } from './test-fixtures';
import { startPublisher, type RunningPublisher } from './publisher';
import { deadLetterTopic } from './topics';

const message = (value: string, key = 'k'): { key: string; value: string; headers: Record<string, string> } => ({ key, value, headers: {} });

describe('the in-process bus', () => {
  const quiet = () => undefined;

  it('resolves produce only after every subscribed group has handled the messages', async () => {
    const bus = new InProcessBus(quiet);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handled: string[] = [];
    const slow = await bus.subscribe({ group: 'slow', topics: ['t'] }, async (batch) => {
      await gate;
      handled.push(...batch.map((m) => `slow:${m.value}`));
    });
    const fast = await bus.subscribe({ group: 'fast', topics: ['t'] }, async (batch) => void handled.push(...batch.map((m) => `fast:${m.value}`)));

    let produced = false;
    const producing = bus.produce('t', [message('a'), message('b')]).then(() => (produced = true));
    await eventually(() => handled.length === 2, { what: 'the fast group' });
    expect(produced).toBe(false);
    release();
    await producing;
    expect(handled).toEqual(['fast:a', 'fast:b', 'slow:a', 'slow:b']);
    await Promise.all([slow.close(), fast.close(), bus.close()]);
  });

  it('keeps what was produced before anyone subscribed, for a group that starts from the beginning', async () => {
    const bus = new InProcessBus(quiet);
    await bus.produce('t', [message('early')]);
    const fromStart: string[] = [];
    const fromNow: string[] = [];
    const a = await bus.subscribe({ group: 'a', topics: ['t'], fromBeginning: true }, async (batch) => void fromStart.push(...batch.map((m) => String(m.value))));
    const b = await bus.subscribe({ group: 'b', topics: ['t'] }, async (batch) => void fromNow.push(...batch.map((m) => String(m.value))));
    await bus.produce('t', [message('late')]);
    expect(fromStart).toEqual(['early', 'late']);
    expect(fromNow).toEqual(['late']);
    await Promise.all([a.close(), b.close(), bus.close()]);
  });

  it('keeps only the latest messages of a topic nobody consumes', async () => {
    const bus = new InProcessBus(quiet, 2);
    await bus.produce('t', [message('1'), message('2'), message('3')]);
    const seen: string[] = [];
    const subscription = await bus.subscribe({ group: 'late', topics: ['t'], fromBeginning: true }, async (batch) => void seen.push(...batch.map((m) => `${m.offset}:${m.value}`)));
    await bus.produce('t', [message('4')]);
    expect(seen).toEqual(['1:2', '2:3', '3:4']);
    await Promise.all([subscription.close(), bus.close()]);
  });

  it('delivers a batch again while its handler throws, then goes on in order', async () => {
    const bus = new InProcessBus(quiet);
    const attempts: string[] = [];
    const subscription = await bus.subscribe({ group: 'g', topics: ['t'] }, async (batch) => {
      attempts.push(batch.map((m) => String(m.value)).join(','));
      if (attempts.length < 3) throw new Error('not yet');
    });
    await bus.produce('t', [message('flaky'), message('next')]);
    await bus.produce('t', [message('later')]);
    expect(attempts).toEqual(['flaky,next', 'flaky,next', 'flaky,next', 'later']);
    await Promise.all([subscription.close(), bus.close()]);
  });

  it('delivers what is pending of one topic as one batch, at most maxBatch messages, in offset order', async () => {
    const bus = new InProcessBus(quiet);
    await bus.produce('t', ['1', '2', '3', '4', '5'].map((value) => message(value)));
    await bus.produce('u', [message('u1')]);
    const batches: string[] = [];
    const subscription = await bus.subscribe({ group: 'g', topics: ['t', 'u'], fromBeginning: true, maxBatch: 2 }, async (batch) => {
      batches.push(batch.map((m) => `${m.topic}@${m.offset}`).join(','));
    });
    await bus.produce('u', [message('u2')]);
    expect(batches).toEqual(['t@0,t@1', 't@2,t@3', 't@4', 'u@0,u@1']);
    await Promise.all([subscription.close(), bus.close()]);
  });

  it('makes a waiting producer send again when the group stops before handling its messages', async () => {
    const bus = new InProcessBus(quiet);
    const handled: string[] = [];
    const subscription = await bus.subscribe({ group: 'g', topics: ['t'] }, async (batch) => void handled.push(...batch.map((m) => String(m.value))));
    const producing = bus.produce('t', [message('never handled')]);
    await subscription.close();
    await expect(producing).rejects.toThrow('group g stopped before handling offset 0');
    expect(handled).toEqual([]);
    await bus.close();
  });
});

describe('routing some events to another topic', () => {
  it('sends the events topicOf names to their topic, the rest to the service topic, each in commit order', async () => {
    const fixture = await messagingFixture();
    const bus = new InProcessBus(() => undefined);
    const feedbackTopic = `${fixture.topic}.feedback`;
    const received: Record<string, string[]> = { [fixture.topic]: [], [feedbackTopic]: [] };
    for (const topic of Object.keys(received)) {
      await bus.subscribe({ group: `reader-${topic}`, topics: [topic], fromBeginning: true }, async (batch) => {
        received[topic].push(...batch.map((m) => JSON.parse(m.value!.toString()).type));
      });
    }
    const publisher = startPublisher({
      bus,
      store: fixture.store,
      service: fixture.service,
      topic: fixture.topic,
      topicOf: (event) => (event.streamType === 'Feedback' ? feedbackTopic : fixture.topic),
      log: () => undefined,
    });
    try {
      const deployment = newDeploymentStream();
      await fixture.store.appendStream(deployment.id, 'Deployment', 0, [deploymentEvent('DeploymentPlanned')]);
      await fixture.store.appendStream(`Feedback-${deployment.aggregateId}`, 'Feedback', 0, [deploymentEvent('ChangeImplementationReported')]);
      await fixture.store.appendStream(deployment.id, 'Deployment', 1, [deploymentEvent('DeploymentExecuted')]);
      await publisher.caughtUp();
      expect(received[fixture.topic]).toEqual([`gantry.${fixture.service}.DeploymentPlanned.v1`, `gantry.${fixture.service}.DeploymentExecuted.v1`]);
      expect(received[feedbackTopic]).toEqual([`gantry.${fixture.service}.ChangeImplementationReported.v1`]);
    } finally {
      await publisher.stop();
      await bus.close();
      await fixture.close();
    }
  });
});

describe('a publisher at rest', () => {
  it("publishes at once what its own process commits, and finds another replica's unpublished events by its resting poll", async () => {
    const fixture = await messagingFixture();
    const replica = Database.connect(fixture.database.url);
    const bus = new InProcessBus(() => undefined);
    const received: { type: string; at: number }[] = [];
    await bus.subscribe({ group: 'reader', topics: [fixture.topic], fromBeginning: true }, async (batch) => {
      received.push(...batch.map((m) => ({ type: JSON.parse(m.value!.toString()).type as string, at: Date.now() })));
    });
    const publisher = startPublisher({ bus, store: fixture.store, service: fixture.service, topic: fixture.topic, restingMs: 1_500, log: () => undefined });
    try {
      await publisher.caughtUp();
      const deployment = newDeploymentStream();
      // committed by this process: its commit wakes the publisher
      const appended = Date.now();
      await fixture.store.appendStream(deployment.id, 'Deployment', 0, [deploymentEvent('DeploymentPlanned')]);
      await eventually(() => received.length === 1, { what: 'the event committed here' });
      expect(received[0]!.at - appended).toBeLessThan(1_000);
      // nothing committed here for longer than restingMs: the publisher rests
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      // committed by another replica (another pool, as another process), which died before publishing it
      const other = new EventStore(replica, fixture.store.schema);
      const committedElsewhere = Date.now();
      await other.appendStream(deployment.id, 'Deployment', 1, [deploymentEvent('DeploymentExecuted')]);
      await eventually(() => received.length === 2, { timeoutMs: 10_000, what: "the other replica's event" });
      expect(received.map((r) => r.type)).toEqual([`gantry.${fixture.service}.DeploymentPlanned.v1`, `gantry.${fixture.service}.DeploymentExecuted.v1`]);
      // nothing here woke the publisher: its resting poll found the event, within restingMs
      expect(received[1]!.at - committedElsewhere).toBeLessThan(1_500 + 1_000);
    } finally {
      await publisher.stop();
      await bus.close();
      await replica.close();
      await fixture.close();
    }
  });
});

describe('publishing and consuming through the in-process bus', () => {
  let fixture: MessagingFixture;
  let bus: InProcessBus;
  let publisher: RunningPublisher;
  let consumer: RunningConsumer;
  const spans = new InMemorySpanExporter();
  const tracing = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] });
  const outcomes: ConsumerOutcome[] = [];
  const deadLetters: IncomingMessage[] = [];
  const failuresToInject = new Map<string, number>();
  const consumerName = 'records-ledger';

  const startPipeline = async () => {
    bus = new InProcessBus(() => undefined);
    consumer = await startConsumer({
      bus,
      db: fixture.db,
      schema: fixture.consumerSchema,
      name: consumerName,
      topics: [fixture.topic],
      handle: async (event, tx, incoming) => {
        const { poison } = (event.data ?? {}) as { poison?: string };
        if (poison) throw new PoisonMessage(poison);
        const failures = failuresToInject.get(event.id) ?? 0;
        if (failures > 0) {
          failuresToInject.set(event.id, failures - 1);
          throw new Error('deadlock detected (injected)');
        }
        await recordEffect(fixture.consumerSchema, event, tx, incoming);
      },
      onOutcome: (outcome) => outcomes.push(outcome),
      log: () => undefined,
    });
    await bus.subscribe({ group: 'dlq-reader', topics: [deadLetterTopic(fixture.topic)], fromBeginning: true }, async (batch) => void deadLetters.push(...batch));
    publisher = startPublisher({ bus, store: fixture.store, service: fixture.service, topic: fixture.topic, log: () => undefined });
  };
  const stopPipeline = async () => {
    await publisher.stop();
    await consumer.stop();
    await bus.close();
  };

  beforeAll(async () => {
    trace.setGlobalTracerProvider(tracing);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    fixture = await messagingFixture();
    await startPipeline();
  });

  afterAll(async () => {
    await stopPipeline();
    await fixture.close();
    trace.disable();
    propagation.disable();
  });

  it('applies appended events once, continuing their trace, and is caught up when the effects are committed', async () => {
    const stream = newDeploymentStream();
    const traceId = randomBytes(16).toString('hex');
    const parentSpanId = randomBytes(8).toString('hex');
    const planned = deploymentEvent('DeploymentPlanned', {}, { traceparent: traceparentOf(traceId, parentSpanId) });
    const approved = deploymentEvent('DeploymentApproved');
    await fixture.store.appendStream(stream.id, 'Deployment', 0, [planned, approved]);
    await publisher.caughtUp();

    const effects = (await fixture.effects()).filter((row) => row.message_key === stream.aggregateId);
    expect(effects.map((row) => [row.event_id, row.event.type, row.event.subject])).toEqual([
      [planned.id, `gantry.${fixture.service}.DeploymentPlanned.v1`, stream.aggregateId],
      [approved.id, `gantry.${fixture.service}.DeploymentApproved.v1`, stream.aggregateId],
    ]);
    await tracing.forceFlush();
    const spanOf = (kind: SpanKind) => spans.getFinishedSpans().find((candidate) => candidate.kind === kind && candidate.attributes['messaging.message.id'] === planned.id);
    // the send continues the trace recorded with the event, the processing is the send's child
    const sent = spanOf(SpanKind.PRODUCER);
    expect(sent?.spanContext().traceId).toBe(traceId);
    expect(sent?.parentSpanContext?.spanId).toBe(parentSpanId);
    expect(sent?.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.operation.type': 'send', 'messaging.destination.name': fixture.topic });
    const processed = spanOf(SpanKind.CONSUMER);
    expect(processed?.spanContext().traceId).toBe(traceId);
    expect(processed?.parentSpanContext?.spanId).toBe(sent?.spanContext().spanId);
    expect(processed?.attributes['gantry.consumer.outcome']).toBe('handled');
  });

  it('dead-letters poison with the reason and retries a transient failure without skipping it', async () => {
    const stream = newDeploymentStream();
    await bus.produce(fixture.topic, [message('not json', stream.aggregateId)]);
    const invalid = deploymentEvent('DeploymentPlanned', { poison: 'window overlaps a freeze' });
    const flaky = deploymentEvent('DeploymentApproved');
    failuresToInject.set(flaky.id, 2);
    await fixture.store.appendStream(stream.id, 'Deployment', 0, [invalid, flaky]);
    await publisher.caughtUp();

    expect(deadLetters.filter((m) => m.key === stream.aggregateId).map((m) => m.headers[deadLetterHeaders.reason])).toEqual([
      expect.stringMatching(/^not JSON: /),
      'window overlaps a freeze',
    ]);
    expect(outcomes.filter((o) => o.eventId === flaky.id)).toEqual([expect.objectContaining({ kind: 'handled', failedAttempts: 2 })]);
    expect((await fixture.effects()).filter((row) => row.message_key === stream.aggregateId).map((row) => row.event_id)).toEqual([flaky.id]);
  });

  it('after a restart that lost the bus, the publisher sends from its checkpoint again and the inbox drops the repeats', async () => {
    const before = await fixture.effects();
    await stopPipeline();
    // as if the process had stopped between producing and saving its checkpoint
    await fixture.store.saveCheckpoint(fixture.db, `publisher:${fixture.topic}`, START);
    outcomes.length = 0;
    await startPipeline();
    const stream = newDeploymentStream();
    const fresh = deploymentEvent('DeploymentPlanned');
    await fixture.store.appendStream(stream.id, 'Deployment', 0, [fresh]);
    await publisher.caughtUp();

    const after = await fixture.effects();
    expect(after.map((row) => row.event_id)).toEqual([...before.map((row) => row.event_id), fresh.id]);
    expect(outcomes.filter((o) => o.kind === 'duplicate').length).toBe(before.length);
  });
});
