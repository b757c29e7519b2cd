import { mintToken } from '@gantry/auth';
import { EVENTS, SAMPLE_PAYLOADS, type EventName, type EventPayloads } from '@gantry/contracts';
import { KafkaBus, type CloudEvent } from '@gantry/messaging';
import { boot, testClock, verifyWebhookSignature, WEBHOOK_SIGNATURE_HEADER, type RunningProcess } from '@gantry/platform';
import { call, createTestDatabase, eventually, type TestDatabase } from '@gantry/testing';
import { generateKeyPair } from '@gantry/transparency-log';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordsModule } from '../records.module';
import type { Delivery, DeliveryPolicy } from './index';

/**
 * Webhook subscriptions over a real Kafka broker and PostgreSQL, with real receivers on 127.0.0.1: events published
 * as the services would reach records' ledger and from there each subscriber's URL, signed, retried on the records
 * process's clock (the test moves it), across a restart of records.
 */
const SECRET = 'records-subscriptions-int-secret-long';
const suffix = randomUUID().slice(0, 8);
const KAFKA_MS = 120_000;
const clock = testClock();

let database: TestDatabase;
let dir: string;
let bus: KafkaBus;
let records: RunningProcess | undefined;
let receiver: Server;
let port = 0;
const tokens: Record<string, string> = {};

/** Every request the receiver got, by path; `answers` says what each path answers next (then 204). */
const received: { path: string; headers: IncomingHttpHeaders; body: string; at: Date }[] = [];
const answers: Record<string, number[]> = { '/flaky': [503, 503], '/gone': [410], '/down': [500, 500, 500] };
/** connections to the host that resolves to a forbidden address: must stay 0 */
let rebindConnections = 0;
let rebindServer: Server;
let rebindPort = 0;

const produced = new Set<string>();
const subscriptionIds = new Set<string>();
const deployments = new Set<string>();
/** what this suite published, and what records published about it (the records it closed, the subscriptions' events) */
const ours = (event: CloudEvent) => {
  const data = (event.data ?? {}) as { subscriptionId?: string; deploymentId?: string };
  return produced.has(event.id) || subscriptionIds.has(String(data.subscriptionId)) || deployments.has(String(data.deploymentId));
};

const policy = (): DeliveryPolicy => ({
  allowedHosts: [`127.0.0.1:${port}`, `rebind.hooks.example.test:${rebindPort}`],
  // the resolver an attacker controls: the allowed name answers with a loopback address
  lookup: ((_host: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) =>
    options?.all ? callback(null, [{ address: '127.0.0.1', family: 4 }]) : callback(null, '127.0.0.1', 4)) as unknown as DeliveryPolicy['lookup'],
  timeoutMs: 1_500,
  retry: { initialMs: 60_000, maxMs: 3_600_000, giveUpAfterMs: 24 * 3_600_000 },
  maxPerCaller: 3,
  random: () => 0.5,
});

const startRecords = async (origin: string) =>
  boot('records', {
    clock,
    modules: (runtime) => [
      RecordsModule.register(runtime, {
        ledger: { origin, keyFile: join(dir, 'key'), checkpointEveryEntries: 1000, checkpointEverySeconds: 0 },
        subscriptions: policy(),
        actsOn: ours,
        fromBeginning: true,
      }),
    ],
    env: { DATABASE_URL: database.url, KAFKA_BROKERS: process.env.KAFKA_BROKERS, GANTRY_CONSUMER_GROUP_PREFIX: `subscriptions-${suffix}-`, PORT: '0', GANTRY_JWT_SECRET: SECRET, LOG_LEVEL: 'error' },
  });

let origin = '';

beforeAll(async () => {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set: this suite needs the broker from the test setup');
  database = await createTestDatabase('gantry_subscriptions');
  dir = mkdtempSync(join(tmpdir(), 'subscriptions-'));
  origin = `records.test/subscriptions-${suffix}`;
  writeFileSync(join(dir, 'key'), generateKeyPair(origin).signingKey);

  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = new URL(request.url ?? '/', 'http://x').pathname;
      received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), at: clock.now() });
      // a receiver that never answers, or sends Gantry elsewhere
      if (path === '/silent') return;
      if (path === '/moved') return void response.writeHead(302, { location: `http://127.0.0.1:${port}/outcomes` }).end();
      response.writeHead(answers[path]?.shift() ?? 204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  port = (receiver.address() as AddressInfo).port;
  rebindServer = createServer((_, response) => response.writeHead(204).end());
  rebindServer.on('connection', () => rebindConnections++);
  await new Promise<void>((resolve) => rebindServer.listen(0, '127.0.0.1', resolve));
  rebindPort = (rebindServer.address() as AddressInfo).port;

  for (const [sub, role] of [['servicenow', 'change-manager'], ['jira', 'change-manager'], ['root', 'admin'], ['pipeline', 'deployment-manager'], ['auditor-1', 'auditor']] as const) {
    tokens[sub] = await mintToken(SECRET, { sub, roles: [role] });
  }
  bus = new KafkaBus({ clientId: `records-subscriptions-int-${suffix}`, brokers });
  await bus.ensureTopics([...new Set(Object.values(EVENTS).map((e) => e.topic))]);
  records = await startRecords(origin);
}, KAFKA_MS);

