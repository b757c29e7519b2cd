import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Parser } from '@asyncapi/parser';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { asyncApiDocument, channelId, inboundMessageId, SCHEMA_FORMAT, SUBSCRIPTIONS } from './asyncapi';
import { asyncApiYaml, readmeWithKafkaContract } from './asyncapi-yaml';
import { cloudEventEnvelopeSchema, inboundCloudEventSchema } from './cloud-event';
import { changeDeploymentId } from './deployment-id';
import { EVENT_NAMES, EVENTS } from './events';
import { INBOUND_EVENT_NAMES, INBOUND_EVENTS } from './inbound-events';
import { FEEDBACK_TOPICS, INBOUND_TOPICS, SERVICE_TOPICS, SERVICES, TOPICS } from './topics';
import { createAjv } from './validation';

type Doc = {
  asyncapi: string;
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  operations: Record<string, { action: string; channel: { $ref: string }; messages: { $ref: string }[] }>;
  components: {
    schemas: Record<string, { schemaFormat: string; schema: Record<string, unknown> }>;
    messages: Record<
      string,
      { name: string; payload: { schemaFormat: string; schema: { allOf: Record<string, unknown>[] } }; examples?: { name: string; headers?: unknown; payload: unknown }[] }
    >;
  };
};

const committedText = readFileSync(join(__dirname, '..', 'asyncapi.yaml'), 'utf8');
const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const doc = parse(committedText) as Doc;

/** Follows a local `#/a/b/c` reference inside the document. */
const resolve = (pointer: string): unknown =>
  pointer
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], doc);

