import { SERVICE_TOPICS, type DeploymentPlanned, type EnvironmentDefinition, type MonitoringPeriod } from '@gantry/contracts';
import { KafkaBus, type CloudEvent, type Subscription } from '@gantry/messaging';
import { mintToken } from '@gantry/auth';
import { boot, type RunningProcess } from '@gantry/platform';
import { createTestDatabase, eventually, startPrometheus, type RunningPrometheus, type TestDatabase } from '@gantry/testing';
import { judge, samplesDigest } from '@gantry/judge';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_SIGNED_KINDS } from '../deployment-verifications';
import { VerificationModule } from '../verification.module';
import { metricJudgeConfig } from './monitoring-period.decider';

/**
 * The monitoring period against a real Prometheus (Debian's, started here) scraping a small application this test
 * runs, whose error ratio the test sets: a deployment whose error rate rises after it started is a regression against
 * its baseline; one whose rate stays is clean. The period is compressed to seconds.
 */
const SECRET = 'verification-monitoring-int-secret';
const suffix = randomBytes(4).toString('hex');
let database: TestDatabase;
let verification: RunningProcess;
let prometheus: RunningPrometheus;
let app: Server;
let bus: KafkaBus;
let reader: Subscription;
let ticker: NodeJS.Timeout;
const published: CloudEvent[] = [];
const produced = new Set<string>();

/** Two services of the application, each counting requests and errors; `errorRatio` is what the test turns. */
const services = { steady: { requests: 0, errors: 0, errorRatio: 0.01 }, regressing: { requests: 0, errors: 0, errorRatio: 0.01 } };
let seed = 42;
/** a small seeded wobble, so that the samples are not all equal */
const wobble = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return 0.8 + 0.4 * (seed / 2 ** 31);
};

beforeAll(async () => {
  app = createServer((_req, res) => {
    const lines = Object.entries(services).flatMap(([name, s]) => [`app_requests_total{service="${name}"} ${s.requests}`, `app_errors_total{service="${name}"} ${Math.round(s.errors)}`]);
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`# TYPE app_requests_total counter\n# TYPE app_errors_total counter\n${lines.join('\n')}\n`);
  });
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  ticker = setInterval(() => {
    for (const s of Object.values(services)) {
      s.requests += 1000;
      s.errors += 1000 * s.errorRatio * wobble();
    }
  }, 100);
  prometheus = await startPrometheus({ targets: [`127.0.0.1:${(app.address() as AddressInfo).port}`], scrapeSeconds: 1 });

  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
  if (brokers.length === 0) throw new Error('KAFKA_BROKERS is not set: this suite needs the broker from the test setup');
  database = await createTestDatabase('gantry_monitoring');
  bus = new KafkaBus({ clientId: `monitoring-int-${suffix}`, brokers });
  await bus.ensureTopics([SERVICE_TOPICS.planning, SERVICE_TOPICS.execution, SERVICE_TOPICS.verification]);
  reader = await bus.subscribe({ group: `monitoring-int-reader-${suffix}`, topics: [SERVICE_TOPICS.verification], fromBeginning: false }, async (batch) => {
    // publication is at least once (a restart may send again what was sent before it): one event per id
    for (const event of batch.map((m) => JSON.parse(m.value!.toString()) as CloudEvent)) if (!published.some((e) => e.id === event.id)) published.push(event);
  });
  verification = await bootVerification();
}, 180_000);

/** Verification on this suite's database and consumer groups (booted again to show that a period survives a restart). */
const bootVerification = () =>
  boot('verification', {
    modules: (runtime) => [
      VerificationModule.register(runtime, {
        policy: { allowedProbeHosts: ['127.0.0.1'], probeIntervalMs: 100, probeTimeoutMs: 2000, consecutiveSuccesses: 1, evaluationDeadlineMs: 6000, signedKinds: DEFAULT_SIGNED_KINDS },
        actsOn: (event) => produced.has(event.id),
        fromBeginning: false,
      }),
    ],
    env: { DATABASE_URL: database.url, KAFKA_BROKERS: process.env.KAFKA_BROKERS, GANTRY_CONSUMER_GROUP_PREFIX: `mint-${suffix}-`, PORT: '0', GANTRY_JWT_SECRET: SECRET, LOG_LEVEL: 'error' },
  });

afterAll(async () => {
  clearInterval(ticker);
  await reader?.close();
  await verification?.stop();
  await bus?.close();
  await prometheus?.stop();
  app?.closeAllConnections();
  await new Promise<void>((resolve) => (app ? app.close(() => resolve()) : resolve()));
  await database?.drop();
});

