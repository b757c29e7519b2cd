import { mintToken } from '@gantry/auth';
import { createTestDatabase, startPrometheus, type RunningPrometheus, type TestDatabase } from '@gantry/testing';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authoriseComponents } from './support/authorised-components';
import { eventuallyWhileRunning, repoRoot, startIsolatedService, type GantryProcess } from './support/processes';

/**
 * Early life support across the five services as separate processes on Kafka and PostgreSQL, with a real Prometheus
 * (Debian's) scraping an application this test runs: a production deployment of a model with a monitoring period,
 * whose error ratio rises after it started, is found regressed against its baseline by verification; change enablement
 * reads the corrected report on its feedback topic; model review opens a review of the model at once; the deployment
 * manager is asked to decide on a rollback. The period is compressed to seconds.
 */
jest.setTimeout(300_000);

const SECRET = 'e2e-monitoring-secret-long-enough-for-hs256';
const SERVICES = ['planning', 'verification', 'execution', 'records', 'model-review'] as const;
const MODEL = 'monitored-web';
const ENVIRONMENT = 'prod-monitored';
/** topics and consumer groups of this suite's own: the other end-to-end suites' services on the broker never take its events */
const PREFIX = `monitoring-${process.pid}-`;

let database: TestDatabase;
let processes: Record<(typeof SERVICES)[number], GantryProcess>;
let prometheus: RunningPrometheus;
let app: Server;
let ticker: NodeJS.Timeout;
let consumer: Consumer;
const feedback: { type: string; data: Record<string, unknown> }[] = [];
let manager: string;
let changeManager: string;

/** The application's requests and errors; `errorRatio` is what the test turns after the deployment started. */
const application = { requests: 0, errors: 0, errorRatio: 0.01 };
let seed = 7;
const wobble = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return 0.8 + 0.4 * (seed / 2 ** 31);
};

beforeAll(async () => {
  if (!process.env.KAFKA_BROKERS) throw new Error('KAFKA_BROKERS is not set: the end-to-end suite needs the broker from the test setup');
  app = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`app_requests_total ${application.requests}\napp_errors_total ${Math.round(application.errors)}\n`),
  );
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  ticker = setInterval(() => {
    application.requests += 1000;
    application.errors += 1000 * application.errorRatio * wobble();
  }, 100);
  prometheus = await startPrometheus({ targets: [`127.0.0.1:${(app.address() as AddressInfo).port}`], scrapeSeconds: 1 });

  database = await createTestDatabase('gantry_e2e_monitoring');
  const env = {
    GANTRY_PROBE_ALLOWED_HOSTS: '127.0.0.1',
    // change enablement's word is this test's: a change manager's permission proves the change in production
    GANTRY_AUTHORISATION_PRODUCTION: 'itsm,signed,permission',
    GANTRY_REQUESTER_MAY_NOT_AUTHORISE_PRODUCTION: 'false',
  };
  const started = await Promise.all(SERVICES.map((service) => startIsolatedService(service, { databaseUrl: database.url, brokers: process.env.KAFKA_BROKERS!, prefix: PREFIX, secret: SECRET, env })));
  processes = Object.fromEntries(started.map((p) => [p.name, p])) as typeof processes;
  manager = await mintToken(SECRET, { sub: 'dana.manager', roles: ['deployment-manager'] });
  changeManager = await mintToken(SECRET, { sub: 'change-enablement-system', roles: ['change-manager'] });
  await authoriseComponents(processes.verification.url, manager);

  const kafka = new Kafka({ clientId: 'e2e-monitoring-itsm', brokers: process.env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING });
  consumer = kafka.consumer({ groupId: `e2e-monitoring-itsm-${Date.now()}`, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [`${PREFIX}gantry.feedback.change-enablement.v1`], fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void feedback.push(JSON.parse(message.value!.toString())) });
}, 240_000);

afterAll(async () => {
  clearInterval(ticker);
  await consumer?.disconnect();
  await Promise.all(Object.values(processes ?? {}).map((p) => p.stop()));
  await prometheus?.stop();
  app?.closeAllConnections();
  await new Promise<void>((resolve) => (app ? app.close(() => resolve()) : resolve()));
  await database?.drop();
});

const call = async (base: string, method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) => {
  const response = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, etag: response.headers.get('etag') ?? '', body: text ? JSON.parse(text) : undefined };
};
const all = () => Object.values(processes);

