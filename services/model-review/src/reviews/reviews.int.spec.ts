import { EVENT_TYPES, FEEDBACK_TOPICS, SERVICE_TOPICS, validatePayload, type DeploymentRecordClosed } from '@gantry/contracts';
import { Database } from '@gantry/event-store';
import { KafkaBus } from '@gantry/messaging';
import { eventually, type TestDatabase } from '@gantry/testing';
import { randomUUID } from 'node:crypto';
import { call, freshDatabase, kafkaBrokers, startModelReview, suffix, tokenFor, watchTopics, type ModelReviewUnderTest } from '../test-fixtures';
import { STARTER_CATALOGUE } from '../models';
import { ReviewScheduler } from './review-scheduler';
import type { ReviewPolicy } from './review-policy';

const policy: ReviewPolicy = { intervalDays: 90, failureThreshold: { window: 10, share: 0.3 }, pollMs: 100 };
const base = STARTER_CATALOGUE.find((m) => m.name === 'in-house-software-ci-cd')!;
const DAY = 86_400_000;

let manager: string;
beforeAll(async () => {
  manager = await tokenFor('deployment-manager');
});

async function publishModel(service: ModelReviewUnderTest, name: string) {
  expect((await call(service.url, manager, 'POST', '/models', { content: { ...base, name } })).status).toBe(201);
  expect((await call(service.url, manager, 'POST', `/models/${name}/publish`, { version: 1, pilotDeployments: 0 }, { 'if-match': '"1"' })).status).toBe(200);
}

const closedDeployment = (name: string, n: number, outcome: DeploymentRecordClosed['outcome'], cause?: string): DeploymentRecordClosed => ({
  deploymentId: randomUUID(),
  changeId: `CHG${1000 + n}`,
  service: n % 2 ? 'payments' : 'ledger',
  environment: 'staging',
  model: { name, version: 1 },
  outcome,
  ...(cause ? { cause } : {}),
  requestedAt: new Date(Date.now() - DAY).toISOString(),
  closedAt: new Date(Date.now() - DAY + n * 60_000).toISOString(),
  leadTimeMs: n * 60_000,
});

/** DeploymentRecordClosed as records publishes it: a CloudEvent on gantry.records.v1 keyed by the deployment id. */
const asMessage = (closed: DeploymentRecordClosed, id = randomUUID()) => ({
  key: closed.deploymentId,
  value: JSON.stringify({
    specversion: '1.0',
    id,
    source: '/gantry/records',
    type: EVENT_TYPES.DeploymentRecordClosed,
    subject: closed.deploymentId,
    time: closed.closedAt,
    datacontenttype: 'application/json',
    data: closed,
    correlationid: randomUUID(),
  }),
  headers: { 'content-type': 'application/cloudevents+json' },
});

