import { randomUUID } from 'node:crypto';
import { eventually } from '@gantry/testing';
import type { IncomingMessage, OutgoingMessage, Subscription } from './bus';
import { eventName, type CloudEvent } from './cloud-event';
import { startConsumer, type ConsumerOutcome, type OutcomeKind, type RunningConsumer } from './consumer';
import { deadLetterHeaders, PoisonMessage } from './dead-letter';
import { KafkaBus } from './kafka-bus';
import { deploymentEvent, kafkaBrokers, messagingFixture, newDeploymentStream, recordEffect, uniqueSuffix, type MessagingFixture } from './test-fixtures';
import { startPublisher, type RunningPublisher } from './publisher';
import { deadLetterTopic } from './topics';

describe('an event appended in one service reaches another through Kafka', () => {
  let fixture: MessagingFixture;
  let bus: KafkaBus;
  let publisher: RunningPublisher;
  let consumer: RunningConsumer;
  let deadLetterReader: Subscription;
  const deadLetters: IncomingMessage[] = [];
  const outcomes: ConsumerOutcome[] = [];
  /** event id → transient failures still to inject */
  const failuresToInject = new Map<string, number>();
  const outcomeWaiters = new Map<string, (outcome: ConsumerOutcome) => void>();

  const outcomesOf = (eventId: string, kind?: OutcomeKind) => outcomes.filter((o) => o.eventId === eventId && (!kind || o.kind === kind));
  const handled = (eventId: string) => new Promise<ConsumerOutcome>((resolve) => outcomeWaiters.set(eventId, resolve));

  beforeAll(async () => {
    const brokers = kafkaBrokers();
    fixture = await messagingFixture();
    bus = new KafkaBus({ clientId: 'gantry-messaging-test', brokers });
    consumer = await startConsumer({
      bus,
      db: fixture.db,
      schema: fixture.consumerSchema,
      name: `verification-${uniqueSuffix()}`,
      topics: [fixture.topic],
      accepts: (type) => eventName(type) !== 'DeploymentNoted',
      validate: (event) => (event.subject ? undefined : 'subject is required'),
      handle: async (event, tx, message) => {
        const { poison } = (event.data ?? {}) as { poison?: string };
        if (poison) throw new PoisonMessage(poison);
        const failures = failuresToInject.get(event.id) ?? 0;
        if (failures > 0) {
          failuresToInject.set(event.id, failures - 1);
          throw new Error('connection reset (injected)');
        }
        await recordEffect(fixture.consumerSchema, event, tx, message);
      },
      onOutcome: (outcome) => {
        outcomes.push(outcome);
        if (outcome.eventId && outcome.kind !== 'duplicate') outcomeWaiters.get(outcome.eventId)?.(outcome);
      },
      log: () => undefined,
    });
    deadLetterReader = await bus.subscribe({ group: `dlq-reader-${uniqueSuffix()}`, topics: [deadLetterTopic(fixture.topic)], fromBeginning: true }, async (batch) => {
      deadLetters.push(...batch);
    });
    publisher = startPublisher({ bus, store: fixture.store, service: fixture.service, topic: fixture.topic });
  });

  afterAll(async () => {
    await publisher?.stop();
    await consumer?.stop();
    await deadLetterReader?.close();
    await bus?.close();
    await fixture?.close();
  });

  it('arrives as a CloudEvent with the documented attributes, keyed by the aggregate id, and is applied once', async () => {
    const stream = newDeploymentStream();
    const planned = deploymentEvent('DeploymentPlanned', { environment: 'production' });
    const approved = { ...deploymentEvent('DeploymentApproved', { by: 'bob' }), schemaVersion: 2 };
    await fixture.store.appendStream(stream.id, 'Deployment', 0, [planned, approved]);

    const effects = await eventually(async () => {
      const rows = (await fixture.effects()).filter((row) => row.message_key === stream.aggregateId);
      return rows.length === 2 && rows;
    }, { what: 'both effects' });

    expect(effects.map((row) => row.event_id)).toEqual([planned.id, approved.id]);
    const [first, second] = effects;
    const [recorded] = (await fixture.store.readStream(stream.id)).filter((e) => e.id === planned.id);
    expect(first.event).toEqual<CloudEvent>({
      specversion: '1.0',
      id: planned.id,
      source: `/gantry/${fixture.service}`,
      type: `gantry.${fixture.service}.DeploymentPlanned.v1`,
      subject: stream.aggregateId,
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      datacontenttype: 'application/json',
      data: { environment: 'production' },
      correlationid: planned.metadata.correlationId,
      causationid: planned.metadata.causationId,
      actor: 'alice@example.org',
      actorroles: 'deployment-manager,approver',
      actorchannel: 'rest',
      streamversion: 1,
      traceparent: planned.metadata.traceparent,
      eventhash: recorded.hash,
    });
    expect(second.event).toMatchObject({ type: `gantry.${fixture.service}.DeploymentApproved.v2`, streamversion: 2 });
    expect(first.headers).toEqual({ 'content-type': 'application/cloudevents+json', traceparent: planned.metadata.traceparent });
    expect(first.message_key).toBe(stream.aggregateId);
  });

  it('applies a message delivered twice only once', async () => {
    const stream = newDeploymentStream();
    const event = deploymentEvent('DeploymentPlanned');
    const published = handled(event.id);
    await fixture.store.appendStream(stream.id, 'Deployment', 0, [event]);
    await published;
    const [effect] = (await fixture.effects()).filter((row) => row.event_id === event.id);

    const again = { key: effect.message_key, value: JSON.stringify(effect.event), headers: effect.headers };
    await bus.produce(fixture.topic, [again]);
    await bus.produce(fixture.topic, [again]);

    await eventually(() => outcomesOf(event.id, 'duplicate').length === 2, { what: 'two duplicate deliveries' });
    expect((await fixture.effects()).filter((row) => row.event_id === event.id)).toHaveLength(1);
  });

  it('sends poison messages to the dead-letter topic with the reason and goes on with the next message', async () => {
    const stream = newDeploymentStream();
    const key = stream.aggregateId; // one partition: the poison comes before the good event
    const poison: OutgoingMessage[] = [
      { key, value: '{"specversion": "1.0", "id": ', headers: { 'x-origin': 'test' } },
      { key, value: JSON.stringify({ specversion: '1.0', id: randomUUID(), source: '/itsm', subject: key }), headers: {} },
      { key, value: JSON.stringify({ specversion: '1.0', id: randomUUID(), source: '/itsm', type: 'itsm.changes.ChangeAuthorised.v1' }), headers: {} },
    ];
    await bus.produce(fixture.topic, poison);
    const invalid = deploymentEvent('DeploymentPlanned', { poison: 'environment does not exist' });
    const ignored = deploymentEvent('DeploymentNoted');
    const good = deploymentEvent('DeploymentPlanned');
    const goodHandled = handled(good.id);
    await fixture.store.appendStream(stream.id, 'Deployment', 0, [invalid, ignored, good]);

    expect((await goodHandled).kind).toBe('handled');
    const letters = await eventually(() => {
      const mine = deadLetters.filter((message) => message.key === key);
      return mine.length === 4 && mine;
    }, { what: 'four dead letters' });

    expect(letters.map((message) => message.headers[deadLetterHeaders.reason])).toEqual([
      expect.stringMatching(/^not JSON: /),
      'missing attribute: type',
      'subject is required',
      'environment does not exist',
    ]);
    expect(letters[0].value?.toString()).toBe(poison[0].value);
    expect(letters[0].headers).toMatchObject({
      'x-origin': 'test',
      [deadLetterHeaders.consumer]: expect.stringMatching(/^verification-/),
      [deadLetterHeaders.originalTopic]: fixture.topic,
      [deadLetterHeaders.originalPartition]: expect.stringMatching(/^\d+$/),
      [deadLetterHeaders.originalOffset]: expect.stringMatching(/^\d+$/),
    });
    expect(JSON.parse(letters[3].value!.toString())).toMatchObject({ id: invalid.id });
    expect(outcomesOf(ignored.id)).toEqual([expect.objectContaining({ kind: 'ignored' })]);
    const effects = (await fixture.effects()).filter((row) => row.message_key === key);
    expect(effects.map((row) => row.event_id)).toEqual([good.id]);
  });

  it('retries a transient failure until it succeeds, without skipping it or reordering the stream', async () => {
    const stream = newDeploymentStream();
    const flaky = deploymentEvent('DeploymentPlanned');
    const next = deploymentEvent('DeploymentApproved');
    failuresToInject.set(flaky.id, 2);
    const nextHandled = handled(next.id);
    await fixture.store.appendStream(stream.id, 'Deployment', 0, [flaky, next]);
    await nextHandled;

    expect(outcomesOf(flaky.id)).toEqual([expect.objectContaining({ kind: 'handled', failedAttempts: 2 })]);
    const effects = (await fixture.effects()).filter((row) => row.message_key === stream.aggregateId);
    expect(effects.map((row) => row.event_id)).toEqual([flaky.id, next.id]);
  });

  it('leaves a message that is still being retried when the consumer stops for the next member of the group', async () => {
    const group = `model-review-${uniqueSuffix()}`;
    const seen: ConsumerOutcome[] = [];
    const start = (handle: (event: CloudEvent) => Promise<void>) =>
      startConsumer({
        bus,
        db: fixture.db,
        schema: fixture.consumerSchema,
        name: group,
        topics: [fixture.topic],
        fromBeginning: false,
        handle,
        onOutcome: (outcome) => seen.push(outcome),
        log: () => undefined,
      });
    const stream = newDeploymentStream();
    const first = deploymentEvent('DeploymentPlanned');
    const stuck = deploymentEvent('DeploymentApproved');
    let attemptsAtStuck = 0;
    const failing = await start(async (event) => {
      if (event.id === stuck.id) {
        attemptsAtStuck += 1;
        throw new Error('database unavailable (injected)');
      }
    });
    await fixture.store.appendStream(stream.id, 'Deployment', 0, [first, stuck]);
    await eventually(() => attemptsAtStuck >= 2, { what: 'the consumer retrying' });
    await failing.stop();

    const healthy = await start(async () => undefined);
    await eventually(() => seen.some((o) => o.eventId === stuck.id && o.kind === 'handled'), { what: 'the next member handling it' });
    await healthy.stop();
    expect(seen.filter((o) => o.eventId === first.id && o.kind === 'handled')).toHaveLength(1);
    expect(seen.filter((o) => o.eventId === stuck.id).map((o) => o.kind)).toEqual(['handled']);
  });

  it('takes one hop (append → effect committed by the consumer) in milliseconds', async () => {
    const latencies: number[] = [];
    for (let i = 0; i < 30; i++) {
      const stream = newDeploymentStream();
      const event = deploymentEvent('DeploymentPlanned');
      const done = handled(event.id);
      await fixture.store.appendStream(stream.id, 'Deployment', 0, [event]);
      const committed = Date.now();
      await done;
      latencies.push(Date.now() - committed);
    }
    latencies.sort((a, b) => a - b);
    const percentile = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
    console.info(`one hop on real Kafka over ${latencies.length} events: p50 ${percentile(0.5)} ms, p95 ${percentile(0.95)} ms, max ${latencies.at(-1)} ms`);
    expect(percentile(0.5)).toBeLessThan(1_000);
  });
});