afterAll(async () => {
  await records?.stop();
  await bus?.close();
  for (const server of [receiver, rebindServer]) {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const api = (who: string, method: string, path: string, body?: unknown) => call(records!.url, tokens[who], method, path, body);

/** Publishes a Gantry event as its service would, on its topic; returns the CloudEvent's id. */
const publish = async <N extends EventName>(name: N, data: Partial<EventPayloads[N]>, key: string) => {
  const { service: source, type, topic } = EVENTS[name];
  const id = randomUUID();
  produced.add(id);
  const event = { specversion: '1.0', id, source: `/gantry/${source}`, type, time: new Date().toISOString(), datacontenttype: 'application/json', data: { ...SAMPLE_PAYLOADS[name], ...data } };
  await bus.produce(topic, [{ key, value: JSON.stringify(event), headers: {} }]);
  return id;
};

const subscribe = async (who: string, body: Record<string, unknown>) => {
  const answer = await api(who, 'POST', '/subscriptions', body);
  expect(answer.status).toBe(201);
  subscriptionIds.add(answer.body!.subscriptionId);
  return answer.body as { subscriptionId: string; secret: string; owner: string; status: string };
};

const deliveries = async (who: string, subscriptionId: string) => (await api(who, 'GET', `/subscriptions/${subscriptionId}/deliveries`)).body!.deliveries as Delivery[];
const attemptsAt = (path: string) => received.filter((r) => r.path === path);

it('a subscriber gets a deployment\'s outcome, as records closed its record, as the CloudEvent signed with the secret it was shown once, with an idempotency key, and only for its filter', async () => {
  const deploymentId = randomUUID();
  deployments.add(deploymentId);
  const service = `payments-${suffix}`;
  const subscription = await subscribe('servicenow', { url: `http://127.0.0.1:${port}/outcomes`, events: ['deployment-outcome'], filter: { service, environment: 'production' }, description: 'close the change' });
  expect(subscription).toMatchObject({ owner: 'servicenow', status: 'active', events: ['deployment-outcome'] });
  expect(subscription.secret).toMatch(/^whsec_/);
  // the close of a deployment of another service is not its event, nor are the steps of this one
  await publish('DeploymentRecordClosed', { deploymentId: randomUUID(), service: `other-${suffix}` }, deploymentId);
  const base = { deploymentId, changeId: `CHG-${suffix}`, service, environment: 'production' };
  await publish('DeploymentRequested', { ...base, releaseId: undefined }, deploymentId);
  await publish('DeploymentPlanned', base, deploymentId);
  await publish('DeploymentStarted', { deploymentId }, deploymentId);
  await publish('DeploymentExecuted', { deploymentId }, deploymentId);
  await publish('DeploymentVerified', { deploymentId }, deploymentId);

  await eventually(() => attemptsAt('/outcomes').length > 0, { timeoutMs: KAFKA_MS, what: 'the outcome at the subscriber' });
  await eventually(async () => (await deliveries('servicenow', subscription.subscriptionId))[0]?.status === 'delivered', { timeoutMs: 10_000, what: 'the delivery marked delivered' });
  expect(attemptsAt('/outcomes')).toHaveLength(1);
  const [delivery] = attemptsAt('/outcomes');
  expect(delivery.headers['content-type']).toBe('application/cloudevents+json');
  expect(verifyWebhookSignature(subscription.secret, delivery.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()] as string, delivery.body, clock.now())).toBe(true);
  expect(verifyWebhookSignature('another secret', delivery.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()] as string, delivery.body, clock.now())).toBe(false);
  const event = JSON.parse(delivery.body) as CloudEvent<{ deploymentId: string; outcome: string }>;
  expect(event).toMatchObject({ source: '/gantry/records', type: EVENTS.DeploymentRecordClosed.type, data: { deploymentId, service, outcome: 'succeeded' } });
  const eventId = event.id;
  expect(delivery.headers['idempotency-key']).toBe(`${subscription.subscriptionId}:${eventId}`);
  expect(await deliveries('servicenow', subscription.subscriptionId)).toEqual([
    expect.objectContaining({ deliveryId: `${subscription.subscriptionId}:${eventId}`, eventId, status: 'delivered', attempts: 1, lastStatus: 204 }),
  ]);

  // a receiver that lost it asks for it again: the same delivery, under the same key
  const redeliver = (who: string) => api(who, 'POST', `/subscriptions/${subscription.subscriptionId}/deliveries/${encodeURIComponent(`${subscription.subscriptionId}:${eventId}`)}/redeliver`);
  expect(await redeliver('servicenow')).toMatchObject({ status: 202, body: { status: 'pending' } });
  await eventually(() => attemptsAt('/outcomes').length === 2, { timeoutMs: 10_000, what: 'the redelivery' });
  await eventually(async () => (await deliveries('servicenow', subscription.subscriptionId))[0]?.status === 'delivered', { timeoutMs: 10_000, what: 'the redelivery marked delivered' });
  expect(attemptsAt('/outcomes').map((a) => a.headers['idempotency-key'])).toEqual([`${subscription.subscriptionId}:${eventId}`, `${subscription.subscriptionId}:${eventId}`]);
  expect((await redeliver('jira')).status).toBe(404);

  // another caller cannot see it, list it, read its deliveries or delete it; an admin sees it
  expect((await api('jira', 'GET', `/subscriptions/${subscription.subscriptionId}`)).status).toBe(404);
  expect((await api('jira', 'GET', `/subscriptions/${subscription.subscriptionId}/deliveries`)).status).toBe(404);
  expect((await api('jira', 'DELETE', `/subscriptions/${subscription.subscriptionId}`)).status).toBe(404);
  expect((await api('jira', 'GET', '/subscriptions')).body!.subscriptions).toEqual([]);
  expect((await api('servicenow', 'GET', '/subscriptions')).body!.subscriptions.map((s: { subscriptionId: string }) => s.subscriptionId)).toEqual([subscription.subscriptionId]);
  expect((await api('servicenow', 'GET', `/subscriptions/${subscription.subscriptionId}`)).body).not.toHaveProperty('secret');
  expect((await api('root', 'GET', `/subscriptions/${subscription.subscriptionId}`)).status).toBe(200);
  expect((await api('auditor-1', 'GET', '/subscriptions')).status).toBe(403);
}, 2 * KAFKA_MS);

it('a receiver that fails twice gets the same idempotency key three times, after growing waits, and the third attempt is made by records started again', async () => {
  const deploymentId = randomUUID();
  const subscription = await subscribe('pipeline', { url: `http://127.0.0.1:${port}/flaky`, events: ['deployment-lifecycle'], filter: { deploymentId } });
  const eventId = await publish('DeploymentStarted', { deploymentId }, deploymentId);
  const key = `${subscription.subscriptionId}:${eventId}`;
  const delivery = async () => (await deliveries('pipeline', subscription.subscriptionId))[0];

  await eventually(() => attemptsAt('/flaky').length === 1, { timeoutMs: KAFKA_MS, what: 'the first attempt' });
  await eventually(async () => (await delivery())?.attempts === 1, { timeoutMs: 10_000, what: 'the first failure recorded' });
  const first = await delivery();
  expect(first).toMatchObject({ status: 'pending', lastStatus: 503, lastError: 'answered 503' });
  const firstWait = Date.parse(first.nextAttemptAt!) - Date.parse(first.lastAttemptAt!);
  expect(firstWait).toBe(60_000);
  // nothing is attempted before it is due
  clock.advance(firstWait - 1_000);
  await records!.stop().then(async () => (records = await startRecords(origin)));
  expect(attemptsAt('/flaky')).toHaveLength(1);
  clock.advance(1_000);

  await eventually(async () => (await delivery())?.attempts === 2, { timeoutMs: 30_000, what: 'the second attempt, by records started again' });
  const second = await delivery();
  const secondWait = Date.parse(second.nextAttemptAt!) - Date.parse(second.lastAttemptAt!);
  expect(secondWait).toBe(120_000);

  await records!.stop();
  clock.advance(secondWait);
  records = await startRecords(origin);
  await eventually(async () => (await delivery())?.status === 'delivered', { timeoutMs: 30_000, what: 'the third attempt delivered' });
  expect(attemptsAt('/flaky').map((a) => a.headers['idempotency-key'])).toEqual([key, key, key]);
  expect(await delivery()).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 204 });
}, 2 * KAFKA_MS);