describe('reviews opened by failures, over real Kafka', () => {
  let database: TestDatabase;
  let service: ModelReviewUnderTest;
  let producer: KafkaBus;
  let db: Database;

  beforeAll(async () => {
    database = await freshDatabase();
    service = await startModelReview(database.url, { reviewPolicy: policy });
    producer = new KafkaBus({ clientId: `model-review-test-${suffix()}`, brokers: kafkaBrokers().split(',') });
    db = Database.connect(database.url, { max: 2 });
  }, 60_000);

  afterAll(async () => {
    await producer?.close();
    await service?.stop();
    await db?.close();
    await database?.drop();
  });

  const remembered = async (name: string) =>
    Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM model_review.model_closed_deployments WHERE model_name = $1`, [name])).rows[0].n);
  const reviewsOf = async (name: string) => (await call(service.url, manager, 'GET', `/reviews?model=${name}`)).body!.reviews as Record<string, any>[];

  it('3 failures in the last 10 open exactly one review, with findings that match; a 4th failure opens no second one; the review runs to a revised, communicated version', async () => {
    const name = `threshold-${suffix()}`;
    await publishModel(service, name);
    const watcher = await watchTopics([SERVICE_TOPICS['model-review'], FEEDBACK_TOPICS.changeEnablement]);
    try {
      const fed = [
        ...[1, 2, 3, 4, 5, 6, 7].map((n) => closedDeployment(name, n, 'succeeded')),
        closedDeployment(name, 8, 'failed', 'smoke tests failed'),
        closedDeployment(name, 9, 'failed', 'smoke tests failed'),
        closedDeployment(name, 10, 'failed', 'health check failed'),
      ];
      const messages = fed.map((d) => asMessage(d));
      // the last one twice: a duplicate delivery changes nothing
      await producer.produce(SERVICE_TOPICS.records, [...messages, messages[messages.length - 1]]);
      await eventually(async () => (await remembered(name)) === 10, { timeoutMs: 30_000, what: 'the ten closed deployments' });
      const [review] = await eventually(async () => {
        const reviews = await reviewsOf(name);
        return reviews.length > 0 ? reviews : undefined;
      }, { what: 'a review opened by the failures' });
      expect(review).toMatchObject({ reviewId: `${name}:1`, status: 'open', trigger: 'failure-threshold', reason: '3 of the last 10 closed deployments failed or were rolled back (threshold 30%)' });
      expect(review.findings).toMatchObject({
        deploymentsReviewed: 10,
        succeeded: 7,
        failed: 3,
        rolledBack: 0,
        successRate: 0.7,
        productionRollbacks: 0,
        failureCauses: [{ cause: 'smoke tests failed', count: 2 }, { cause: 'health check failed', count: 1 }],
        leadTimeP50Ms: 5 * 60_000,
        leadTimeP90Ms: 9 * 60_000,
        services: ['ledger', 'payments'],
        environments: ['staging'],
      });
      expect([...review.findings.deploymentIds].sort()).toEqual(fed.map((d) => d.deploymentId).sort());

      await producer.produce(SERVICE_TOPICS.records, [asMessage(closedDeployment(name, 11, 'failed', 'smoke tests failed'))]);
      await eventually(async () => (await remembered(name)) === 11, { what: 'the fourth failure' });
      expect(await reviewsOf(name)).toHaveLength(1);

      const reviewId = review.reviewId as string;
      const api = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => call(service.url, manager, method, path, body, headers);
      expect(await api('POST', '/reviews', { model: name, reason: 'by hand' })).toMatchObject({ status: 409, body: { code: 'ReviewAlreadyOpen', details: { reviewId } } });
      expect((await api('POST', `/reviews/${reviewId}/findings`, { summary: 'smoke suite flaky on ledger' })).status).toBe(200);
      const initiative = await api('POST', `/reviews/${reviewId}/initiatives`, { title: 'Stabilise the smoke suite', description: 'quarantine flaky tests', ownerRole: 'deployment-practitioner', dueDate: '2027-03-01' }, { 'idempotency-key': 'k-1' });
      expect(initiative.body!.initiatives).toHaveLength(1);
      await api('POST', `/reviews/${reviewId}/initiatives`, { title: 'Stabilise the smoke suite', description: 'quarantine flaky tests', ownerRole: 'deployment-practitioner', dueDate: '2027-03-01' }, { 'idempotency-key': 'k-1' });
      expect((await api('GET', `/reviews/${reviewId}`)).body!.initiatives).toHaveLength(1);
      const initiativeId = initiative.body!.initiatives[0].initiativeId as string;
      expect(await api('PUT', `/reviews/${reviewId}/initiatives/${initiativeId}/status`, { status: 'in-progress' })).toMatchObject({ status: 200, body: { initiatives: [{ initiativeId, status: 'in-progress' }] } });
      expect((await api('PUT', `/reviews/${reviewId}/initiatives/${initiativeId}/status`, { status: 'finished' })).status).toBe(400);
      expect((await api('PUT', `/reviews/${reviewId}/initiatives/nope/status`, { status: 'done' })).status).toBe(404);
      expect((await api('POST', `/reviews/${reviewId}/change-requests`, { summary: 'run the smoke suite before the canary' })).status).toBe(200);
      const closed = await api('POST', `/reviews/${reviewId}/close`, { decision: 'revise', rationale: 'smoke tests must gate the canary' });
      expect(closed).toMatchObject({ status: 200, body: { status: 'closed', closed: { decision: 'revise' } } });

      const model = await api('GET', `/models/${name}`);
      const revised = await api('POST', `/models/${name}/revise`, { content: { ...base, name, description: 'smoke tests gate the canary' }, reviewId }, { 'if-match': model.etag! });
      expect(revised.status).toBe(200);
      expect((await api('POST', `/models/${name}/publish`, { version: 2, pilotDeployments: 0 }, { 'if-match': revised.etag! })).status).toBe(200);

      const change = await eventually(() => watcher.seen.find((m) => m.event.type === 'gantry.model-review.ModelChangeRequested.v1' && (m.event.data as { reviewId: string }).reviewId === reviewId), { timeoutMs: 30_000, what: 'ModelChangeRequested on the feedback topic' });
      expect(change.topic).toBe('gantry.feedback.change-enablement.v1');
      expect(change.event).toMatchObject({ source: '/gantry/model-review', subject: name, data: { name, version: 1, summary: 'run the smoke suite before the canary' } });
      expect(validatePayload(change.event.type, change.event.data)).toBeNull();
      const update = await eventually(() => watcher.seen.find((m) => m.event.type === 'gantry.model-review.DeploymentModelUpdateCommunicated.v1' && (m.event.data as { reviewId: string }).reviewId === reviewId), { timeoutMs: 30_000, what: 'DeploymentModelUpdateCommunicated' });
      expect(update.topic).toBe('gantry.model-review.v1');
      expect(update.event.data).toMatchObject({ name, version: 2, previousVersion: 1, audience: { services: ['ledger', 'payments'], environments: ['staging'] } });
      expect(validatePayload(update.event.type, update.event.data)).toBeNull();
      expect(watcher.seen.filter((m) => m.event.type === 'gantry.model-review.ModelChangeRequested.v1' && m.topic === SERVICE_TOPICS['model-review'])).toHaveLength(0);
    } finally {
      await watcher.close();
    }
  });

  it('a rollback in production opens a review at once', async () => {
    const name = `rollback-${suffix()}`;
    await publishModel(service, name);
    await producer.produce(SERVICE_TOPICS.records, [asMessage({ ...closedDeployment(name, 1, 'rolled-back', 'canary analysis failed'), environment: 'production' })]);
    const [review] = await eventually(async () => {
      const reviews = await reviewsOf(name);
      return reviews.length > 0 ? reviews : undefined;
    }, { timeoutMs: 30_000, what: 'a review opened by the production rollback' });
    expect(review).toMatchObject({ trigger: 'production-rollback', findings: { deploymentsReviewed: 1, rolledBack: 1, productionRollbacks: 1, successRate: 0 } });
  });

  it('a rollback in prod-eu of kind production opens a review at once; one in an environment merely named production, of kind staging, does not', async () => {
    const name = `rollback-eu-${suffix()}`;
    await publishModel(service, name);
    const namedOnly = { ...closedDeployment(name, 1, 'rolled-back', 'smoke tests failed'), environment: 'production', environmentKind: 'staging' as const };
    const inEu = { ...closedDeployment(name, 2, 'rolled-back', 'canary analysis failed'), environment: 'prod-eu', environmentKind: 'production' as const };
    await producer.produce(SERVICE_TOPICS.records, [asMessage(namedOnly)]);
    await eventually(async () => (await service.process.runtime.db.query(`SELECT 1 FROM model_review.model_closed_deployments WHERE deployment_id = $1`, [namedOnly.deploymentId])).rows.length === 1, { what: 'the staging rollback remembered' });
    expect(await reviewsOf(name)).toEqual([]);
    await producer.produce(SERVICE_TOPICS.records, [asMessage(inEu)]);
    const [review] = await eventually(async () => {
      const reviews = await reviewsOf(name);
      return reviews.length > 0 ? reviews : undefined;
    }, { timeoutMs: 30_000, what: 'a review opened by the prod-eu rollback' });
    expect(review).toMatchObject({ trigger: 'production-rollback', reason: `deployment ${inEu.deploymentId} was rolled back in production (prod-eu)`, findings: { rolledBack: 2, productionRollbacks: 1 } });
  });

  it("a regression in a production deployment's monitoring period opens a review at once, whether it comes before or after the close; elsewhere it counts towards the threshold", async () => {
    const name = `regression-${suffix()}`;
    await publishModel(service, name);
    /** RegressionDetected as verification publishes it, on gantry.verification.v1 keyed by the deployment id */
    const regression = (deploymentId: string) => {
      const data = { deploymentId, signal: 'error-rate', look: 3, reason: 'error-rate 0.040 vs baseline 0.010', onRegression: 'decide', detectedAt: new Date().toISOString() };
      expect(validatePayload(EVENT_TYPES.RegressionDetected, data)).toBeNull();
      const event = { specversion: '1.0', id: randomUUID(), source: '/gantry/verification', type: EVENT_TYPES.RegressionDetected, subject: deploymentId, time: data.detectedAt, datacontenttype: 'application/json', data };
      return { key: deploymentId, value: JSON.stringify(event), headers: { 'content-type': 'application/cloudevents+json' } };
    };
    const regressionsOf = async (deploymentId: string) =>
      (await service.process.runtime.db.query(`SELECT 1 FROM model_review.deployment_regressions WHERE deployment_id = $1`, [deploymentId])).rows.length;

    // in staging: remembered, no review (one regression of one deployment is below the threshold's window)
    const staging = closedDeployment(name, 1, 'succeeded');
    await producer.produce(SERVICE_TOPICS.records, [asMessage(staging)]);
    await producer.produce(SERVICE_TOPICS.verification, [regression(staging.deploymentId)]);
    await eventually(async () => (await regressionsOf(staging.deploymentId)) === 1, { what: 'the staging regression remembered' });
    expect(await reviewsOf(name)).toEqual([]);

    // in production, the regression before the close reaches model review: the close opens the review
    const live = { ...closedDeployment(name, 2, 'succeeded'), environment: 'prod-eu', environmentKind: 'production' as const };
    await producer.produce(SERVICE_TOPICS.verification, [regression(live.deploymentId)]);
    await eventually(async () => (await regressionsOf(live.deploymentId)) === 1, { what: 'the production regression remembered' });
    expect(await reviewsOf(name)).toEqual([]);
    await producer.produce(SERVICE_TOPICS.records, [asMessage(live)]);
    const [review] = await eventually(async () => {
      const reviews = await reviewsOf(name);
      return reviews.length > 0 && reviews[0].findings ? reviews : undefined;
    }, { timeoutMs: 30_000, what: 'a review opened by the production regression' });
    expect(review).toMatchObject({
      trigger: 'production-regression',
      reason: `deployment ${live.deploymentId} regressed in its monitoring period in production (prod-eu)`,
      findings: { deploymentsReviewed: 2, succeeded: 2, failureCauses: [{ cause: 'RegressionDetected', count: 2 }] },
    });

    // the regression after the close, for another model: the regression opens it
    const other = `regression-after-${suffix()}`;
    await publishModel(service, other);
    const later = { ...closedDeployment(other, 3, 'succeeded'), environment: 'production' };
    await producer.produce(SERVICE_TOPICS.records, [asMessage(later)]);
    await eventually(async () => (await remembered(other)) === 1, { what: 'the close remembered' });
    expect(await reviewsOf(other)).toEqual([]);
    await producer.produce(SERVICE_TOPICS.verification, [regression(later.deploymentId)]);
    const [after] = await eventually(async () => {
      const reviews = await reviewsOf(other);
      return reviews.length > 0 ? reviews : undefined;
    }, { timeoutMs: 30_000, what: 'a review opened by the regression after the close' });
    expect(after).toMatchObject({ trigger: 'production-regression' });
  });

  it('bad input to the review endpoints gets a 4xx with a clear message; a wrong role 403', async () => {
    const api = (method: string, path: string, body?: unknown, token = manager) => call(service.url, token, method, path, body);
    expect(await api('GET', '/reviews/not-a-review')).toMatchObject({ status: 400, body: { message: 'a review id is <model name>:<n>, e.g. in-house-software-ci-cd:2' } });
    expect((await api('GET', '/reviews/nothing:1')).status).toBe(404);
    expect((await api('GET', '/reviews?status=half-open')).status).toBe(400);
    expect(await api('POST', '/reviews', { model: `missing-${suffix()}`, reason: 'x' })).toMatchObject({ status: 404 });
    expect((await api('POST', '/reviews', { model: 'has space', reason: 'x' })).status).toBe(400);
    expect((await api('POST', '/reviews', { model: 'x', reason: 'x', extra: true })).status).toBe(400);
    expect((await api('POST', '/reviews/nothing:1/close', { decision: 'maybe', rationale: 'x' })).status).toBe(400);
    expect((await api('POST', '/reviews/nothing:1/close', { decision: 'keep', rationale: 'x' })).status).toBe(404);
    expect(await api('POST', '/reviews/nothing:1/initiatives', { title: 't', description: 'd', ownerRole: 'r', dueDate: 'soon' })).toMatchObject({ status: 400, body: { message: expect.arrayContaining(['dueDate must be a date, yyyy-mm-dd']) } });
    expect((await api('POST', '/reviews/nothing:1/findings', { summary: '' })).status).toBe(400);
    expect((await api('POST', '/reviews/nothing:1/change-requests', {})).status).toBe(400);
    expect((await api('POST', '/reviews', { model: 'x', reason: 'x' }, await tokenFor('deployment-practitioner'))).status).toBe(403);
    expect((await api('GET', '/reviews', undefined, await tokenFor('product-owner'))).status).toBe(403);
    const name = `revise-${suffix()}`;
    await publishModel(service, name);
    const model = await call(service.url, manager, 'GET', `/models/${name}`);
    expect(await call(service.url, manager, 'POST', `/models/${name}/revise`, { content: { ...base, name }, reviewId: `${name}:7` }, { 'if-match': model.etag! })).toMatchObject({ status: 422, body: { code: 'UnknownReview' } });
  });
});

describe('scheduled reviews, with a controlled clock', () => {
  let database: TestDatabase;
  const running: ModelReviewUnderTest[] = [];
  let now = new Date();
  const clock = { now: () => now, newId: randomUUID };
  const start = async () => {
    const service = await startModelReview(database.url, { reviewPolicy: policy, clock });
    running.push(service);
    return service;
  };

  beforeAll(async () => {
    database = await freshDatabase();
  });

  afterAll(async () => {
    for (const service of running) await service.stop().catch(() => undefined);
    await database?.drop();
  });

  it('a model published 91 days ago gets a scheduled review, once, across restarts between due and opened', async () => {
    const name = `scheduled-${suffix()}`;
    const first = await start();
    await publishModel(first, name);
    now = new Date(Date.now() + 89 * DAY);
    expect(await first.process.app.get(ReviewScheduler).openDueReviews()).toBe(0);
    await first.stop();

    // due while the service was down: the due date waits in Postgres
    now = new Date(Date.now() + 91 * DAY);
    const second = await start();
    const [review] = await eventually(async () => {
      const reviews = (await call(second.url, manager, 'GET', `/reviews?model=${name}`)).body!.reviews as Record<string, any>[];
      return reviews.length > 0 ? reviews : undefined;
    }, { what: 'the scheduled review' });
    expect(review).toMatchObject({ reviewId: `${name}:1`, trigger: 'schedule', status: 'open', openedAt: now.toISOString() });
    await second.stop();

    const third = await start();
    expect(await third.process.app.get(ReviewScheduler).openDueReviews()).toBe(0);
    expect((await call(third.url, manager, 'GET', `/reviews?model=${name}`)).body!.reviews).toHaveLength(1);

    // closing the review sets the next due date an interval later
    const closedAt = new Date(now.getTime());
    expect((await call(third.url, manager, 'POST', `/reviews/${name}:1/close`, { decision: 'keep', rationale: 'fine' })).status).toBe(200);
    now = new Date(closedAt.getTime() + 89 * DAY);
    expect(await third.process.app.get(ReviewScheduler).openDueReviews()).toBe(0);
    now = new Date(closedAt.getTime() + 91 * DAY);
    const reopened = await eventually(async () => {
      const reviews = (await call(third.url, manager, 'GET', `/reviews?model=${name}&status=open`)).body!.reviews as unknown[];
      return reviews.length > 0 ? reviews : undefined;
    }, { what: 'the next scheduled review' });
    expect(reopened).toMatchObject([{ reviewId: `${name}:2`, trigger: 'schedule' }]);
  });

  it('two schedulers racing open one review', async () => {
    const name = `raced-${suffix()}`;
    now = new Date();
    const a = await start();
    const b = await start();
    await publishModel(a, name);
    now = new Date(Date.now() + 91 * DAY);
    const opened = await Promise.all([a.process.app.get(ReviewScheduler).openDueReviews(), b.process.app.get(ReviewScheduler).openDueReviews()]);
    const reviews = await eventually(async () => {
      const list = (await call(a.url, manager, 'GET', `/reviews?model=${name}`)).body!.reviews as unknown[];
      return list.length > 0 ? list : undefined;
    });
    expect(reviews).toHaveLength(1);
    expect(opened[0] + opened[1]).toBeLessThanOrEqual(1);
  });
});
