import { credentials, loadPackageDefinition, Metadata, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { mintToken } from '@gantry/auth';
import { changeDeploymentId } from '@gantry/contracts';
import { createTestDatabase, OTLP_SPAN_KIND, startOtlpReceiver, type OtlpReceiver, type ReceivedSpan, type TestDatabase } from '@gantry/testing';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { eventuallyWhileRunning, repoRoot, startIsolatedService, type GantryProcess } from './support/processes';

/**
 * One deployment's trace, followed across the five services as processes on Kafka and exported over OTLP to a collector
 * the test runs. An ITSM suite authorises the change with a trace of its own (W3C `traceparent` on the Kafka record);
 * change enablement reads the deployment over gRPC and REST within that trace. Everything that follows — every
 * service's consumer spans, the sends between them, their PostgreSQL statements, the due timers and the run driver,
 * verification's probe of the new version over HTTP — must be spans of that one trace, linked hop by hop, and every
 * ledger entry about the deployment must carry it.
 */
jest.setTimeout(180_000);

const SECRET = 'one-trace-secret-that-is-long-enough-for-hs256';
const SERVICES = ['planning', 'verification', 'execution', 'records', 'model-review'] as const;
const PREFIX = `trace-${process.pid}-${Date.now()}.`;
const SOURCE = `/one-trace-suite/${process.pid}`;

const traceId = randomBytes(16).toString('hex');
/** the spans of the ITSM suite and of change enablement, which the collector never sees: the trace's roots here */
const callers = { authorise: randomBytes(8).toString('hex'), grpc: randomBytes(8).toString('hex'), rest: randomBytes(8).toString('hex') };
const traceparent = (spanId: string) => `00-${traceId}-${spanId}-01`;

let database: TestDatabase;
let receiver: OtlpReceiver;
let probed: Server;
/** the `traceparent` of each probe verification made of the new version */
const probes: (string | undefined)[] = [];
let processes: Record<(typeof SERVICES)[number], GantryProcess>;
let kafka: Kafka;
let producer: Producer;
let manager: string;
let auditor: string;
let changeManager: string;

const waitFor = <T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 90_000) =>
  eventuallyWhileRunning(Object.values(processes), probe, { timeoutMs, intervalMs: 250, what });

