import { credentials, loadPackageDefinition, Metadata, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { eventuallyWhileRunning, repoRoot, startIsolatedService, type GantryProcess } from '../support/processes';

/**
 * The contract as an external integrator meets it: this suite reads only contracts/ (asyncapi.yaml, the proto) and the
 * READMEs' words, never Gantry's code. It plays an ITSM suite (change enablement, the service desk, IT asset management)
 * over plain kafkajs, change enablement's gRPC client and an auditor over REST, against the five services as separate
 * processes on Kafka, with topics and consumer groups of its own.
 */
jest.setTimeout(120_000);

const SECRET = 'contract-secret-that-is-long-enough-for-hs256';
const SERVICES = ['planning', 'verification', 'execution', 'records', 'model-review'] as const;
const PREFIX = `contract-${process.pid}-${Date.now()}.`;
/** the ITSM suite's CloudEvents `source`: stable, since the deployment id of its ChangeAuthorized derives from it */
const SOURCE = `/contract-suite/${process.pid}`;

type Message = { name: string; payload: { schema: unknown }; headers?: { $ref: string } };
interface AsyncApi {
  asyncapi: string;
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  components: { messages: Record<string, Message> };
}

const contracts = join(repoRoot, 'contracts');
const doc = parse(readFileSync(join(contracts, 'asyncapi.yaml'), 'utf8')) as AsyncApi;
/** the whole document as one schema resource, so that its `#/components/...` references resolve */
const ajv = new Ajv2020({ strict: false, validateSchema: false, allowUnionTypes: true });
addFormats(ajv);
ajv.addSchema(doc, 'asyncapi');

const pointerOf = (ref: string) => ref.replace(/^#/, '');
/** Every topic of the document, and the message (by CloudEvents type) each carries, with its payload validator. */
const topics = Object.values(doc.channels).filter((c) => !c.address.includes('{'));
const messageKey = (channel: AsyncApi['channels'][string], name: string) => pointerOf(channel.messages[name].$ref).split('/').pop()!;
const validators = new Map<string, ValidateFunction>();
const validatorFor = (topic: string, type: string): ValidateFunction | undefined => {
  const channel = topics.find((c) => c.address === topic);
  const name = channel && Object.keys(channel.messages).find((n) => doc.components.messages[messageKey(channel, n)].name === type);
  if (!channel || !name) return undefined;
  const key = `${topic} ${type}`;
  if (!validators.has(key)) validators.set(key, ajv.compile({ $ref: `asyncapi#/components/messages/${messageKey(channel, name)}/payload/schema` }));
  return validators.get(key);
};
const headersValid = ajv.compile({ $ref: 'asyncapi#/components/schemas/KafkaHeaders/schema' });
const deadLetterHeadersValid = ajv.compile({ $ref: 'asyncapi#/components/schemas/DeadLetterHeaders/schema' });
/** what the suite reads: every topic of the document, and the dead letters of the change events it sends */
const watched = [...topics.map((c) => c.address), 'itsm.changes.v1.dlq'];

/** What a message must be before the ITSM suite sends it: valid against its message in the document. */
const checked = (topic: string, event: { type: string }) => {
  const validate = validatorFor(topic, event.type);
  if (!validate) throw new Error(`asyncapi.yaml has no message ${event.type} on ${topic}`);
  if (!validate(event as unknown)) throw new Error(`${event.type}: ${ajv.errorsText(validate.errors)}`);
  return event;
};

/** The deployment id planning gives a ChangeAuthorized, as contracts/README.md says (not as the code computes it). */
const deploymentIdOf = (source: string, change: { changeId: string; environment: string; service: string }) => {
  const h = createHash('sha256').update(`itsm:${source}\u0000${change.changeId}\u0000${change.environment}\u0000${change.service}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** An HS256 JWT (GANTRY_JWT_SECRET), as any JWT library would make it. */
const token = (sub: string, roles: string[]) => {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub, roles, iat: now, exp: now + 3600 })}`;
  return `${unsigned}.${createHmac('sha256', SECRET).update(unsigned).digest('base64url')}`;
};

interface Received {
  topic: string;
  key: string | null;
  headers: Record<string, string>;
  event: { id: string; type: string; subject?: string; source: string; data: Record<string, unknown> };
}

let database: TestDatabase;
let processes: Record<(typeof SERVICES)[number], GantryProcess>;
let kafka: Kafka;
let producer: Producer;
let consumer: Consumer;
const received: Received[] = [];
/** the deployments the suite's parties asked for */
const ours = new Set<string>();
const manager = token('dana.manager', ['deployment-manager']);
const component = { name: `contract-api-${process.pid}`, version: '1.0.0', kind: 'software', digest: `sha256:${'ab'.repeat(32)}`, size: 1024, source: 'ci.example.com/contract' };
const auditor = token('alice.auditor', ['auditor']);
const changeManager = token('change-enablement-system', ['change-manager']);

beforeAll(async () => {
  if (!process.env.KAFKA_BROKERS) throw new Error('KAFKA_BROKERS is not set: the contract suite needs the broker from the test setup');
  const brokers = process.env.KAFKA_BROKERS;
  database = await createTestDatabase('gantry_contract');
  // IT asset management registers unsigned versions here: no kind needs a signature (GANTRY_SIGNED_KINDS=none)
  const started = await Promise.all(
    SERVICES.map((service) => startIsolatedService(service, { databaseUrl: database.url, brokers, prefix: PREFIX, secret: SECRET, env: { GANTRY_SIGNED_KINDS: 'none' } })),
  );
  processes = Object.fromEntries(started.map((p) => [p.name, p])) as typeof processes;

  kafka = new Kafka({ clientId: 'itsm-suite', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: watched.map((topic) => ({ topic: `${PREFIX}${topic}` })), waitForLeaders: true });
  await admin.disconnect();
  producer = kafka.producer({ idempotent: true });
  await producer.connect();
  consumer = kafka.consumer({ groupId: `${PREFIX}itsm-suite`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: watched.map((topic) => `${PREFIX}${topic}`), fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, message }) => {
      const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]));
      received.push({ topic: topic.slice(PREFIX.length), key: message.key?.toString() ?? null, headers, event: JSON.parse(message.value!.toString()) });
    },
  });

  const staging = await fetch(`${processes.planning.url}/environments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${manager}` },
    body: JSON.stringify({
      name: 'staging',
      kind: 'staging',
      position: 4,
      attributes: { operatingSystem: 'linux' },
      targets: [{ name: 'staging-1', kind: 'host' }],
      timeZone: 'Europe/Berlin',
      deploymentWindows: [],
      freezes: [],
      approvalPolicy: { roles: [], minimumApprovers: 0 },
    }),
  });
  if (staging.status !== 201) throw new Error(`registering staging answered ${staging.status}: ${await staging.text()}`);

  // IT asset management: the version the changes deploy enters the authorised repository
  await send('itam.components.v1', component.name, inbound('itam.components.ComponentVersionRegistered.v1', component));
  await waitFor('the component version in the authorised repository', async () => (await rest(processes.verification, `/components/${component.name}/versions/${component.version}`, manager)).status === 200);
}, 110_000);

