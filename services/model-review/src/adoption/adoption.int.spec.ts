import { EVENT_TYPES, SERVICE_TOPICS, validatePayload, type DeploymentPlanned, type ModelRef } from '@gantry/contracts';
import { KafkaBus } from '@gantry/messaging';
import { eventually, type TestDatabase } from '@gantry/testing';
import { randomUUID } from 'node:crypto';
import { STARTER_CATALOGUE } from '../models';
import { call, freshDatabase, kafkaBrokers, startModelReview, suffix, tokenFor, type ModelReviewUnderTest } from '../test-fixtures';

let database: TestDatabase;
let service: ModelReviewUnderTest;
let producer: KafkaBus;
let manager: string;

beforeAll(async () => {
  database = await freshDatabase();
  service = await startModelReview(database.url);
  producer = new KafkaBus({ clientId: `model-review-test-${suffix()}`, brokers: kafkaBrokers().split(',') });
  manager = await tokenFor('deployment-manager');
}, 60_000);

afterAll(async () => {
  await producer?.close();
  await service?.stop();
  await database?.drop();
});

// a moment of this run's own: a new consumer group reads the topic's history, earlier runs' deployments included
const time = new Date(Date.UTC(2040, 0, 1) + (Date.now() % 1_000_000_000)).toISOString();
const day = time.slice(0, 10);
const planned = (model: ModelRef | null, id = randomUUID()) => {
  const data: DeploymentPlanned = {
    deploymentId: id,
    changeId: 'CHG0042',
    service: 'payments',
    kind: 'upgrade',
    components: [{ name: 'payments-api', version: '2.4.1', kind: 'software' }],
    environment: 'staging',
    window: { start: time, end: new Date(Date.parse(time) + 3_600_000).toISOString() },
    model,
    strategy: 'big-bang',
    waves: [{ index: 1, targets: ['staging'] }],
    acceptanceCriteria: [],
    backupRequired: false,
    rollback: 'automatic',
  };
  // planning's contract decides what a DeploymentPlanned holds: a payload it refuses would only reach the dead-letter topic
  expect(validatePayload('DeploymentPlanned', data)).toBeNull();
  return {
    key: id,
    value: JSON.stringify({ specversion: '1.0', id: randomUUID(), source: '/gantry/planning', type: EVENT_TYPES.DeploymentPlanned, subject: id, time, datacontenttype: 'application/json', data }),
    headers: { 'content-type': 'application/cloudevents+json' },
  };
};

it('counts deployments planned with an active model against those planned ad hoc, with a superseded version or a retired model', async () => {
  const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(service.url, manager, method, path, body, headers);
  const base = STARTER_CATALOGUE[3];
  const current = `adopted-${suffix()}`;
  const gone = `gone-${suffix()}`;
  for (const name of [current, gone]) {
    await api('POST', '/models', { content: { ...base, name } });
    await api('POST', `/models/${name}/publish`, { version: 1, pilotDeployments: 0 }, { 'if-match': '"1"' });
  }
  await api('POST', `/models/${current}/revise`, { content: { ...base, name: current, description: 'v2' } }, { 'if-match': '"2"' });
  await api('POST', `/models/${current}/publish`, { version: 2, pilotDeployments: 0 }, { 'if-match': '"3"' });
  await api('POST', `/models/${gone}/retire`, { reason: 'replaced' }, { 'if-match': '"2"' });

  const withActive = planned({ name: current, version: 2 });
  await producer.produce(SERVICE_TOPICS.planning, [
    withActive,
    withActive, // delivered twice: counted once
    planned({ name: current, version: 2 }),
    planned({ name: current, version: 1 }),
    planned({ name: gone, version: 1 }),
    planned(null),
  ]);
  const figures = await eventually(async () => {
    const body = (await api('GET', `/model-adoption?period=day&from=${time}&to=${new Date(Date.parse(time) + 1).toISOString()}`)).body!;
    return body.periods[0]?.planned === 5 ? body.periods[0] : undefined;
  }, { timeoutMs: 30_000, what: 'five planned deployments counted' });
  expect(figures).toMatchObject({
    periodStart: `${day}T00:00:00.000Z`,
    planned: 5,
    withActiveModel: 2,
    adoptionRate: 0.4,
    byUsage: { active: { count: 2 }, superseded: { count: 1 }, retired: { count: 1 }, 'ad-hoc': { count: 1 }, unknown: { count: 0 } },
  });
  expect(figures.byUsage.active.deploymentIds).toContain(JSON.parse(withActive.value).data.deploymentId);
  expect((await api('GET', '/model-adoption?period=year')).status).toBe(400);
  expect((await api('GET', '/model-adoption?from=yesterday')).status).toBe(400);
  expect((await call(service.url, await tokenFor('product-owner'), 'GET', '/model-adoption')).status).toBe(403);
});