const rest = (service: GantryProcess, path: string, bearer: string, options: { body?: object; headers?: Record<string, string> } = {}) =>
  fetch(`${service.url}${path}`, {
    method: options.body ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${bearer}`, ...(options.body ? { 'content-type': 'application/json' } : {}), ...options.headers },
    ...(options.body ? { body: JSON.stringify(options.body) } : {}),
  });

const send = (topic: string, key: string, type: string, data: object, headers: Record<string, string> = {}) =>
  producer.send({
    topic: `${PREFIX}${topic}`,
    acks: -1,
    messages: [
      {
        key,
        value: JSON.stringify({ specversion: '1.0', id: randomUUID(), source: SOURCE, type, time: new Date().toISOString(), datacontenttype: 'application/json', data }),
        headers: { 'content-type': 'application/cloudevents+json', ...headers },
      },
    ],
  });

beforeAll(async () => {
  if (!process.env.KAFKA_BROKERS) throw new Error('KAFKA_BROKERS is not set: the end-to-end suite needs the broker from the test setup');
  const brokers = process.env.KAFKA_BROKERS;
  receiver = await startOtlpReceiver();
  probed = createServer((request, response) => {
    probes.push(request.headers.traceparent as string | undefined);
    response.end('ok');
  });
  await new Promise<void>((resolve) => probed.listen(0, '127.0.0.1', resolve));
  database = await createTestDatabase('gantry_one_trace');
  const env = {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: '200',
    GANTRY_SIGNED_KINDS: 'none',
    GANTRY_PROBE_ALLOWED_HOSTS: `127.0.0.1:${(probed.address() as AddressInfo).port}`,
    GANTRY_PROBE_INTERVAL_MS: '200',
  };
  const started = await Promise.all(SERVICES.map((service) => startIsolatedService(service, { databaseUrl: database.url, brokers, prefix: PREFIX, secret: SECRET, env })));
  processes = Object.fromEntries(started.map((p) => [p.name, p])) as typeof processes;
  manager = await mintToken(SECRET, { sub: 'dana.manager', roles: ['deployment-manager'] });
  auditor = await mintToken(SECRET, { sub: 'alice.auditor', roles: ['auditor'] });
  changeManager = await mintToken(SECRET, { sub: 'change-enablement-system', roles: ['change-manager'] });

  kafka = new Kafka({ clientId: 'itsm-suite', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: ['itsm.changes.v1', 'itam.components.v1'].map((topic) => ({ topic: `${PREFIX}${topic}` })), waitForLeaders: true });
  await admin.disconnect();
  producer = kafka.producer({ idempotent: true });
  await producer.connect();
}, 150_000);

afterAll(async () => {
  await producer?.disconnect();
  await Promise.all(Object.values(processes ?? {}).map((p) => p.stop()));
  await database?.drop();
  await receiver?.close();
  await new Promise((resolve) => probed?.close(resolve));
});

it('follows one deployment from the ITSM suite through all five services and the Kafka hops in one trace', async () => {
  const environment = await rest(processes.planning, '/environments', manager, {
    body: {
      name: 'staging',
      kind: 'staging',
      position: 4,
      attributes: { operatingSystem: 'linux' },
      targets: [{ name: 'staging-1', kind: 'host' }],
      timeZone: 'UTC',
      deploymentWindows: [],
      freezes: [],
      approvalPolicy: { roles: [], minimumApprovers: 0 },
    },
  });
  expect(environment.status).toBe(201);
  const component = { name: `traced-api-${process.pid}`, version: '1.0.0', kind: 'software', digest: `sha256:${'cd'.repeat(32)}`, size: 1024, source: 'ci.example.com/traced' };
  await send('itam.components.v1', component.name, 'itam.components.ComponentVersionRegistered.v1', component);
  await waitFor('the component version in the authorised repository', async () => (await rest(processes.verification, `/components/${component.name}/versions/${component.version}`, manager)).status === 200 || undefined);

  // the ITSM suite authorises the change inside a trace of its own
  const change = {
    changeId: `CHG-T${process.pid}`,
    changeType: 'normal',
    adHoc: true,
    service: 'traced-payments',
    kind: 'upgrade',
    components: [{ name: component.name, version: component.version, kind: 'software', digest: component.digest }],
    environment: 'staging',
    targets: ['staging-1'],
    window: { start: new Date(Date.now() - 60_000).toISOString(), end: new Date(Date.now() + 3_600_000).toISOString() },
    acceptanceCriteria: [{ type: 'http-health', description: 'the new version answers', url: `http://127.0.0.1:${(probed.address() as AddressInfo).port}/health`, expectedStatus: 200 }],
    authorisedBy: 'carol.cab@example.com',
  };
  await send('itsm.changes.v1', change.changeId, 'itsm.changes.ChangeAuthorized.v1', change, { traceparent: traceparent(callers.authorise) });
  const deploymentId = changeDeploymentId(SOURCE, change);

  // change enablement reads it over gRPC and over REST, within the same trace
  const definition = loadSync(join(repoRoot, 'contracts', 'proto', 'gantry', 'v1', 'deployments.proto'), {});
  const DeploymentService = (loadPackageDefinition(definition) as unknown as { gantry: { v1: { DeploymentService: ServiceClientConstructor } } }).gantry.v1.DeploymentService;
  const client = new DeploymentService(`127.0.0.1:${processes.planning.grpcPort}`, credentials.createInsecure());
  const getDeployment = () => {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${changeManager}`);
    metadata.set('traceparent', traceparent(callers.grpc));
    return new Promise<{ id: string } | undefined>((resolve) => (client as unknown as Record<string, Function>).GetDeployment({ id: deploymentId }, metadata, (error: Error | null, reply: { id: string }) => resolve(error ? undefined : reply)));
  };
  await waitFor('GetDeployment to find the deployment', getDeployment);
  client.close();
  expect((await rest(processes.planning, `/deployments/${deploymentId}`, changeManager, { headers: { traceparent: traceparent(callers.rest) } })).status).toBe(200);

  await waitFor('the deployment record closed, with the model outcome', async () => {
    const response = await rest(processes.records, `/audit/deployments/${deploymentId}`, auditor);
    const body = response.status === 200 ? ((await response.json()) as { state: { phase: string; outcome?: string }; history: { type: string }[] }) : undefined;
    return body?.state.phase === 'closed' && body.history.some((h) => h.type.endsWith('.ModelOutcomeRecorded.v1')) ? body : undefined;
  });

  // the ledger: every entry about the deployment carries the ITSM suite's trace
  const ledger = (await (await rest(processes.records, '/audit/export?format=ndjson', auditor)).text())
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { deploymentId: string | null; type: string; metadata: { traceparent?: string } });
  const entries = ledger.filter((entry) => entry.deploymentId === deploymentId);
  expect(entries.length).toBeGreaterThan(10);
  expect(entries.filter((entry) => entry.metadata.traceparent?.split('-')[1] !== traceId).map((entry) => entry.type)).toEqual([]);
  // verification probed the new version inside the trace (outgoing HTTP carries it)
  expect(probes.length).toBeGreaterThanOrEqual(3);
  expect(probes.filter((p) => p?.split('-')[1] !== traceId)).toEqual([]);

  // the collector: the trace's spans, once no span in it is missing its parent (spans are exported in batches)
  const roots = new Set(Object.values(callers));
  const orphans = (spans: ReceivedSpan[]) => {
    const ids = new Set(spans.map((s) => s.spanId));
    return spans.filter((s) => !s.parentSpanId || (!ids.has(s.parentSpanId) && !roots.has(s.parentSpanId)));
  };
  const traced = () => receiver.spans().filter((s) => s.traceId === traceId);
  const spans = await waitFor(
    'every service’s spans in the trace, none without its parent',
    () => {
      const now = traced();
      const services = new Set(now.map((s) => s.service));
      return SERVICES.every((s) => services.has(`gantry-${s}`)) && orphans(now).length === 0 && now.some((s) => s.service === 'gantry-model-review' && s.kind === OTLP_SPAN_KIND.consumer) ? now : undefined;
    },
    60_000,
  ).catch((error: Error) => {
    const now = traced();
    throw new Error(`${error.message}\nservices: ${[...new Set(now.map((s) => s.service))].join(', ')}\norphans: ${JSON.stringify(orphans(now).slice(0, 10))}`);
  });
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const topicOf = (s: ReceivedSpan) => String(s.attributes['messaging.destination.name']).replace(PREFIX, '');

  // every Kafka hop: a consumer's span is the child of the send of the message it processed (or of the ITSM suite's)
  const consumed = spans.filter((s) => s.kind === OTLP_SPAN_KIND.consumer);
  const hops = new Set(
    consumed.map((s) => {
      const sent = byId.get(s.parentSpanId!);
      if (sent) {
        expect(sent).toMatchObject({ kind: OTLP_SPAN_KIND.producer, attributes: expect.objectContaining({ 'messaging.system': 'kafka', 'messaging.operation.type': 'send' }) });
        expect(topicOf(sent)).toBe(topicOf(s));
      } else {
        expect(s.parentSpanId).toBe(callers.authorise);
      }
      return `${sent?.service ?? 'itsm-suite'} → ${topicOf(s)} → ${s.service}`;
    }),
  );
  expect([...hops]).toEqual(
    expect.arrayContaining([
      'itsm-suite → itsm.changes.v1 → gantry-planning',
      'gantry-planning → gantry.planning.v1 → gantry-verification',
      'gantry-planning → gantry.planning.v1 → gantry-execution',
      'gantry-verification → gantry.verification.v1 → gantry-execution',
      'gantry-execution → gantry.execution.v1 → gantry-verification',
      'gantry-execution → gantry.execution.v1 → gantry-records',
      'gantry-records → gantry.records.v1 → gantry-model-review',
    ]),
  );
  for (const s of consumed) expect(s.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.operation.type': 'process', 'messaging.consumer.group.name': expect.any(String) });

  // the doors: gRPC and HTTP server spans continue the caller's trace
  expect(spans.find((s) => s.parentSpanId === callers.grpc)).toMatchObject({ service: 'gantry-planning', kind: OTLP_SPAN_KIND.server, attributes: expect.objectContaining({ 'rpc.system': 'grpc', 'rpc.method': 'GetDeployment' }) });
  expect(spans.find((s) => s.parentSpanId === callers.rest)).toMatchObject({ service: 'gantry-planning', kind: OTLP_SPAN_KIND.server, attributes: expect.objectContaining({ 'http.request.method': 'GET' }) });
  // PostgreSQL statements of every service, the run driver and the due timers, and the probe's outgoing fetch
  const postgres = spans.filter((s) => s.kind === OTLP_SPAN_KIND.client && (s.attributes['db.system.name'] ?? s.attributes['db.system']) === 'postgresql');
  expect(new Set(postgres.map((s) => s.service))).toEqual(new Set(SERVICES.map((s) => `gantry-${s}`)));
  expect(spans.some((s) => s.service === 'gantry-execution' && s.name === 'drive run')).toBe(true);
  expect(spans.some((s) => s.service === 'gantry-verification' && s.name.startsWith('timer '))).toBe(true);
  expect(spans.some((s) => s.service === 'gantry-verification' && s.kind === OTLP_SPAN_KIND.client && String(s.attributes['url.full']).endsWith('/health'))).toBe(true);
  const counts = Object.fromEntries(SERVICES.map((s) => [s, spans.filter((span) => span.service === `gantry-${s}`).length]));
  console.info(`one trace: ${spans.length} spans (${JSON.stringify(counts)}), ${hops.size} Kafka hops, ${entries.length} ledger entries`);
});