afterAll(async () => {
  await consumer?.disconnect();
  await producer?.disconnect();
  await Promise.all(Object.values(processes ?? {}).map((p) => p.stop()));
  await database?.drop();
});

const send = async (topic: string, key: string, event: { type: string }) => {
  await producer.send({ topic: `${PREFIX}${topic}`, acks: -1, messages: [{ key, value: JSON.stringify(checked(topic, event)), headers: { 'content-type': 'application/cloudevents+json' } }] });
};

const inbound = <Data extends object>(type: string, data: Data) => ({
  specversion: '1.0',
  id: randomUUID(),
  source: SOURCE,
  type,
  time: new Date().toISOString(),
  datacontenttype: 'application/json',
  data,
});

const waitFor = <T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000) =>
  eventuallyWhileRunning(Object.values(processes), probe, { timeoutMs, intervalMs: 200, what });

const rest = (process: GantryProcess, path: string, bearer: string, body?: object) =>
  fetch(`${process.url}${path}`, {
    method: body ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

/** change enablement's gRPC client, built from the proto alone */
const grpc = <T>(method: string, request: object) => {
  const definition = loadSync(join(contracts, 'proto', 'gantry', 'v1', 'deployments.proto'), {});
  const DeploymentService = (loadPackageDefinition(definition) as unknown as { gantry: { v1: { DeploymentService: ServiceClientConstructor } } }).gantry.v1.DeploymentService;
  const client = new DeploymentService(`127.0.0.1:${processes.planning.grpcPort}`, credentials.createInsecure());
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${changeManager}`);
  return new Promise<T>((resolve, reject) =>
    (client as unknown as Record<string, Function>)[method](request, metadata, (error: Error | null, reply: T) => {
      client.close();
      return error ? reject(error) : resolve(reply);
    }),
  );
};
const getDeployment = (id: string) => grpc<{ id: string; status: string; changeId: string }>('GetDeployment', { id });

describe('an integrator with nothing but contracts/ and the docs', () => {
  it('imports nothing of Gantry but @gantry/testing and the e2e process helpers', () => {
    const allowed = /^(node:|kafkajs$|yaml$|ajv|@grpc\/|@gantry\/testing$|\.\.\/support\/processes$)/;
    const imports = readdirSync(__dirname)
      .filter((file) => file.endsWith('.ts'))
      .flatMap((file) => [...readFileSync(join(__dirname, file), 'utf8').matchAll(/(?:from|import|require\()\s*'([^']+)'/g)].map((m) => `${file}: ${m[1]}`));
    expect(imports.length).toBeGreaterThan(5);
    expect(imports.filter((line) => !allowed.test(line.split(': ')[1]))).toEqual([]);
  });

  it('registers a component, authorises a change, links an incident; reads the deployment over gRPC, the feedback over Kafka and the record over REST', async () => {
    // change enablement: the change is authorised
    const change = {
      changeId: `CHG-C${process.pid}`,
      changeType: 'normal',
      adHoc: true,
      service: 'contract-payments',
      kind: 'upgrade',
      components: [{ name: component.name, version: component.version, kind: 'software', digest: component.digest }],
      environment: 'staging',
      targets: ['staging-1'],
      window: { start: new Date(Date.now() - 60_000).toISOString(), end: new Date(Date.now() + 3_600_000).toISOString() },
      acceptanceCriteria: [{ type: 'smoke-tests', description: 'checkout smoke suite passes', suite: 'checkout' }],
      authorisedBy: 'carol.cab@example.com',
    };
    await send('itsm.changes.v1', change.changeId, inbound('itsm.changes.ChangeAuthorized.v1', change));
    const deploymentId = deploymentIdOf(SOURCE, change);
    ours.add(deploymentId);

    // change enablement's gRPC client finds the deployment under the id it computed
    const planned = await waitFor('GetDeployment to find the planned deployment', () => getDeployment(deploymentId).catch(() => undefined));
    expect(planned).toMatchObject({ id: deploymentId, changeId: change.changeId });

    // the service desk links an incident to the change; the auditor sees it in the ledger before the record closes
    const incidentId = `INC-C${process.pid}`;
    await send('itsm.incidents.v1', incidentId, inbound('itsm.incidents.IncidentLinked.v1', { incidentId, changeId: change.changeId, severity: 'low', openedAt: new Date().toISOString() }));
    await waitFor('the incident in the ledger', async () => {
      const exported = await (await rest(processes.records, '/audit/export?format=ndjson', auditor)).text();
      return exported.includes(incidentId) || undefined;
    });

    // the test runner reports the smoke suite; the deployment runs to its end and records closes it
    await waitFor('the smoke-test results to be accepted', async () => (await rest(processes.verification, `/deployments/${deploymentId}/test-results`, manager, { suite: 'checkout', passed: 3, failed: 0 })).status === 202);
    const report = await waitFor('the change implementation report on gantry.feedback.change-enablement.v1', () =>
      received.find((r) => r.topic === 'gantry.feedback.change-enablement.v1' && r.event.type.endsWith('.ChangeImplementationReported.v1') && r.event.data.deploymentId === deploymentId),
    );
    // a success with an incident linked to its change closes the change successful-with-issues (contracts/README.md)
    expect(report.event.data).toMatchObject({ changeId: change.changeId, outcome: 'succeeded', closeCode: 'successful-with-issues', incidents: [incidentId] });
    expect(report.key).toBe(deploymentId);

    // the auditor: the deployment's history from all five services, and a ledger that verifies
    const history = await waitFor('the audit record of the deployment', async () => {
      const response = await rest(processes.records, `/audit/deployments/${deploymentId}`, auditor);
      const body = response.status === 200 ? ((await response.json()) as { state: { phase: string; outcome?: string }; history: { type: string; source: string }[] }) : undefined;
      return body?.state.phase === 'closed' && body.history.some((h) => h.type.endsWith('.ModelOutcomeRecorded.v1')) ? body : undefined;
    });
    expect(history.state).toMatchObject({ phase: 'closed', outcome: 'succeeded' });
    expect(new Set(history.history.map((h) => h.source))).toEqual(new Set(SERVICES.map((s) => `/gantry/${s}`)));
    expect(await (await rest(processes.records, '/audit/verify', auditor)).json()).toMatchObject({ intact: true });
  });

  it('requests a deployment over gRPC and cancels its change on itsm.changes.v1; an invalid ChangeAuthorized goes to itsm.changes.v1.dlq with the reason', async () => {
    const changeId = `CHG-G${process.pid}`;
    const tomorrow = Date.now() + 86_400_000;
    // proto-loader's default (keepCase false) takes the proto's snake_case fields in camelCase
    const requested = await grpc<{ id: string; status: string }>('RequestDeployment', {
      changeId,
      changeType: 'normal',
      changeState: 'authorised',
      adHoc: true,
      service: 'contract-grpc',
      kind: 'upgrade',
      components: [{ name: component.name, version: component.version, kind: 'software', digest: component.digest }],
      environment: 'staging',
      targets: ['staging-1'],
      window: { start: new Date(tomorrow).toISOString(), end: new Date(tomorrow + 3_600_000).toISOString() },
      acceptanceCriteria: [{ type: 'smoke-tests', description: 'checkout smoke suite passes', params: { suite: 'checkout' } }],
    });
    expect(requested.status).toBe('planned');
    ours.add(requested.id);
    // verification may already have verified it: it waits for its window either way
    expect(await getDeployment(requested.id)).toMatchObject({ id: requested.id, changeId, status: expect.stringMatching(/^(planned|verified)$/) });

    await send('itsm.changes.v1', changeId, inbound('itsm.changes.ChangeCancelled.v1', { changeId, reason: 'withdrawn by the requester', cancelledBy: 'carol.cab@example.com' }));
    await waitFor('GetDeployment to say cancelled', async () => ((await getDeployment(requested.id)).status === 'cancelled' ? true : undefined));
    await waitFor('DeploymentCancelled on gantry.planning.v1', () => received.some((r) => r.event.type === 'gantry.planning.DeploymentCancelled.v1' && r.event.subject === requested.id) || undefined);

    // the document says this is not a ChangeAuthorized (no changeType); planning agrees, and says why on the dead-letter topic
    const invalid = inbound('itsm.changes.ChangeAuthorized.v1', {
      changeId: `CHG-X${process.pid}`,
      service: 'contract-invalid',
      kind: 'upgrade',
      components: [{ name: component.name, version: component.version, kind: 'software', digest: component.digest }],
      environment: 'staging',
      window: { start: new Date(tomorrow).toISOString(), end: new Date(tomorrow + 3_600_000).toISOString() },
      acceptanceCriteria: [{ type: 'smoke-tests', description: 'checkout smoke suite passes', suite: 'checkout' }],
    });
    expect(validatorFor('itsm.changes.v1', invalid.type)!(invalid)).toBe(false);
    await producer.send({ topic: `${PREFIX}itsm.changes.v1`, acks: -1, messages: [{ key: invalid.data.changeId, value: JSON.stringify(invalid) }] });
    const dead = await waitFor('the invalid change on itsm.changes.v1.dlq', () => received.find((r) => r.topic === 'itsm.changes.v1.dlq' && r.event.id === invalid.id));
    expect(deadLetterHeadersValid(dead.headers)).toBe(true);
    expect(dead.headers['dlq-reason']).toMatch(/changeType/);
  });

  it('every record about its deployments, on any topic, validates against its message, is keyed by its subject and carries a W3C traceparent', () => {
    const about = received.filter((r) => ours.has(r.event.subject ?? '') || ours.has(String(r.event.data?.deploymentId)));
    expect(ours.size).toBe(2);
    expect(about.length).toBeGreaterThan(10);
    const invalid = about.flatMap((r) => {
      const validate = validatorFor(r.topic, r.event.type);
      if (!validate) return [`${r.topic} ${r.event.type}: no such message in asyncapi.yaml`];
      return [
        ...(validate(r.event as unknown) ? [] : [`${r.event.type}: ${ajv.errorsText(validate.errors)}`]),
        ...(headersValid(r.headers) ? [] : [`${r.event.type} headers: ${ajv.errorsText(headersValid.errors)}`]),
        ...(r.key === r.event.subject ? [] : [`${r.event.type}: key ${r.key} is not the subject ${r.event.subject}`]),
      ];
    });
    expect(invalid).toEqual([]);
    const untraced = [...new Set(about.filter((r) => !/^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/.test(r.headers.traceparent ?? '')).map((r) => r.event.type))];
    expect(untraced).toEqual([]);
  });
});