it('a delivery still failing after the give-up time is dead; asked for again, it is retried anew', async () => {
  const deploymentId = randomUUID();
  const subscription = await subscribe('pipeline', { url: `http://127.0.0.1:${port}/down`, events: ['deployment-lifecycle'], filter: { deploymentId } });
  await publish('DeploymentStarted', { deploymentId }, deploymentId);
  const delivery = async () => (await deliveries('pipeline', subscription.subscriptionId))[0];
  await eventually(async () => (await delivery())?.attempts === 1, { timeoutMs: KAFKA_MS, what: 'the first failure' });
  clock.advance(25 * 3_600_000);
  await eventually(async () => (await delivery())?.status === 'dead', { timeoutMs: 30_000, what: 'the delivery given up' });
  expect(await delivery()).toMatchObject({ status: 'dead', attempts: 2, lastStatus: 500 });
  expect((await delivery()).nextAttemptAt).toBeUndefined();

  expect((await api('pipeline', 'POST', `/subscriptions/${subscription.subscriptionId}/deliveries/${encodeURIComponent((await delivery()).deliveryId)}/redeliver`)).status).toBe(202);
  await eventually(async () => (await delivery())?.lastAttemptAt !== undefined && (await delivery()).attempts === 1, { timeoutMs: 30_000, what: 'the attempt asked for' });
  expect(await delivery()).toMatchObject({ status: 'pending', lastStatus: 500 });
  expect(Date.parse((await delivery()).nextAttemptAt!) - Date.parse((await delivery()).lastAttemptAt!)).toBe(60_000);
  expect(attemptsAt('/down')).toHaveLength(3);
}, 2 * KAFKA_MS);

