import { eventually, startOwnCluster, type OwnCluster } from '@gantry/testing';
import { KafkaBus, type Subscription } from '@gantry/messaging';
import { ConfigResourceTypes, Kafka, logLevel, type Admin } from 'kafkajs';

/**
 * infra/kafka's three-node cluster (KAFKA_NODES=3) survives the loss of a node: with replication 3 and
 * min.insync.replicas 2, sends with acks=all go on while one node is SIGKILLed, a consumer group reads every
 * acknowledged message, and the node rejoins every partition's ISR when it is started again on its data.
 */
describe('a three-node Kafka cluster losing a node', () => {
  const topic = `cluster-${process.pid}-${Date.now()}`;
  let cluster: OwnCluster;
  let bus: KafkaBus;
  let admin: Admin;
  let subscription: Subscription | undefined;
  /** the test's producer sends while this holds */
  let producing = false;
  const t0 = Date.now();
  const timings: Record<string, number> = {};
  const mark = (what: string) => (timings[what] = Date.now() - t0);

  beforeAll(async () => {
    cluster = await startOwnCluster(3);
    mark('cluster started');
    bus = new KafkaBus({ clientId: 'gantry-cluster-test', brokers: cluster.brokers.split(','), partitions: 3, replicationFactor: 3, log: () => undefined });
    admin = new Kafka({ clientId: 'gantry-cluster-test-admin', brokers: cluster.brokers.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
  }, 180_000);

  afterAll(async () => {
    producing = false;
    await subscription?.close();
    await bus?.close();
    await admin?.disconnect();
    await cluster?.destroy();
    console.info(`kafka cluster test, ms since start: ${JSON.stringify(timings)}`);
  }, 120_000);

  it('goes on producing and consuming without losing a message, and the restarted node rejoins', async () => {
    const signal = cluster.failure;
    await bus.ensureTopics([topic]);
    const [{ configEntries }] = (await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['min.insync.replicas'] }], includeSynonyms: false })).resources;
    expect(configEntries.find((entry) => entry.configName === 'min.insync.replicas')?.configValue).toBe('2');
    const partitions = async () => (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0].partitions;
    expect((await partitions()).map((partition) => partition.replicas.length)).toEqual([3, 3, 3]);

    const consumed = new Set<string>();
    subscription = await bus.subscribe({ group: `${topic}-group`, topics: [topic], fromBeginning: true }, async (batch) => {
      for (const message of batch) consumed.add(message.value!.toString());
    });

    // sends one message at a time, each until acknowledged (acks=all), as the publisher does; a rejected send is sent
    // again, so a message may arrive twice but none may be missing
    const acknowledged: string[] = [];
    let rejected = 0;
    producing = true;
    const producer = (async () => {
      for (let n = 0; producing; n++) {
        const value = `message-${n}`;
        for (;;) {
          if (signal.aborted || !producing) return;
          try {
            await bus.produce(topic, [{ key: `key-${n % 7}`, value, headers: {} }]);
            break;
          } catch {
            rejected += 1;
          }
        }
        acknowledged.push(value);
        // about 100 messages a second: a steady stream that leaves the two cores to the three nodes
        await new Promise((paced) => setTimeout(paced, 10));
      }
    })();
    const allConsumed = (what: string) =>
      eventually(() => acknowledged.length > 0 && acknowledged.every((value) => consumed.has(value)), { timeoutMs: 60_000, what, signal });
    const acknowledgedSoFar = (count: number, what: string) => eventually(() => acknowledged.length >= count, { timeoutMs: 60_000, what, signal });

    await acknowledgedSoFar(50, '50 messages acknowledged');
    await allConsumed('the first messages consumed');
    mark('first messages consumed');

    // the node leading partition 0 goes down hard
    const victim = (await partitions()).find((partition) => partition.partitionId === 0)!.leader;
    const beforeKill = acknowledged.length;
    await cluster.kill(victim);
    mark(`node ${victim} killed`);
    await acknowledgedSoFar(beforeKill + 100, '100 messages acknowledged after the kill');
    mark('100 messages acknowledged after the kill');
    await eventually(async () => (await partitions()).every((partition) => partition.leader !== victim && !partition.isr.includes(victim)), {
      timeoutMs: 30_000,
      what: `node ${victim} out of every ISR`,
      signal,
    });
    mark(`node ${victim} out of every ISR`);
    await allConsumed('every message acknowledged while a node was down consumed');
    mark('all consumed with a node down');

    await cluster.start(victim);
    mark(`node ${victim} started again`);
    await eventually(async () => (await partitions()).every((partition) => partition.isr.length === 3), { timeoutMs: 60_000, what: `node ${victim} back in every ISR`, signal });
    mark('ISR back to 3');
    const afterRestart = acknowledged.length;
    await acknowledgedSoFar(afterRestart + 50, '50 messages acknowledged after the restart');

    producing = false;
    await producer;
    await allConsumed('every acknowledged message consumed');
    mark('all consumed');
    console.info(`kafka cluster test: ${acknowledged.length} messages acknowledged (${rejected} sends rejected and sent again), ${consumed.size} distinct consumed`);
    expect(acknowledged.filter((value) => !consumed.has(value))).toEqual([]);
  }, 180_000);
});
