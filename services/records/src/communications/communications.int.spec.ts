import { mintToken } from '@gantry/auth';
import { COMMUNICATIONS_TOPICS, EVENTS, SAMPLE_PAYLOADS, SAMPLE_SERVICE, type DeploymentNoticeIssued, type EventName, type EventPayloads, type KnowledgeArticleProposed } from '@gantry/contracts';
import { KafkaBus, type CloudEvent, type IncomingMessage, type Subscription } from '@gantry/messaging';
import { boot, verifyWebhookSignature, type RunningProcess } from '@gantry/platform';
import { createTestDatabase, eventually, type TestDatabase } from '@gantry/testing';
import { generateKeyPair } from '@gantry/transparency-log';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordsModule } from '../records.module';
import { NOTICE_ID_HEADER, NOTICE_SIGNATURE_HEADER } from './index';

/**
 * Deployment communications over a real Kafka broker and PostgreSQL: planning's catalogue entries and a deployment's
 * story are published as the other services would; an ITSM suite reads the deployment's notices on
 * gantry.communications.v1 in the order of the story with the service's contacts, and a chat webhook on a local HTTP
 * server that refuses the first two attempts gets each notice, signed, once in effect.
 */
const SECRET = 'records-communications-int-secret-long';
const CHANNEL_SECRET = 'chat-channel-secret';
const suffix = randomUUID().slice(0, 8);
/** a fresh broker's first producers wait for its coordinators: tens of seconds on a loaded machine */
const KAFKA_MS = 120_000;
const service = `payments-${suffix}`;
const dependent = `checkout-${suffix}`;

type Published<Data> = Omit<CloudEvent<Data>, 'data'> & { data: Data };

let database: TestDatabase;
let dir: string;
let bus: KafkaBus;
let records: RunningProcess | undefined;
let server: Server;
const readers: Subscription[] = [];
const notices: Published<DeploymentNoticeIssued>[] = [];
const articles: Published<KnowledgeArticleProposed>[] = [];

/** What the chat webhook saw: every attempt, and the notices it took, one per Gantry-Notice-Id (its idempotency key). */
const webhook = {
  attempts: [] as { noticeId: string | undefined; signed: boolean; body: { text: string; gantry: DeploymentNoticeIssued } }[],
  refusalsLeft: 2,
  accepted: new Map<string, number>(),
  url: '',
};

const produced = new Set<string>();
const deployments = new Set<string>();
const ours = (event: CloudEvent) => produced.has(event.id) || deployments.has((event.data as { deploymentId?: string } | undefined)?.deploymentId ?? '');

beforeAll(async () => {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set: this suite needs the broker from the test setup');
  database = await createTestDatabase('gantry_communications');
  // this suite's own ledger key: records runs as its own service here
  dir = mkdtempSync(join(tmpdir(), 'communications-'));
  const origin = `records.test/communications-${suffix}`;
  writeFileSync(join(dir, 'key'), generateKeyPair(origin).signingKey);

  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const noticeId = request.headers[NOTICE_ID_HEADER.toLowerCase()] as string | undefined;
      const signed = verifyWebhookSignature(CHANNEL_SECRET, request.headers[NOTICE_SIGNATURE_HEADER.toLowerCase()] as string | undefined, raw, new Date());
      webhook.attempts.push({ noticeId, signed, body: JSON.parse(raw) });
      if (!signed || !noticeId) return void response.writeHead(401).end();
      if (webhook.refusalsLeft > 0) {
        webhook.refusalsLeft--;
        return void response.writeHead(503).end();
      }
      // a receiver keeps one delivery per notice id: a repeat would be acknowledged and dropped
      webhook.accepted.set(noticeId, (webhook.accepted.get(noticeId) ?? 0) + 1);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  webhook.url = `http://${host}/hooks/${service}`;

  bus = new KafkaBus({ clientId: `records-communications-int-${suffix}`, brokers });
  await bus.ensureTopics([COMMUNICATIONS_TOPICS.communications, ...new Set(Object.values(EVENTS).map((e) => e.topic))]);
  readers.push(
    await bus.subscribe({ group: `itsm-suite-${suffix}`, topics: [COMMUNICATIONS_TOPICS.communications], fromBeginning: true }, async (batch: IncomingMessage[]) => {
      for (const message of batch) {
        const event = JSON.parse(message.value!.toString()) as Published<Record<string, unknown>>;
        if (!deployments.has(String(event.data.deploymentId))) continue;
        if (event.type === EVENTS.DeploymentNoticeIssued.type) notices.push(event as unknown as Published<DeploymentNoticeIssued>);
        if (event.type === EVENTS.KnowledgeArticleProposed.type) articles.push(event as unknown as Published<KnowledgeArticleProposed>);
      }
    }),
  );

  records = await boot('records', {
    modules: (runtime) => [
      RecordsModule.register(runtime, {
        ledger: { origin, keyFile: join(dir, 'key'), checkpointEveryEntries: 1000, checkpointEverySeconds: 0 },
        noticeChannels: { allowedHosts: [host], secretOf: (ref) => (ref === 'PAYMENTS_CHAT' ? CHANNEL_SECRET : undefined), retry: { initialMs: 50, maxMs: 400 }, pollMs: 100 },
        actsOn: ours,
        fromBeginning: true,
      }),
    ],
    env: { DATABASE_URL: database.url, KAFKA_BROKERS: process.env.KAFKA_BROKERS, GANTRY_CONSUMER_GROUP_PREFIX: `communications-${suffix}-`, PORT: '0', GANTRY_JWT_SECRET: SECRET, LOG_LEVEL: 'error' },
  });
}, KAFKA_MS);