it('a receiver that does not answer in time, or redirects, is tried again later; the redirect is not followed', async () => {
  const deploymentId = randomUUID();
  const silent = await subscribe('pipeline', { url: `http://127.0.0.1:${port}/silent`, events: ['deployment-lifecycle'], filter: { deploymentId } });
  const moved = await subscribe('root', { url: `http://127.0.0.1:${port}/moved`, events: ['deployment-lifecycle'], filter: { deploymentId } });
  const outcomesBefore = attemptsAt('/outcomes').length;
  await publish('DeploymentStarted', { deploymentId }, deploymentId);
  for (const [who, subscription, error] of [['pipeline', silent, 'no answer within 1500 ms'], ['root', moved, 'answered 302']] as const) {
    await eventually(async () => (await deliveries(who, subscription.subscriptionId))[0]?.attempts === 1, { timeoutMs: KAFKA_MS, what: `the attempt at ${subscription.subscriptionId}` });
    expect((await deliveries(who, subscription.subscriptionId))[0]).toMatchObject({ status: 'pending', lastError: error, nextAttemptAt: expect.any(String) });
  }
  expect(attemptsAt('/outcomes')).toHaveLength(outcomesBefore);
  for (const [who, subscription] of [['pipeline', silent], ['root', moved]] as const) await api(who, 'DELETE', `/subscriptions/${subscription.subscriptionId}`);
}, 2 * KAFKA_MS);

it('a receiver that answers 410 Gone disables its subscription: no more deliveries, and the ledger holds why', async () => {
  const deploymentId = randomUUID();
  const subscription = await subscribe('servicenow', { url: `http://127.0.0.1:${port}/gone`, events: ['DeploymentStarted', EVENTS.DeploymentExecuted.type], filter: { deploymentId } });
  await publish('DeploymentStarted', { deploymentId }, deploymentId);
  await eventually(async () => (await api('servicenow', 'GET', `/subscriptions/${subscription.subscriptionId}`)).body!.status === 'disabled', { timeoutMs: KAFKA_MS, what: 'the subscription disabled' });
  expect((await api('servicenow', 'GET', `/subscriptions/${subscription.subscriptionId}`)).body).toMatchObject({ statusReason: 'the receiver answered 410 Gone' });
  await publish('DeploymentExecuted', { deploymentId }, deploymentId);
  const ledgered = async () =>
    (await records!.runtime.db.query(`SELECT event->>'type' AS type FROM records.ledger WHERE event->'data'->>'subscriptionId' = $1 ORDER BY position`, [subscription.subscriptionId])).rows.map((r) => r.type);
  await eventually(async () => (await ledgered()).length === 2, { timeoutMs: KAFKA_MS, what: 'the subscription\'s events in the ledger' });
  expect(await ledgered()).toEqual([EVENTS.WebhookSubscriptionCreated.type, EVENTS.WebhookSubscriptionDisabled.type]);
  await eventually(async () => (await records!.runtime.db.query(`SELECT 1 FROM records.ledger WHERE event->>'type' = $1 AND event->'data'->>'deploymentId' = $2`, [EVENTS.DeploymentExecuted.type, deploymentId])).rowCount === 1, {
    timeoutMs: KAFKA_MS,
    what: 'the next event in the ledger',
  });
  expect(attemptsAt('/gone')).toHaveLength(1);
  const [gone] = await deliveries('servicenow', subscription.subscriptionId);
  expect(gone).toMatchObject({ status: 'cancelled', lastStatus: 410 });
  expect((await api('servicenow', 'POST', `/subscriptions/${subscription.subscriptionId}/deliveries/${encodeURIComponent(gone.deliveryId)}/redeliver`)).body).toMatchObject({ code: 'SubscriptionNotActive' });
}, 2 * KAFKA_MS);

