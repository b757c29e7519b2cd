#!/usr/bin/env node
// Smoke test for the test broker (infra/kafka/start.sh), using kafkajs from the repo's node_modules.
// Creates a topic (if missing), produces one message, consumes it with a consumer group, commits.
//
//   node infra/kafka/smoke.js [topic] [--expect-existing]
//
// Re-running with the same topic reuses the same group, so only the new message is read:
// that shows the topic and the committed offsets survived a broker restart (--expect-existing
// makes it fail if the topic had to be created). Broker: KAFKA_BROKERS or 127.0.0.1:${KAFKA_PORT:-19092}.
'use strict';
const { Kafka, logLevel, Partitioners } = require('kafkajs');

const args = process.argv.slice(2);
const expectExisting = args.includes('--expect-existing');
const topic = args.find((a) => !a.startsWith('--')) || `smoke-${Date.now()}`;
const brokers = (process.env.KAFKA_BROKERS || `127.0.0.1:${process.env.KAFKA_PORT || 19092}`).split(',');
const groupId = `${topic}-group`;
const value = `hello-${process.pid}-${Date.now()}`;

async function main() {
  const t0 = Date.now();
  const kafka = new Kafka({ clientId: 'gantry-smoke', brokers, logLevel: logLevel.WARN });
  const admin = kafka.admin();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  const consumer = kafka.consumer({ groupId, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  const timer = setTimeout(() => { console.error(`smoke: timed out (topic ${topic})`); process.exit(1); }, 30000);
  try {
    await admin.connect();
    const existed = (await admin.listTopics()).includes(topic);
    const created = !existed && (await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true }));
    if (expectExisting && !existed) throw new Error(`topic ${topic} did not exist before (data lost?)`);
    await admin.disconnect();
    const tAdmin = Date.now();

    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'k', value }] });
    await producer.disconnect();
    const tProduce = Date.now();

    const seen = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise((resolve, reject) => {
      consumer.run({
        autoCommit: true,
        eachMessage: async ({ message }) => {
          seen.push(message.value.toString());
          if (message.value.toString() === value) resolve();
        },
      }).catch(reject);
    });
    await consumer.disconnect();
    const tConsume = Date.now();
    clearTimeout(timer);
    console.log(JSON.stringify({
      ok: true, topic, groupId, topicExisted: existed, topicCreated: created, consumed: seen.length,
      ms: { admin: tAdmin - t0, produce: tProduce - tAdmin, consume: tConsume - tProduce, total: tConsume - t0 },
    }));
  } catch (err) {
    clearTimeout(timer);
    console.error(`smoke: FAILED: ${err && err.stack ? err.stack : err}`);
    await Promise.allSettled([admin.disconnect(), producer.disconnect(), consumer.disconnect()]);
    process.exit(1);
  }
}

main();
