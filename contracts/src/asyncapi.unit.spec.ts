import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { asyncApiDocument, channelId, SCHEMA_FORMAT, SUBSCRIPTIONS } from './asyncapi';
import { asyncApiYaml } from './asyncapi-yaml';
import { cloudEventEnvelopeSchema } from './cloud-event';
import { EVENT_NAMES, EVENTS } from './events';
import { SERVICE_TOPICS, SERVICES, TOPICS } from './topics';
import { createAjv } from './validation';

type Doc = {
  asyncapi: string;
  channels: Record<string, { address: string; messages: Record<string, { $ref: string }> }>;
  operations: Record<string, { action: string; channel: { $ref: string }; messages: { $ref: string }[] }>;
  components: {
    schemas: Record<string, { schemaFormat: string; schema: Record<string, unknown> }>;
    messages: Record<string, { name: string; payload: { schemaFormat: string; schema: { allOf: Record<string, unknown>[] } } }>;
  };
};

const committedText = readFileSync(join(__dirname, '..', 'asyncapi.yaml'), 'utf8');
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

  it('is an AsyncAPI 3.0.0 document', () => {
    expect(doc.asyncapi).toBe('3.0.0');
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
