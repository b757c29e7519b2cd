import { EVENT_TYPES, SERVICE_TOPICS, validatePayload, type DeploymentModelContent } from '@gantry/contracts';
import { eventually, type TestDatabase } from '@gantry/testing';
import { call, freshDatabase, startModelReview, suffix, tokenFor, watchTopics, type ModelReviewUnderTest } from '../test-fixtures';
import { STARTER_CATALOGUE } from './starter-catalogue';

let database: TestDatabase;
let service: ModelReviewUnderTest;
let manager: string;
let practitioner: string;

beforeAll(async () => {
  database = await freshDatabase();
  service = await startModelReview(database.url);
  manager = await tokenFor('deployment-manager');
  practitioner = await tokenFor('deployment-practitioner');
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await database?.drop();
});

const base = STARTER_CATALOGUE.find((m) => m.name === 'in-house-software-ci-cd')!;
const modelNamed = (name: string): DeploymentModelContent => ({ ...base, name });
const as = (token: string | undefined) => (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(service.url, token, method, path, body, headers);

it('drafts, publishes, revises and publishes again; the second version supersedes the first, and each version stays readable', async () => {
  const name = `web-${suffix()}`;
  const api = as(manager);
  const drafted = await api('POST', '/models', { content: modelNamed(name) });
  expect(drafted).toMatchObject({ status: 201, etag: '"1"', body: { name, status: 'draft', draftVersion: 1, activeVersion: null } });

  expect((await api('POST', `/models/${name}/publish`, { version: 1 })).status).toBe(428);
  expect(await api('POST', `/models/${name}/publish`, { version: 1 }, { 'if-match': '"7"' })).toMatchObject({ status: 412, body: { code: 'StaleVersion' } });
  const published = await api('POST', `/models/${name}/publish`, { version: 1, pilotDeployments: 0 }, { 'if-match': '"1"' });
  expect(published).toMatchObject({ status: 200, etag: '"2"', body: { status: 'active', activeVersion: 1, draftVersion: null } });

  const changed = { ...modelNamed(name), description: 'with a stricter analysis' };
  expect(await api('PUT', `/models/${name}/draft`, { content: changed }, { 'if-match': '"2"' })).toMatchObject({
    status: 409,
    body: { code: 'PublishedVersionCannotChange', details: { version: 1 } },
  });
  expect(await api('POST', `/models/${name}/revise`, { content: changed }, { 'if-match': '"2"' })).toMatchObject({ status: 200, etag: '"3"', body: { activeVersion: 1, draftVersion: 2 } });
  expect(await api('POST', `/models/${name}/publish`, { version: 2 }, { 'if-match': '"3"' })).toMatchObject({ status: 200, body: { activeVersion: 2, draftVersion: null } });

  const model = await api('GET', `/models/${name}`);
  expect(model).toMatchObject({ status: 200, etag: '"4"', body: { content: changed } });
  expect(model.body!.versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([[1, 'superseded'], [2, 'active']]);
  expect(await api('GET', `/models/${name}/versions/1`)).toMatchObject({ status: 200, body: { version: 1, status: 'superseded', content: modelNamed(name) } });
  expect((await api('GET', `/models/${name}`, undefined, { 'if-none-match': '"4"' })).status).toBe(304);
});

it('a retired model leaves the active catalogue and cannot be published again', async () => {
  const name = `retiring-${suffix()}`;
  const api = as(manager);
  await api('POST', '/models', { content: modelNamed(name) });
  await api('POST', `/models/${name}/publish`, { version: 1 }, { 'if-match': '1' });
  expect(await api('POST', `/models/${name}/retire`, { reason: 'replaced' }, { 'if-match': '"2"' })).toMatchObject({ status: 200, body: { status: 'retired', activeVersion: null } });
  expect(await api('POST', `/models/${name}/publish`, { version: 1 }, { 'if-match': '"3"' })).toMatchObject({ status: 409, body: { code: 'ModelRetired' } });
  const active = await api('GET', '/models?status=active');
  expect(active.body!.models.map((m: { name: string }) => m.name)).not.toContain(name);
});

it('refuses contradictory content with the rule and a precise reason (422)', async () => {
  const name = `contradictory-${suffix()}`;
  const canaryWithoutSteps = { ...modelNamed(name), strategy: { type: 'canary', steps: [], analysis: { maxErrorRate: 0.01, maxP95LatencyMs: 300 } } };
  expect(await as(manager)('POST', '/models', { content: canaryWithoutSteps })).toMatchObject({
    status: 422,
    body: { code: 'ContradictoryModel', details: { rule: 'canaryNeedsSteps', reason: 'a canary strategy needs at least one step' } },
  });
  expect(await as(manager)('POST', '/models', { content: { ...modelNamed(name), environmentFlow: [], gates: [] } })).toMatchObject({
    status: 422,
    body: { details: { rule: 'environmentFlowMustNotBeEmpty' } },
  });
  expect((await as(manager)('GET', `/models/${name}`)).status).toBe(404);
});

it('lists models by applicability', async () => {
  const vendor = `vendor-kit-${suffix()}`;
  const api = as(manager);
  await api('POST', '/models', { content: { ...STARTER_CATALOGUE.find((m) => m.name === 'vendor-hardware')!, name: vendor } });
  const names = async (query: string) => ((await api('GET', `/models?${query}`)).body!.models as { name: string }[]).map((m) => m.name);
  expect(await names('componentKind=hardware&componentSource=vendor')).toContain(vendor);
  expect(await names('componentKind=hardware&componentSource=in-house')).not.toContain(vendor);
  expect(await names('environmentKind=development')).not.toContain(vendor);
  expect(await names('status=draft&deploymentKind=install')).toContain(vendor);
  expect(await names('status=active')).not.toContain(vendor);
});

it('bad input gets a 4xx naming the problem; a wrong role 403; no identity 401', async () => {
  const api = as(manager);
  const name = `bad-${suffix()}`;
  expect(await api('POST', '/models', { content: { ...modelNamed(name), rollbackPolicy: 'sometimes' } })).toMatchObject({
    status: 400,
    body: { message: 'content.rollbackPolicy must be one of "automatic", "on-decision"' },
  });
  expect(await api('POST', '/models', { content: { ...modelNamed(name), strategy: { type: 'big-bang', waves: [1] } } })).toMatchObject({ status: 400, body: { message: 'content.strategy.waves is not allowed' } });
  expect(await api('POST', '/models', { content: modelNamed(name), extra: 1 })).toMatchObject({ status: 400, body: { message: ['extra is not allowed'] } });
  expect((await api('POST', '/models', {})).status).toBe(400);
  expect((await api('POST', '/models', '{not json')).status).toBe(400);
  expect((await api('POST', '/models', { content: { ...modelNamed('has space') } })).status).toBe(400);
  expect((await api('GET', '/models/not%20a%20name')).status).toBe(400);
  expect((await api('GET', `/models/${name}/versions/zero`)).status).toBe(400);
  expect((await api('GET', `/models/${name}/versions/0`)).status).toBe(400);
  expect((await api('GET', '/models?componentKind=spaceship')).status).toBe(400);
  expect((await api('GET', `/models/${name}`)).status).toBe(404);
  expect((await api('POST', `/models/${name}/publish`, { version: 1 }, { 'if-match': '"1"' })).status).toBe(404);
  expect((await api('POST', `/models/${name}/publish`, { version: -1 }, { 'if-match': '"1"' })).status).toBe(400);
  expect((await api('POST', `/models/${name}/publish`, { version: 1 }, { 'if-match': 'latest' })).status).toBe(400);
  expect((await api('POST', `/models/${name}/retire`, { reason: '' }, { 'if-match': '"1"' })).status).toBe(400);
  expect(await api('PUT', `/models/${name}/draft`, { content: 5 }, { 'if-match': '"1"' })).toMatchObject({ status: 400, body: { message: ['content must be an object'] } });
  expect((await api('PUT', `/models/${name}/draft`, { content: modelNamed(name) })).status).toBe(428);
  expect((await api('POST', `/models/${name}/revise`, { content: modelNamed(name), reviewId: 'not a review' }, { 'if-match': '"1"' })).status).toBe(400);
  expect((await as(practitioner)('POST', `/models/${name}/retire`, { reason: 'x' }, { 'if-match': '"1"' })).status).toBe(403);
  expect((await as(practitioner)('POST', '/models', { content: modelNamed(name) })).status).toBe(403);
  expect((await as(practitioner)('GET', '/models')).status).toBe(200);
  expect((await as(await tokenFor('service-owner'))('GET', '/models')).status).toBe(403);
  expect((await as(undefined)('GET', '/models')).status).toBe(401);
});

it('the starter catalogue loads once; a second load adds nothing', async () => {
  const first = await as(manager)('POST', '/models/starter-catalogue');
  expect(first.status).toBe(200);
  expect([...first.body!.loaded, ...first.body!.skipped].sort()).toEqual(STARTER_CATALOGUE.map((m) => m.name).sort());
  expect(await as(manager)('POST', '/models/starter-catalogue')).toMatchObject({ status: 200, body: { loaded: [], skipped: STARTER_CATALOGUE.map((m) => m.name) } });
  const active = ((await as(manager)('GET', '/models?status=active')).body!.models as { name: string }[]).map((m) => m.name);
  expect(active).toEqual(expect.arrayContaining(STARTER_CATALOGUE.map((m) => m.name)));
  expect((await as(practitioner)('POST', '/models/starter-catalogue')).status).toBe(403);
});

it('publishes DeploymentModelPublished on gantry.model-review.v1 as a CloudEvent with the full content (a pilot of 3 deployments unless the publisher says otherwise)', async () => {
  const watcher = await watchTopics([SERVICE_TOPICS['model-review']]);
  try {
    const name = `kafka-${suffix()}`;
    await as(manager)('POST', '/models', { content: modelNamed(name) });
    await as(manager)('POST', `/models/${name}/publish`, { version: 1 }, { 'if-match': '"1"' });
    const seen = await eventually(() => watcher.seen.find((m) => m.event.type === EVENT_TYPES.DeploymentModelPublished && m.event.subject === name), {
      timeoutMs: 30_000,
      what: 'DeploymentModelPublished on the topic',
    });
    expect(seen.key).toBe(name);
    expect(seen.event).toMatchObject({ source: '/gantry/model-review', type: 'gantry.model-review.DeploymentModelPublished.v1', data: { name, version: 1, supersedes: null, content: modelNamed(name), pilotDeployments: 3 } });
    expect(validatePayload(seen.event.type, seen.event.data)).toBeNull();
  } finally {
    await watcher.close();
  }
});