it('a production deployment whose error rate rises after it started is found regressed; change enablement gets a corrected report, model review opens a review, the deployment manager decides', async () => {
  const content = {
    name: MODEL,
    description: 'A web service into production, watched for two dozen seconds after it is verified.',
    applicability: { deploymentKinds: ['upgrade'], componentKinds: ['software'], componentSources: ['in-house'], environmentKinds: ['production'], serviceTags: [] },
    strategy: { type: 'big-bang' },
    environmentFlow: ['production'],
    gates: [],
    automationLevel: 'automatic',
    manualSteps: [],
    qualityThresholds: { minTestPassRatio: 0, maxCriticalVulnerabilities: 1000, maxHighVulnerabilities: 1000 },
    documentationRequired: false,
    backupRequired: false,
    rollbackPolicy: 'automatic',
    acceptanceCriteria: [],
    responsibilities: { plan: ['deployment-practitioner'], execute: ['deployment-practitioner'], verify: ['deployment-practitioner'] },
    monitoring: {
      durationSeconds: 24,
      lookEverySeconds: 6,
      baselineSeconds: 15,
      stepSeconds: 1,
      alpha: 0.05,
      signals: [{ type: 'metric', name: 'error-ratio', query: 'sum(rate(app_errors_total[3s])) / sum(rate(app_requests_total[3s]))', harm: 'increase', tolerance: 0.1, minimumSamples: 5 }],
      onRegression: 'decide',
    },
  };
  const drafted = await call(processes['model-review'].url, 'POST', '/models', manager, { content });
  expect(drafted.status).toBe(201);
  expect((await call(processes['model-review'].url, 'POST', `/models/${MODEL}/publish`, manager, { version: 1, pilotDeployments: 0 }, { 'if-match': drafted.etag })).status).toBe(200);
  // the version deployed: signed with the demo key (trusted above), with the test results a model's quality thresholds weigh
  const digest = `sha256:${'ef'.repeat(32)}`;
  const signed = JSON.parse(
    execFileSync(process.execPath, ['scripts/gantry.js', 'sign', '--key', 'examples/demo-signing-key.pem', '--key-id', 'gantry-demo', '--name', 'monitored-api', '--version', '1.0.0', '--digest', digest], {
      cwd: repoRoot,
      encoding: 'utf8',
    }),
  );
  const registered = await call(processes.verification.url, 'POST', '/components', manager, { ...signed, quality: { testsPassed: 120, testsTotal: 120, criticalVulnerabilities: 0, highVulnerabilities: 0 } });
  expect(registered.status).toBe(201);
  const environment = {
    name: ENVIRONMENT,
    kind: 'production',
    position: 9,
    attributes: { operatingSystem: 'linux', runtimeVersions: { node: '24.1.0' } },
    targets: [{ name: 'prod-1', kind: 'host' }],
    timeZone: 'UTC',
    deploymentWindows: [],
    freezes: [],
    approvalPolicy: { roles: [], minimumApprovers: 0 },
    monitoring: { prometheusUrl: prometheus.url },
  };
  expect((await call(processes.planning.url, 'POST', '/environments', manager, environment)).status).toBe(201);

  // a baseline's worth of scrapes before the deployment starts
  await eventuallyWhileRunning(all(), async () => {
    const answer = (await (await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent('count_over_time(app_requests_total[30s])')}`)).json()) as { data: { result: { value: [number, string] }[] } };
    return Number(answer.data.result[0]?.value[1] ?? 0) >= 16;
  }, { timeoutMs: 60_000, what: 'sixteen seconds of scrapes' });

  const request = {
    changeId: `CHG${Date.now() % 1e7}`,
    changeType: 'normal',
    changeState: 'authorised',
    model: MODEL,
    service: 'payments',
    kind: 'upgrade',
    components: [{ name: 'monitored-api', version: '1.0.0', kind: 'software', digest }],
    environment: ENVIRONMENT,
    window: { start: new Date(Date.now() - 60_000).toISOString(), end: new Date(Date.now() + 3_600_000).toISOString() },
    acceptanceCriteria: [],
  };
  // planning learns of the model over Kafka: the request is planned once it does
  const planned = await eventuallyWhileRunning(all(), async () => {
    const answer = await call(processes.planning.url, 'POST', '/deployments', changeManager, request);
    if (answer.status === 201 && answer.body.status === 'planned') return answer.body as { deploymentId: string; plan: { monitoring?: unknown } };
    if (answer.status === 201 && answer.body.rejection?.reason !== 'NoApplicableModel') throw new Error(`rejected: ${JSON.stringify(answer.body.rejection)}`);
    request.changeId = `CHG${(Date.now() + 1) % 1e7}`;
    return undefined;
  }, { timeoutMs: 60_000, intervalMs: 500, what: 'the deployment planned with the model' });
  expect(planned.plan.monitoring).toMatchObject({ durationSeconds: 24 });
  const id = planned.deploymentId;

  // the deployment started: from now on the application errs ten times as often
  await eventuallyWhileRunning(all(), async () => ['running', 'executed'].includes((await call(processes.execution.url, 'GET', `/runs/${id}`, manager)).body?.status), {
    timeoutMs: 90_000,
    what: 'the run started',
  });
  application.errorRatio = 0.1;

  const monitoring = await eventuallyWhileRunning(all(), async () => {
    const answer = await call(processes.verification.url, 'GET', `/verifications/${id}/monitoring`, manager);
    if (answer.status === 200 && answer.body.status === 'regressed') return answer.body;
    // not yet: what a timeout reports
    const verification = await call(processes.verification.url, 'GET', `/verifications/${id}`, manager);
    throw new Error(`monitoring ${answer.status} ${JSON.stringify(answer.body)}; verification ${JSON.stringify(verification.body)}`);
  }, { timeoutMs: 120_000, what: 'verification to find the regression' });
  expect(monitoring.signals['error-ratio'].verdicts).toContain('fail');

  const corrected = await eventuallyWhileRunning(all(), () => feedback.find((e) => e.type === 'gantry.records.ChangeImplementationCorrected.v1' && e.data.deploymentId === id), {
    timeoutMs: 60_000,
    what: 'the corrected report on gantry.feedback.change-enablement.v1',
  });
  expect(corrected.data).toMatchObject({ closeCode: 'successful-with-issues', previousCloseCode: 'successful', regressions: [expect.objectContaining({ signal: 'error-ratio' })] });

  const review = await eventuallyWhileRunning(all(), async () => {
    const answer = await call(processes['model-review'].url, 'GET', `/reviews?model=${MODEL}`, manager);
    return (answer.body?.reviews as { trigger: string }[] | undefined)?.find((r) => r.trigger === 'production-regression');
  }, { timeoutMs: 60_000, what: 'a review of the model opened for the regression' });
  expect(review).toBeDefined();

  // never rolled back by itself after the run closed: the deployment manager is asked
  const run = await eventuallyWhileRunning(all(), async () => {
    const answer = await call(processes.execution.url, 'GET', `/runs/${id}`, manager);
    return JSON.stringify(answer.body).includes('RegressionDetected') ? answer.body : undefined;
  }, { timeoutMs: 60_000, what: 'the run held for the deployment manager' });
  expect(JSON.stringify(run)).not.toContain('RolledBack');
  expect((await call(processes.execution.url, 'POST', `/runs/${id}/rollback-decision`, manager, { rollback: true })).status).toBe(200);
  const rolledBack = await eventuallyWhileRunning(all(), async () => {
    const found = feedback.find((e) => e.type === 'gantry.records.ChangeImplementationCorrected.v1' && e.data.deploymentId === id && e.data.outcome === 'rolled-back');
    if (found) return found;
    // not yet: what a timeout reports
    const [runNow, record] = [await call(processes.execution.url, 'GET', `/runs/${id}`, manager), await call(processes.records.url, 'GET', `/audit/deployments/${id}`, manager)];
    throw new Error(`run ${runNow.body?.status} ${JSON.stringify(runNow.body?.rollback ?? runNow.body?.pause)}; record ${JSON.stringify(record.body?.projection)}; feedback ${JSON.stringify(feedback.filter((e) => e.data.deploymentId === id).map((e) => [e.type, e.data.outcome]))}`);
  }, {
    timeoutMs: 60_000,
    what: 'the report corrected to rolled back',
  });
  expect(rolledBack.data).toMatchObject({ closeCode: 'unsuccessful', cause: 'RolledBack: RegressionDetected' });
});
