import { mintToken } from '@gantry/auth';
import { boot, verifyWebhookSignature, WEBHOOK_SIGNATURE_HEADER, type RunningProcess } from '@gantry/platform';
import { call, createTestDatabase, eventually, type TestDatabase } from '@gantry/testing';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { standalone } from './standalone';

/**
 * Webhook subscriptions in the one-process installation (in-process bus), configured as an operator would
 * (GANTRY_WEBHOOK_ALLOWED_HOSTS): a system with an API key subscribes as itself and gets the events it asked for.
 */
const secret = 'subscriptions-secret-of-at-least-32-characters';
let database: TestDatabase;
let running: RunningProcess;
let receiver: Server;
let admin: string;
const received: { headers: IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => (received.push({ headers: request.headers, body }), response.writeHead(200).end()));
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.address() as AddressInfo;
  database = await createTestDatabase('gantry_subscriptions_standalone');
  running = await boot('standalone', {
    ...standalone,
    grpc: false,
    env: { DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', GANTRY_JWT_SECRET: secret, GANTRY_WEBHOOK_ALLOWED_HOSTS: `127.0.0.1:${port}` },
  });
  admin = await mintToken(secret, { sub: 'root@ops', roles: ['admin'] });
}, 60_000);

afterAll(async () => {
  await running?.stop();
  await database?.drop();
  receiver?.closeAllConnections();
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
});

it('a system subscribes with its API key, as its own owner, and gets each event it asked for, signed', async () => {
  const issued = await call(running.url, admin, 'POST', '/api-keys', { name: 'servicenow-prod', roles: ['change-manager'] });
  const key = issued.body!.key as string;
  const asSystem = (method: string, path: string, body?: unknown) => call(running.url, undefined, method, path, body, { 'x-api-key': key });
  const { port } = receiver.address() as AddressInfo;
  // records knows the key once it has read its ApiKeyIssued back (a moment after the 201)
  await eventually(async () => (await asSystem('GET', '/subscriptions')).status === 200, { timeoutMs: 30_000, what: 'the key known' });
  const created = await asSystem('POST', '/subscriptions', { url: `http://127.0.0.1:${port}/gantry`, events: ['ApiKeyRevoked'] });
  expect(created).toMatchObject({ status: 201, body: { owner: 'servicenow-prod', status: 'active' } });
  expect((await call(running.url, admin, 'POST', '/subscriptions', { url: 'https://elsewhere.example.com/hook', events: ['ApiKeyRevoked'] })).body).toMatchObject({ code: 'HostNotAllowed' });

  const other = await call(running.url, admin, 'POST', '/api-keys', { name: 'pipeline', roles: ['auditor'] });
  await call(running.url, admin, 'POST', `/api-keys/${other.body!.keyId}/revoke`, { reason: 'rotated' });
  await eventually(() => received.length > 0, { timeoutMs: 30_000, what: 'the revocation at the subscriber' });
  const [delivery] = received;
  expect(JSON.parse(delivery.body)).toMatchObject({ type: 'gantry.records.ApiKeyRevoked.v1', data: { keyId: other.body!.keyId, reason: 'rotated' } });
  expect(verifyWebhookSignature(created.body!.secret, delivery.headers[WEBHOOK_SIGNATURE_HEADER.toLowerCase()] as string, delivery.body, new Date())).toBe(true);
  expect((await asSystem('GET', '/subscriptions')).body!.subscriptions).toHaveLength(1);
  expect((await call(running.url, admin, 'GET', '/subscriptions')).body!.subscriptions).toHaveLength(1);
}, 60_000);