afterAll(async () => {
  await records?.stop();
  for (const reader of readers) await reader.close();
  await bus?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** Publishes a Gantry event as its service would, on its topic, with a payload valid against the contract. */
const publish = async <N extends EventName>(name: N, data: Partial<EventPayloads[N]>, key: string) => {
  const { service: source, type, topic } = EVENTS[name];
  const id = randomUUID();
  produced.add(id);
  const event = { specversion: '1.0', id, source: `/gantry/${source}`, type, time: new Date().toISOString(), datacontenttype: 'application/json', data: { ...SAMPLE_PAYLOADS[name], ...data } };
  await bus.produce(topic, [{ key, value: JSON.stringify(event), headers: {} }]);
};

const kindsOf = (deploymentId: string) => notices.filter((n) => n.data.deploymentId === deploymentId).map((n) => n.data.kind);

it('an ITSM suite reads the scheduled, started, completed and monitoring-ended notices of one deployment, in order, with the contacts of its service; a chat webhook that refuses twice gets each, signed, once', async () => {
  const channel = { name: 'ops-chat', url: webhook.url, secretRef: 'PAYMENTS_CHAT' };
  await publish('ServiceRegistered', { ...SAMPLE_SERVICE, name: service, dependencies: [], channels: [channel] }, `Service-${service}`);
  await publish('ServiceRegistered', { ...SAMPLE_SERVICE, name: dependent, dependencies: [service], channels: [] }, `Service-${dependent}`);
  // the catalogue's entries travel on partitions of their own: the deployment is published once records holds both
  const catalogued = async () => (await records!.runtime.db.query(`SELECT 1 FROM records.service_catalogue WHERE service IN ($1, $2)`, [service, dependent])).rowCount === 2;
  await eventually(catalogued, { timeoutMs: KAFKA_MS, what: 'both services in records\' catalogue' });

  const deploymentId = randomUUID();
  deployments.add(deploymentId);
  const base = { deploymentId, changeId: `CHG-${suffix}`, service, environment: 'production' };
  await publish('DeploymentRequested', { ...base, releaseId: undefined }, deploymentId);
  await publish('DeploymentPlanned', base, deploymentId);
  await publish('DeploymentStarted', { deploymentId }, deploymentId);
  await publish('DeploymentExecuted', { deploymentId }, deploymentId);
  await publish('DeploymentVerified', { deploymentId }, deploymentId);
  await publish('MonitoringPeriodStarted', { deploymentId }, deploymentId);
  await publish('MonitoringPeriodEnded', { deploymentId, verdict: 'clean' }, deploymentId);

  await eventually(() => kindsOf(deploymentId).length >= 4, { timeoutMs: KAFKA_MS, what: 'four notices on gantry.communications.v1' });
  expect(kindsOf(deploymentId)).toEqual(['scheduled', 'started', 'completed', 'monitoring-ended']);
  const [scheduled] = notices.filter((n) => n.data.deploymentId === deploymentId);
  expect(scheduled.data).toMatchObject({
    noticeId: `${deploymentId}:scheduled`,
    changeId: `CHG-${suffix}`,
    service,
    environment: 'production',
    window: SAMPLE_PAYLOADS.DeploymentPlanned.window,
    impact: { services: [service, dependent], environment: 'production' },
    recipients: [
      { name: 'Ada Owner', role: 'owner', contact: SAMPLE_SERVICE.owner.contact },
      { name: 'Service desk', role: 'service-desk', contact: SAMPLE_SERVICE.stakeholders[0].contact },
    ],
  });
  expect(articles).toEqual([]);

  const ids = ['scheduled', 'started', 'completed', 'monitoring-ended'].map((kind) => `${deploymentId}:${kind}`);
  await eventually(() => ids.every((id) => webhook.accepted.has(id)), { timeoutMs: KAFKA_MS, what: 'the four notices taken by the chat webhook' });
  // the first notice was refused twice and taken on the third attempt: the same id each time, every attempt signed
  expect(webhook.attempts.slice(0, 3).map((a) => a.noticeId)).toEqual([ids[0], ids[0], ids[0]]);
  expect(webhook.attempts.every((a) => a.signed)).toBe(true);
  expect(webhook.attempts.map((a) => a.noticeId).filter((id, i, all) => all.indexOf(id) === i)).toEqual(ids);
  expect(webhook.attempts[2].body).toEqual({ text: scheduled.data.summary, gantry: scheduled.data });
  // once in effect: Gantry sent none again after a 2xx
  expect([...webhook.accepted.values()]).toEqual([1, 1, 1, 1]);
}, 2 * KAFKA_MS);

it('a deployment rolled back is told as such, with a knowledge article proposed for the service desk', async () => {
  const deploymentId = randomUUID();
  deployments.add(deploymentId);
  const base = { deploymentId, changeId: `CHG-${suffix}-2`, service, environment: 'production' };
  await publish('DeploymentRequested', { ...base, releaseId: undefined }, deploymentId);
  await publish('DeploymentPlanned', base, deploymentId);
  await publish('DeploymentStarted', { deploymentId }, deploymentId);
  await publish('RolledBack', { deploymentId, reason: 'DeploymentVerificationFailed' }, deploymentId);

  await eventually(() => articles.some((a) => a.data.deploymentId === deploymentId), { timeoutMs: KAFKA_MS, what: 'the knowledge article' });
  expect(kindsOf(deploymentId)).toEqual(['scheduled', 'started', 'rolled-back']);
  expect(articles.find((a) => a.data.deploymentId === deploymentId)!.data).toMatchObject({ service, symptoms: 'DeploymentVerificationFailed', title: `${service}: deployment to production rolled back` });

  // auditors and deployment managers read them at records (they are not in the ledger's history of the deployment)
  const read = async (role: string, id: string) =>
    fetch(`${records!.url}/audit/deployments/${id}/communications`, { headers: { authorization: `Bearer ${await mintToken(SECRET, { sub: `${role}-1`, roles: [role] })}` } });
  const answer = await read('auditor', deploymentId);
  expect(answer.status).toBe(200);
  const { notices: told, knowledgeArticles } = (await answer.json()) as { notices: DeploymentNoticeIssued[]; knowledgeArticles: KnowledgeArticleProposed[] };
  expect(told.map((n) => n.kind)).toEqual(['scheduled', 'started', 'rolled-back']);
  expect(told[2]).toEqual(notices.find((n) => n.data.deploymentId === deploymentId && n.data.kind === 'rolled-back')!.data);
  expect(knowledgeArticles).toEqual([articles.find((a) => a.data.deploymentId === deploymentId)!.data]);
  expect((await read('deployment-practitioner', deploymentId)).status).toBe(403);
  expect((await read('auditor', randomUUID())).status).toBe(404);
}, 2 * KAFKA_MS);