it('an allowed host whose name resolves to a loopback address is never connected to', async () => {
  const deploymentId = randomUUID();
  const subscription = await subscribe('jira', { url: `https://rebind.hooks.example.test:${rebindPort}/hook`, events: ['deployment-lifecycle'], filter: { deploymentId } });
  await publish('DeploymentStarted', { deploymentId }, deploymentId);
  await eventually(async () => (await deliveries('jira', subscription.subscriptionId))[0]?.attempts === 1, { timeoutMs: KAFKA_MS, what: 'the attempt refused' });
  expect((await deliveries('jira', subscription.subscriptionId))[0]).toMatchObject({ status: 'pending', lastError: expect.stringMatching(/resolves to 127\.0\.0\.1/) });
  expect(rebindConnections).toBe(0);
  expect((await api('jira', 'DELETE', `/subscriptions/${subscription.subscriptionId}`)).body).toEqual({ subscriptionId: subscription.subscriptionId, status: 'deleted' });
  expect((await api('jira', 'GET', `/subscriptions/${subscription.subscriptionId}`)).status).toBe(404);
}, 2 * KAFKA_MS);

it('refuses hosts off the allow-list (422) and bad input (400), and bounds the subscriptions of a caller', async () => {
  const refused = await api('jira', 'POST', '/subscriptions', { url: 'https://evil.example.com/hook', events: ['deployment-outcome'] });
  expect(refused).toMatchObject({ status: 422, body: { code: 'HostNotAllowed' } });
  expect(refused.body!.details.reason).toMatch(/GANTRY_WEBHOOK_ALLOWED_HOSTS/);
  expect((await api('jira', 'POST', '/subscriptions', { url: `http://rebind.hooks.example.test:${rebindPort}/hook`, events: ['deployment-outcome'] })).body).toMatchObject({ code: 'InsecureUrl' });
  for (const [body, reason] of [
    [{ url: 'not a url', events: ['deployment-outcome'] }, /url must be an absolute https URL/],
    [{ url: 'ftp://127.0.0.1/x', events: ['deployment-outcome'] }, /url must be an absolute https URL/],
    [{ url: `http://127.0.0.1:${port}/x`, events: ['NoSuchEvent'] }, /"NoSuchEvent" is not known/],
    [{ url: `http://127.0.0.1:${port}/x`, events: [] }, /events/],
    [{ url: `http://127.0.0.1:${port}/x`, events: ['deployment-outcome'], secret: 'mine' }, /secret/],
    [{ url: `http://127.0.0.1:${port}/x`, events: ['deployment-outcome'], filter: { team: 'x' } }, /team/],
  ] as const) {
    const answer = await api('jira', 'POST', '/subscriptions', body);
    expect(answer.status).toBe(400);
    expect(String(answer.body!.message)).toMatch(reason);
  }
  // jira holds one (deleted ones do not count); the bound is 3
  await subscribe('jira', { url: `http://127.0.0.1:${port}/a`, events: ['deployment-outcome'] });
  await subscribe('jira', { url: `http://127.0.0.1:${port}/b`, events: ['deployment-outcome'] });
  await subscribe('jira', { url: `http://127.0.0.1:${port}/c`, events: ['deployment-outcome'] });
  expect(await api('jira', 'POST', '/subscriptions', { url: `http://127.0.0.1:${port}/d`, events: ['deployment-outcome'] })).toMatchObject({ status: 409, body: { code: 'TooManySubscriptions' } });
  expect((await api('jira', 'GET', '/subscriptions/not%20an%20id')).status).toBe(400);
}, KAFKA_MS);