describe('contracts/asyncapi.yaml', () => {
  it('is up to date with the TypeScript contract (regenerate with contracts/scripts/generate-asyncapi.ts)', () => {
    expect(committedText).toBe(asyncApiYaml());
    expect(doc).toEqual(asyncApiDocument());
  });

  it('is an AsyncAPI 3.0.0 document, valid for @asyncapi/parser (no errors, no warnings)', async () => {
    expect(doc.asyncapi).toBe('3.0.0');
    const diagnostics = await new Parser().validate(committedText);
    // severity 0 error, 1 warning; 2 and 3 are hints (e.g. that 3.1.0 exists)
    expect(diagnostics.filter((d) => d.severity < 2).map((d) => `${d.code}: ${d.message} at ${d.path.join('/')}`)).toEqual([]);
  }, 60_000);

  it('has the Kafka contract section of contracts/README.md up to date (the same prose as the document)', () => {
    expect(readme).toBe(readmeWithKafkaContract(readme));
  });

  it.each(INBOUND_EVENT_NAMES)('describes %s, which Gantry accepts, as a CloudEvent whose data is the exported schema', (name) => {
    const message = doc.components.messages[inboundMessageId(name)];
    expect(message.name).toBe(INBOUND_EVENTS[name].type);
    const [envelope, narrowed] = message.payload.schema.allOf as [{ $ref: string }, { properties: Record<string, unknown> }];
    expect(resolve(envelope.$ref)).toEqual(inboundCloudEventSchema);
    expect(narrowed.properties.type).toEqual({ const: INBOUND_EVENTS[name].type });
    expect(resolve((narrowed.properties.data as { $ref: string }).$ref)).toEqual(INBOUND_EVENTS[name].schema);
    const channel = doc.channels[channelId(INBOUND_EVENTS[name].topic)];
    expect(resolve(channel.messages[name].$ref)).toBe(message);
  });

  it('has every message example validate against its message\'s payload and headers schemas', () => {
    // the whole document as one schema resource, so that the messages' `#/components/...` references resolve
    const ajv = new Ajv2020({ strict: false, validateSchema: false, allowUnionTypes: true });
    addFormats(ajv);
    ajv.addSchema(doc, 'asyncapi');
    const names = Object.keys(doc.components.messages).filter((name) => name !== 'DeadLetter');
    expect(names).toHaveLength(EVENT_NAMES.length + INBOUND_EVENT_NAMES.length);
    const problems = names.flatMap((name) => {
      const examples = doc.components.messages[name].examples ?? [];
      if (examples.length === 0) return [`${name}: no example`];
      const payload = ajv.compile({ $ref: `asyncapi#/components/messages/${name}/payload/schema` });
      const headers = ajv.compile({ $ref: 'asyncapi#/components/schemas/KafkaHeaders/schema' });
      return examples.flatMap((example) => [
        ...(payload(example.payload) ? [] : [`${name} payload: ${ajv.errorsText(payload.errors)}`]),
        ...(headers(example.headers ?? {}) ? [] : [`${name} headers: ${ajv.errorsText(headers.errors)}`]),
      ]);
    });
    expect(problems).toEqual([]);
  });

  it('has the outside parties send on the inbound topics and receive their feedback', () => {
    expect(doc.operations).toMatchObject({
      [`change-enablement-send-${channelId(INBOUND_TOPICS.itsmChanges)}`]: { action: 'send' },
      [`service-desk-send-${channelId(INBOUND_TOPICS.itsmIncidents)}`]: { action: 'send' },
      [`it-asset-management-send-${channelId(INBOUND_TOPICS.itamComponents)}`]: { action: 'send' },
      [`change-enablement-receive-${channelId(FEEDBACK_TOPICS.changeEnablement)}`]: { action: 'receive' },
      [`release-management-receive-${channelId(FEEDBACK_TOPICS.releaseManagement)}`]: { action: 'receive' },
    });
    for (const topic of TOPICS) expect([topic, Object.keys(doc.channels[channelId(topic)].messages).length]).toEqual([topic, expect.any(Number)]);
    for (const topic of Object.values(INBOUND_TOPICS)) expect(Object.keys(doc.channels[channelId(topic)].messages).length).toBeGreaterThan(0);
  });

  it('points at the distributed and embedded brokers, never a test broker', () => {
    const servers = (asyncApiDocument() as { servers: Record<string, { host: string }> }).servers;
    expect(Object.fromEntries(Object.entries(servers).map(([name, server]) => [name, server.host]))).toEqual({
      distributed: '127.0.0.1:9092',
      'docker-compose': 'localhost:59092',
      embedded: '{brokers}',
    });
  });

  it('gives the deployment id of a ChangeAuthorized as planning derives it', () => {
    const id = changeDeploymentId('/servicenow/prod', { changeId: 'CHG0031337', environment: 'staging', service: 'payments' });
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(readme).toContain(id);
  });

  it('has a channel for every topic, and one for dead letters', () => {
    const addresses = Object.values(doc.channels).map((c) => c.address);
    for (const topic of TOPICS) expect(addresses).toContain(topic);
    expect(addresses).toContain('{topic}.dlq');
  });

  it.each(EVENT_NAMES)('describes %s as a CloudEvent whose data is the exported schema', (name) => {
    const message = doc.components.messages[name];
    expect(message.name).toBe(EVENTS[name].type);
    expect(message.payload.schemaFormat).toBe(SCHEMA_FORMAT);
    const [envelope, narrowed] = message.payload.schema.allOf as [{ $ref: string }, { properties: Record<string, unknown> }];
    expect(resolve(envelope.$ref)).toEqual(cloudEventEnvelopeSchema);
    expect(narrowed.properties.type).toEqual({ const: EVENTS[name].type });
    expect(resolve((narrowed.properties.data as { $ref: string }).$ref)).toEqual(EVENTS[name].schema);

    const channel = doc.channels[channelId(EVENTS[name].topic)];
    expect(channel.address).toBe(EVENTS[name].topic);
    expect(resolve(channel.messages[name].$ref)).toBe(message);
  });

  it('has every reference resolve', () => {
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === '$ref') refs.push(String(value));
          else walk(value);
        }
      }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(50);
    for (const ref of refs) expect([ref, resolve(ref)]).toEqual([ref, expect.anything()]);
  });

  it('has each service send on its own topic and receive what it subscribes to', () => {
    const operations = Object.values(doc.operations);
    for (const service of SERVICES) {
      const own = `#/channels/${channelId(SERVICE_TOPICS[service])}`;
      expect(operations.filter((o) => o.action === 'send' && o.channel.$ref === own)).toHaveLength(1);
      for (const topic of SUBSCRIPTIONS[service]) {
        expect(doc.operations[`${service}-receive-${channelId(topic)}`]).toMatchObject({
          action: 'receive',
          channel: { $ref: `#/channels/${channelId(topic)}` },
        });
      }
    }
    for (const operation of operations) {
      for (const message of operation.messages) expect(message.$ref.startsWith(`${operation.channel.$ref}/messages/`)).toBe(true);
    }
  });

  it('carries schemas that compile with ajv (draft 2020-12)', () => {
    const ajv = createAjv();
    for (const [name, { schemaFormat, schema }] of Object.entries(doc.components.schemas)) {
      expect([name, schemaFormat]).toEqual([name, SCHEMA_FORMAT]);
      expect(() => ajv.compile(schema)).not.toThrow();
    }
  });
});