let versions = 0;
const produce = (topic: string, service: string, name: string, data: unknown, key: string) => {
  const id = randomUUID();
  produced.add(id);
  return bus.produce(topic, [
    {
      key,
      headers: {},
      value: JSON.stringify({ specversion: '1.0', id, source: `/gantry/${service}`, type: `gantry.${service}.${name}.v1`, subject: key, streamversion: ++versions, time: new Date().toISOString(), datacontenttype: 'application/json', data }),
    },
  ]);
};
const event = (type: string, deploymentId: string) => published.find((e) => e.type === `gantry.verification.${type}.v1` && (e.data as { deploymentId: string }).deploymentId === deploymentId);
const eventsOf = (type: string, deploymentId: string) => published.filter((e) => e.type === `gantry.verification.${type}.v1` && (e.data as { deploymentId: string }).deploymentId === deploymentId);

const environmentName = `monitored-${suffix}`;
const monitoringOf = (service: string): MonitoringPeriod => ({
  durationSeconds: 24,
  lookEverySeconds: 6,
  baselineSeconds: 15,
  stepSeconds: 1,
  alpha: 0.05,
  signals: [
    {
      type: 'metric',
      name: 'error-ratio',
      query: `sum(rate(app_errors_total{service="${service}"}[3s])) / sum(rate(app_requests_total{service="${service}"}[3s]))`,
      harm: 'increase',
      tolerance: 0.1,
      minimumSamples: 5,
    },
  ],
  onRegression: 'decide',
});

const planFor = (service: 'steady' | 'regressing'): DeploymentPlanned => ({
  deploymentId: randomUUID(),
  changeId: `CHG-${service}-${suffix}`,
  service,
  kind: 'upgrade',
  // what verification says of the components is not this test's subject: the acceptance evaluation starts on execution's report regardless
  components: [{ name: `${service}-api`, version: '1.0.0', kind: 'hardware' }],
  environment: environmentName,
  window: { start: new Date(Date.now() - 60_000).toISOString(), end: new Date(Date.now() + 3_600_000).toISOString() },
  model: null,
  strategy: 'big-bang',
  waves: [{ index: 1, targets: ['host-1'] }],
  acceptanceCriteria: [],
  backupRequired: false,
  rollback: 'automatic',
  monitoring: monitoringOf(service),
});

