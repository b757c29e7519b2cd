import { mintToken } from '@gantry/auth';
import { EVENT_TYPES, SERVICE_TOPICS, type DeploymentModelContent, type DeploymentRecordClosed } from '@gantry/contracts';
import { KafkaBus } from '@gantry/messaging';
import { ModelReviewModule } from '@gantry/model-review';
import { boot, type RunningProcess } from '@gantry/platform';
import { PlanningModule } from '@gantry/planning';
import { createTestDatabase, eventually, type TestDatabase } from '@gantry/testing';
import { randomBytes, randomUUID } from 'node:crypto';

/**
 * A deployment model's pilot across two services over real Kafka: model-review publishes a version as a pilot, planning
 * gates its production deployments for the model's owners until records' closes (produced here as records publishes
 * them) complete the pilot; a rolled-back pilot deployment returns the version to draft and planning stops planning
 * with it.
 */
const SECRET = 'model-pilots-secret-of-at-least-32-characters';
const suffix = randomBytes(4).toString('hex');
// topics of this suite's own: other suites on the same broker publish and consume the unprefixed ones
const topicPrefix = `pilots-${suffix}.`;
const databases: TestDatabase[] = [];
let modelReview: RunningProcess;
let planning: RunningProcess;
let bus: KafkaBus;
let manager: string;
let changeManager: string;

const start = async (service: 'model-review' | 'planning', env: Record<string, string> = {}) => {
  const database = await createTestDatabase(`gantry_pilots_${service.replace('-', '_')}`);
  databases.push(database);
  return boot(service, {
    modules: (runtime) => [service === 'planning' ? PlanningModule.register(runtime) : ModelReviewModule.register(runtime)],
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      PORT: '0',
      GANTRY_JWT_SECRET: SECRET,
      GANTRY_CONSUMER_GROUP_PREFIX: `test-pilots-${suffix}-`,
      GANTRY_TOPIC_PREFIX: topicPrefix,
      LOG_LEVEL: 'warn',
      ...env,
    },
  });
};

beforeAll(async () => {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: this suite needs the broker from the test setup');
  // production takes a change manager's word here, so that the test needs no signing key: authorisation is not its subject
  [modelReview, planning] = await Promise.all([start('model-review'), start('planning', { GANTRY_AUTHORISATION_PRODUCTION: 'permission', GANTRY_REQUESTER_MAY_NOT_AUTHORISE_PRODUCTION: 'false' })]);
  bus = new KafkaBus({ clientId: `model-pilots-${suffix}`, brokers: brokers.split(','), topicPrefix });
  await bus.ensureTopics([SERVICE_TOPICS.records]);
  manager = await mintToken(SECRET, { sub: 'dana.manager', roles: ['deployment-manager'] });
  changeManager = await mintToken(SECRET, { sub: 'change-enablement-system', roles: ['change-manager'] });
  const production = {
    name: 'pilot-production',
    kind: 'production',
    position: 1,
    attributes: {},
    targets: [{ name: 'pilot-production-1', kind: 'host' }],
    timeZone: 'UTC',
    deploymentWindows: [],
    freezes: [],
    approvalPolicy: { roles: [], minimumApprovers: 0 },
  };
  expect((await call(planning, 'POST', '/environments', production)).status).toBe(201);
}, 120_000);

afterAll(async () => {
  await bus?.close();
  await Promise.all([modelReview?.stop(), planning?.stop()]);
  for (const database of databases) await database.drop();
});

const call = async (service: RunningProcess, method: string, path: string, body?: unknown, headers: Record<string, string> = {}, token = manager) => {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json().catch(() => undefined)) as any };
};

const content = (name: string): DeploymentModelContent => ({
  name,
  description: 'in-house software straight to production, piloted',
  applicability: { deploymentKinds: ['upgrade'], componentKinds: ['software'], componentSources: ['in-house'], environmentKinds: ['production'], serviceTags: [] },
  strategy: { type: 'big-bang' },
  environmentFlow: ['production'],
  gates: [],
  automationLevel: 'automatic',
  manualSteps: [],
  qualityThresholds: { minTestPassRatio: 0.9, maxCriticalVulnerabilities: 0, maxHighVulnerabilities: 3 },
  documentationRequired: false,
  backupRequired: false,
  rollbackPolicy: 'automatic',
  acceptanceCriteria: [],
  responsibilities: { plan: ['deployment-manager'], execute: ['deployment-practitioner'], verify: ['service-owner'] },
});

async function publishAsPilot(name: string, pilotDeployments: number) {
  expect((await call(modelReview, 'POST', '/models', { content: content(name) })).status).toBe(201);
  expect(await call(modelReview, 'POST', `/models/${name}/publish`, { version: 1, pilotDeployments }, { 'if-match': '"1"' })).toMatchObject({
    status: 200,
    body: { status: 'active', activeVersion: 1, pilot: { version: 1, of: pilotDeployments, succeeded: [] } },
  });
}

/** What planning knows of the model from model-review's topic. */
const knownToPlanning = async (name: string) =>
  (await planning.runtime.db.query<{ version: number; pilot: boolean }>(`SELECT version, pilot FROM planning.deployment_models WHERE name = $1`, [name])).rows[0];

