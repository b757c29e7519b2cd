import { eventually, startOwnBroker, type OwnBroker } from '@gantry/testing';
import { startConsumer, type RunningConsumer } from './consumer';
import { KafkaBus } from './kafka-bus';
import { deploymentEvent, messagingFixture, newDeploymentStream, recordEffect, uniqueSuffix, type MessagingFixture } from './test-fixtures';
import { startPublisher, type RunningPublisher } from './publisher';

/**
 * This test stops and restarts a broker, so it runs a broker of its own: the run's broker, and the test files using
 * it in parallel, are not disturbed.
 */
describe('a broker outage while events are being appended', () => {
  let broker: OwnBroker;
  let fixture: MessagingFixture;
  let bus: KafkaBus;
  let publisher: RunningPublisher;
  let consumer: RunningConsumer;

  beforeAll(async () => {
    broker = await startOwnBroker();
    fixture = await messagingFixture();
    bus = new KafkaBus({ clientId: 'gantry-outage-test', brokers: [broker.brokers], log: () => undefined });
    consumer = await startConsumer({
      bus,
      db: fixture.db,
      schema: fixture.consumerSchema,
      name: `execution-${uniqueSuffix()}`,
      topics: [fixture.topic],
      handle: (event, tx, message) => recordEffect(fixture.consumerSchema, event, tx, message),
      log: () => undefined,
    });
    publisher = startPublisher({ bus, store: fixture.store, service: fixture.service, topic: fixture.topic, log: () => undefined });
  }, 120_000);

  afterAll(async () => {
    await publisher?.stop();
    await consumer?.stop();
    await bus?.close();
    await fixture?.close();
    await broker?.destroy();
  }, 120_000);

  it('loses nothing and applies every event exactly once, each stream in order', async () => {
    const streams = Array.from({ length: 8 }, () => ({ ...newDeploymentStream(), version: 0 }));
    const appended: string[] = [];
    const appendSome = async (count: number, paceMs = 0) => {
      for (let i = 0; i < count; i++) {
        if (paceMs) await new Promise((paced) => setTimeout(paced, paceMs));
        const stream = streams[appended.length % streams.length];
        const event = deploymentEvent('DeploymentStepRecorded', { step: stream.version + 1 });
        await fixture.store.appendStream(stream.id, 'Deployment', stream.version, [event]);
        stream.version += 1;
        appended.push(event.id);
      }
    };
    const applied = async () => Number((await fixture.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${fixture.consumerSchema}.effects`)).rows[0].n);

    await appendSome(40);
    await eventually(async () => (await applied()) === 40, { what: 'the first 40 events before the outage' });

    // The broker goes down while appends go on and stays down while 80 more are appended, 200 ms apart: longer
    // than kafkajs's retries, so the consumer crashes and restarts and the publisher's sends fail for a while.
    const appendingDuringStop = appendSome(40);
    await broker.stop();
    await appendingDuringStop;
    const appendedWhenStopped = appended.length;
    await appendSome(80, 200);
    const appliedWhileDown = await applied();
    await broker.start();
    const restarted = Date.now();
    await appendSome(40);

    await eventually(async () => (await applied()) >= appended.length, { timeoutMs: 120_000, intervalMs: 100, what: `all ${appended.length} events applied` });
    console.info(`broker outage: ${appliedWhileDown} of ${appendedWhenStopped + 80} events applied while down; all ${appended.length} applied ${Date.now() - restarted} ms after the broker was back; published ${publisher.published}, duplicates dropped ${consumer.counts.duplicates}`);
    const effects = await fixture.effects();
    expect(effects).toHaveLength(appended.length);
    expect(new Set(effects.map((row) => row.event_id))).toEqual(new Set(appended));
    for (const stream of streams) {
      const steps = effects.filter((row) => row.message_key === stream.aggregateId).map((row) => row.event.streamversion);
      expect(steps).toEqual(Array.from({ length: stream.version }, (_, i) => i + 1));
    }
    // what was appended after the broker had stopped waited in Postgres
    expect(appliedWhileDown).toBeLessThanOrEqual(appendedWhenStopped);
  }, 240_000);
});