it(
  'a deployment whose error rate rises after it started is a regression against its baseline; one whose rate stays closes clean; every judgement can be re-run from its events',
  async () => {
    const environment: EnvironmentDefinition = {
      name: environmentName,
      kind: 'production',
      position: 5,
      attributes: {},
      targets: [{ name: 'host-1', kind: 'host' }],
      timeZone: 'UTC',
      deploymentWindows: [],
      freezes: [],
      approvalPolicy: { roles: [], minimumApprovers: 0 },
      monitoring: { prometheusUrl: prometheus.url },
    };
    await produce(SERVICE_TOPICS.planning, 'planning', 'EnvironmentRegistered', { ...environment, registeredAt: new Date().toISOString() }, `Environment-${environmentName}`);
    const steady = planFor('steady');
    const regressing = planFor('regressing');
    for (const plan of [steady, regressing]) await produce(SERVICE_TOPICS.planning, 'planning', 'DeploymentPlanned', plan, plan.deploymentId);
    await eventually(() => event('DeploymentVerificationOpened', steady.deploymentId) && event('DeploymentVerificationOpened', regressing.deploymentId), { timeoutMs: 60_000, what: 'both plans opened' });
    // a baseline's worth of scrapes before the deployments start
    await eventually(async () => {
      const answer = (await (await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent('count_over_time(app_requests_total{service="steady"}[30s])')}`)).json()) as { data: { result: { value: [number, string] }[] } };
      return Number(answer.data.result[0]?.value[1] ?? 0) >= 16;
    }, { timeoutMs: 60_000, what: 'sixteen seconds of scrapes' });

    for (const plan of [steady, regressing]) await produce(SERVICE_TOPICS.execution, 'execution', 'DeploymentStarted', { deploymentId: plan.deploymentId, startedAt: new Date().toISOString() }, plan.deploymentId);
    services.regressing.errorRatio = 0.1;
    for (const plan of [steady, regressing]) await produce(SERVICE_TOPICS.execution, 'execution', 'DeploymentExecuted', { deploymentId: plan.deploymentId, executedAt: new Date().toISOString(), targets: 1 }, plan.deploymentId);

    const regression = await eventually(() => event('RegressionDetected', regressing.deploymentId), { timeoutMs: 90_000, what: 'the regression found' });
    expect(regression.data).toMatchObject({ signal: 'error-ratio', onRegression: 'decide', reason: expect.stringMatching(/^error-ratio: /) });
    expect(event('MonitoringPeriodEnded', regressing.deploymentId)?.data).toMatchObject({ verdict: 'regressed' });

    const clean = await eventually(() => event('MonitoringPeriodEnded', steady.deploymentId), { timeoutMs: 90_000, what: 'the steady period ended' });
    expect(clean.data).toMatchObject({ verdict: 'clean', looks: 4 });
    expect(eventsOf('RegressionDetected', steady.deploymentId)).toEqual([]);

    // what an auditor does with the ledger alone: the baseline and each look's samples, judged again
    for (const plan of [steady, regressing]) {
      const started = event('MonitoringPeriodStarted', plan.deploymentId)!.data as { baselines: { samples: number[] }[]; monitoring: MonitoringPeriod };
      expect(started.baselines[0]!.samples.length).toBeGreaterThanOrEqual(10);
      const config = metricJudgeConfig(started.monitoring.signals[0] as never, started.monitoring);
      const current: number[] = [];
      for (const judged of eventsOf('MonitoringSignalJudged', plan.deploymentId).map((e) => e.data as { look: number; samples: number[]; samplesDigest: string; verdict: string })) {
        current.push(...judged.samples);
        expect(judged.samplesDigest).toBe(samplesDigest({ baseline: started.baselines[0]!.samples, current, look: judged.look, config }));
        expect(judged.verdict).toBe(judge(started.baselines[0]!.samples, current, judged.look, config).verdict);
      }
    }
    const auditor = await mintToken(SECRET, { sub: 'alice.auditor', roles: ['auditor'] });
    const view = await fetch(`${verification.url}/verifications/${regressing.deploymentId}/monitoring`, { headers: { authorization: `Bearer ${auditor}` } });
    expect(view.status).toBe(200);
    expect(await view.json()).toMatchObject({ status: 'regressed', monitoring: { durationSeconds: 24 } });
  },
  240_000,
);

it('a period survives a restart: the looks that fell due while verification was down are taken when it is back', async () => {
  const plan = planFor('steady');
  await produce(SERVICE_TOPICS.planning, 'planning', 'DeploymentPlanned', plan, plan.deploymentId);
  await eventually(() => event('DeploymentVerificationOpened', plan.deploymentId), { timeoutMs: 60_000, what: 'the plan opened' });
  await produce(SERVICE_TOPICS.execution, 'execution', 'DeploymentStarted', { deploymentId: plan.deploymentId, startedAt: new Date().toISOString() }, plan.deploymentId);
  await produce(SERVICE_TOPICS.execution, 'execution', 'DeploymentExecuted', { deploymentId: plan.deploymentId, executedAt: new Date().toISOString(), targets: 1 }, plan.deploymentId);
  await eventually(() => eventsOf('MonitoringSignalJudged', plan.deploymentId).length >= 1, { timeoutMs: 60_000, what: 'the first look' });

  await verification.stop();
  // down until the next look is due (the timer is a row in verification's schema)
  const db = new Client({ connectionString: database.url });
  await db.connect();
  try {
    await eventually(async () => (await db.query(`SELECT 1 FROM verification.due_timers WHERE timer_id = $1 AND due_at < now()`, [`monitoring-look:${plan.deploymentId}`])).rowCount === 1, {
      timeoutMs: 30_000,
      what: 'the next look due while verification is down',
    });
  } finally {
    await db.end();
  }
  verification = await bootVerification();
  const ended = await eventually(() => event('MonitoringPeriodEnded', plan.deploymentId), { timeoutMs: 90_000, what: 'the period ended after the restart' });
  expect(ended.data).toMatchObject({ verdict: 'clean', looks: 4 });
  const judged = eventsOf('MonitoringSignalJudged', plan.deploymentId);
  // what a failure needs to tell a second judgement from a second sending: ids, stream versions, times, causes
  const told = judged.map((e) => `look ${(e.data as { look: number }).look}: ${e.id} v${e.streamversion} ${e.time} caused by ${e.causationid}`).join('\n');
  expect({ looks: judged.map((e) => (e.data as { look: number }).look), told }).toEqual({ looks: [1, 2, 3, 4], told });
  // and the period's stream holds each look once
  const looks = await verification.runtime.db.query<{ look: number }>(`SELECT (data->>'look')::int AS look FROM verification.events WHERE stream_id = $1 AND event_type = 'MonitoringSignalJudged' ORDER BY stream_version`, [
    `MonitoringPeriod-${plan.deploymentId}`,
  ]);
  expect(looks.rows.map((r) => r.look)).toEqual([1, 2, 3, 4]);
}, 240_000);
