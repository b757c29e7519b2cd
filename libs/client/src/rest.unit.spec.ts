import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { GantryClient, GantryError } from './index';

/** Two small HTTP servers stand in for two services: what each one was asked, and what it answers. */
interface Heard {
  server: string;
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}
let heard: Heard[] = [];
let answer: { status: number; body: unknown } = { status: 200, body: { ok: true } };
const servers: Record<string, { server: Server; url: string }> = {};

beforeAll(async () => {
  for (const name of ['planning', 'records']) {
    const server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        heard.push({ server: name, method: request.method!, url: request.url!, headers: request.headers, body });
        response.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers[name] = { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  }
});
afterAll(() => Object.values(servers).forEach(({ server }) => server.close()));
beforeEach(() => {
  heard = [];
  answer = { status: 200, body: { ok: true } };
});

const distributed = () => new GantryClient({ services: { planning: servers.planning.url, records: servers.records.url }, token: 'the-token' });

describe('GantryClient', () => {
  it('sends each operation to the service that serves it in the distributed mode', async () => {
    const gantry = distributed();
    await gantry.get('/deployments/{id}', { path: { id: 'a b/c' } });
    await gantry.get('/audit/deployments/{id}', { path: { id: 'd-1' }, query: { waitForOutcome: 5 } });
    expect(heard.map((h) => [h.server, h.url])).toEqual([
      ['planning', '/deployments/a%20b%2Fc'],
      ['records', '/audit/deployments/d-1?waitForOutcome=5'],
    ]);
    expect(heard[0].headers.authorization).toBe('Bearer the-token');
  });

  it('sends everything to the one base URL of the embedded default', async () => {
    const gantry = new GantryClient({ baseUrl: `${servers.records.url}/`, apiKey: 'k-1' });
    await gantry.get('/deployments/{id}', { path: { id: 'x' } });
    expect(heard.map((h) => [h.server, h.url, h.headers['x-api-key'], h.headers.authorization])).toEqual([['records', '/deployments/x', 'k-1', undefined]]);
  });

  it('says which service has no URL rather than sending a request astray', async () => {
    await expect(distributed().get('/runs/{deploymentId}', { path: { deploymentId: 'x' } })).rejects.toThrow('served by execution, whose URL is not configured');
    expect(heard).toEqual([]);
  });

  it('gives every POST an idempotency key: a new one unless given', async () => {
    const gantry = distributed();
    const body = { reason: 'superseded' };
    await gantry.post('/deployments/{id}/cancel', { path: { id: 'd' }, body, ifMatch: '"3"' });
    await gantry.post('/deployments/{id}/cancel', { path: { id: 'd' }, body, ifMatch: '"3"' });
    await gantry.post('/deployments/{id}/cancel', { path: { id: 'd' }, body, ifMatch: '"3"', idempotencyKey: 'mine' });
    const keys = heard.map((h) => h.headers['idempotency-key']);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).not.toBe(keys[0]);
    expect(keys[2]).toBe('mine');
    expect(heard[0]).toMatchObject({ method: 'POST', body: JSON.stringify(body), headers: { 'if-match': '"3"', 'content-type': 'application/json' } });
  });

  it('answers status, headers and the parsed body', async () => {
    answer = { status: 201, body: { deploymentId: 'd-9', status: 'planned' } };
    const { data, status } = await distributed().get('/deployments/{id}', { path: { id: 'd-9' } });
    expect([status, data]).toEqual([201, { deploymentId: 'd-9', status: 'planned' }]);
  });

  it('turns a validation refusal into a GantryError with its reasons', async () => {
    answer = { status: 400, body: { statusCode: 400, error: 'Bad Request', message: ['/changeId must match pattern'] } };
    const error = (await distributed().get('/deployments', {}).catch((e: unknown) => e)) as GantryError;
    expect(error).toBeInstanceOf(GantryError);
    expect({ status: error.status, code: error.code, message: error.message, reasons: error.reasons }).toEqual({
      status: 400,
      code: undefined,
      message: '/changeId must match pattern',
      reasons: ['/changeId must match pattern'],
    });
  });

  it('turns a rule refusal into a GantryError with its code and details', async () => {
    answer = { status: 409, body: { statusCode: 409, error: 'CONFLICT', message: 'RequesterMayNotApprove', code: 'RequesterMayNotApprove', details: { reasons: ['u-1 requested it'] } } };
    const error = (await distributed()
      .post('/deployments/{id}/cancel', { path: { id: 'd' }, body: { reason: 'x' }, ifMatch: '"1"' })
      .catch((e: unknown) => e)) as GantryError;
    expect({ status: error.status, code: error.code, reasons: error.reasons, details: error.details }).toEqual({
      status: 409,
      code: 'RequesterMayNotApprove',
      reasons: ['u-1 requested it'],
      details: { reasons: ['u-1 requested it'] },
    });
  });

  it("the REST entry imports nothing of Node's (the console runs it in a browser)", () => {
    const imports = (file: string): string[] => [...readFileSync(join(__dirname, file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]);
    const seen = new Set<string>();
    const walk = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const target of imports(file)) if (target.startsWith('.')) walk(`${join(file, '..', target).replace(/^\.\//, '')}.ts`.replace(/generated\/rest\.ts$/, 'generated/rest.d.ts'));
    };
    walk('index.ts');
    const external = [...seen].flatMap((file) => imports(file).filter((target) => !target.startsWith('.')));
    expect([...seen].sort()).toEqual(['errors.ts', 'generated/operations.ts', 'generated/rest.d.ts', 'index.ts', 'rest.ts']);
    expect(external).toEqual([]);
  });
});