let day = 0;
/** A production deployment with the model, each on a day of its own so that no two reserve the same target at once. */
async function request(model: string) {
  day += 1;
  const start = new Date(Date.UTC(2030, 0, day, 21));
  const body = {
    changeId: `CHG${Math.floor(Math.random() * 1e7)}`,
    changeType: 'normal',
    changeState: 'authorised',
    service: `payments-${suffix}`,
    kind: 'upgrade',
    components: [{ name: 'payments-api', version: `2.${day}.0`, kind: 'software' }],
    environment: 'pilot-production',
    window: { start: start.toISOString(), end: new Date(start.getTime() + 3_600_000).toISOString() },
    acceptanceCriteria: [],
    model,
  };
  const response = await call(planning, 'POST', '/deployments', body, {}, changeManager);
  return response.body as { deploymentId: string; status: string; plan?: { model: unknown; gates: { name: string; roles: string[]; minimumApprovers: number; source: string }[] }; rejection?: unknown };
}

/** DeploymentRecordClosed as records publishes it: a CloudEvent on gantry.records.v1 keyed by the deployment id. */
async function close(deploymentId: string, model: string, outcome: DeploymentRecordClosed['outcome'], cause?: string) {
  const closedAt = new Date().toISOString();
  const closed: DeploymentRecordClosed = {
    deploymentId,
    changeId: 'CHG1',
    service: `payments-${suffix}`,
    environment: 'pilot-production',
    environmentKind: 'production',
    model: { name: model, version: 1 },
    outcome,
    ...(cause ? { cause } : {}),
    requestedAt: closedAt,
    closedAt,
    leadTimeMs: 0,
  };
  const event = { specversion: '1.0', id: randomUUID(), source: '/gantry/records', type: EVENT_TYPES.DeploymentRecordClosed, subject: deploymentId, time: closedAt, datacontenttype: 'application/json', data: closed };
  await bus.produce(SERVICE_TOPICS.records, [{ key: deploymentId, value: JSON.stringify(event), headers: { 'content-type': 'application/cloudevents+json' } }]);
}

it("a pilot's first production deployments wait for the model's owners; after N successes the model is active without supervision", async () => {
  const name = `piloted-${suffix}`;
  await publishAsPilot(name, 2);
  await eventually(async () => (await knownToPlanning(name))?.pilot === true, { timeoutMs: 60_000, what: 'planning knows the pilot' });

  const supervision = { name: `${name} pilot supervision`, kind: 'approval', roles: ['deployment-manager'], minimumApprovers: 1, source: 'model' };
  const first = await request(name);
  const second = await request(name);
  for (const planned of [first, second]) expect(planned).toMatchObject({ status: 'planned', plan: { model: { name, version: 1 }, gates: [supervision] } });

  await close(first.deploymentId, name, 'succeeded');
  await eventually(async () => (await call(modelReview, 'GET', `/models/${name}`)).body.pilot?.succeeded.length === 1, { timeoutMs: 60_000, what: 'one pilot deployment counted' });
  expect((await knownToPlanning(name))?.pilot).toBe(true);
  // a duplicate delivery counts once
  await close(first.deploymentId, name, 'succeeded');
  await close(second.deploymentId, name, 'succeeded');
  await eventually(async () => (await knownToPlanning(name))?.pilot === false, { timeoutMs: 60_000, what: 'planning learns the pilot completed' });
  expect((await call(modelReview, 'GET', `/models/${name}`)).body).toMatchObject({ status: 'active', activeVersion: 1, pilot: null });

  expect(await request(name)).toMatchObject({ status: 'planned', plan: { model: { name, version: 1 }, gates: [] } });
}, 180_000);

it('a rolled-back pilot deployment returns the version to draft with the finding, and planning no longer plans with it', async () => {
  const name = `failing-pilot-${suffix}`;
  await publishAsPilot(name, 3);
  await eventually(async () => (await knownToPlanning(name))?.pilot === true, { timeoutMs: 60_000, what: 'planning knows the pilot' });
  const planned = await request(name);
  expect(planned.status).toBe('planned');

  await close(planned.deploymentId, name, 'rolled-back', 'error rate above the canary threshold');
  await eventually(async () => (await knownToPlanning(name)) === undefined, { timeoutMs: 60_000, what: 'planning drops the failed pilot' });
  const model = (await call(modelReview, 'GET', `/models/${name}`)).body;
  expect(model).toMatchObject({ status: 'draft', activeVersion: null, draftVersion: 2, pilot: null });
  expect(model.versions.map((v: { version: number; status: string }) => [v.version, v.status])).toEqual([
    [1, 'pilot-failed'],
    [2, 'draft'],
  ]);
  const failed = await modelReview.runtime.db.query<{ data: unknown }>(`SELECT data FROM model_review.events WHERE stream_id = $1 AND event_type = 'ModelPilotFailed'`, [`DeploymentModel-${name}`]);
  expect(failed.rows.map((r) => r.data)).toEqual([
    expect.objectContaining({ version: 1, deploymentId: planned.deploymentId, outcome: 'rolled-back', reason: 'error rate above the canary threshold', draftVersion: 2, reinstated: null }),
  ]);

  expect(await request(name)).toMatchObject({ status: 'rejected' });
}, 180_000);
