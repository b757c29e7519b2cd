import { mintToken } from '@gantry/auth';
import { boot, CORS_REQUEST_HEADERS, type RunningProcess } from '@gantry/platform';
import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import { standalone } from './standalone';

/**
 * GANTRY_CORS_ORIGINS over real HTTP: an allowed origin's preflight is answered, its answers (refusals too) name it and
 * expose what a page reads; another origin gets no CORS header; authentication, rate limits and the body guard hold
 * for every origin; unset, nothing changes; `*` stops the process at start.
 */
const secret = 'cross-origin-secret-of-at-least-32-characters';
const consoleOrigin = 'https://console.example';
const elsewhere = 'https://elsewhere.example';
let database: TestDatabase;
let running: RunningProcess;

const env = (more: NodeJS.ProcessEnv = {}) => ({ DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', GANTRY_JWT_SECRET: secret, LOG_LEVEL: 'error', ...more });

beforeAll(async () => {
  database = await createTestDatabase('gantry_cors');
  // three requests at once per identity: the rate limit is reached within a test
  running = await boot('standalone', { ...standalone, grpc: false, env: env({ GANTRY_CORS_ORIGINS: `${consoleOrigin}, http://127.0.0.1:1`, GANTRY_RATE_LIMIT_PER_MINUTE: '60', GANTRY_RATE_LIMIT_BURST: '3' }) });
}, 60_000);

afterAll(async () => {
  await running?.stop();
  await database?.drop();
});

const token = (subject: string, role = 'deployment-manager') => mintToken(secret, { sub: subject, roles: [role] });

/** A browser's preflight: the method and headers the page's request will carry. */
const preflight = (url: string, path: string, origin: string, method = 'POST', headers = 'authorization, content-type, idempotency-key') =>
  fetch(`${url}${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers } });

const corsHeadersOf = (response: Response) => Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-')));

describe('an allowed origin', () => {
  it("gets its preflight answered 204, naming it, with the methods, the client's headers and a max-age", async () => {
    const answer = await preflight(running.url, '/deployments', consoleOrigin);
    expect(answer.status).toBe(204);
    expect(await answer.text()).toBe('');
    expect(corsHeadersOf(answer)).toEqual({
      'access-control-allow-origin': consoleOrigin,
      'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE',
      'access-control-allow-headers': CORS_REQUEST_HEADERS.join(', '),
      'access-control-max-age': '600',
    });
    expect(answer.headers.get('vary')).toMatch(/\bOrigin\b/);
    // every header @gantry/client sends
    for (const header of ['authorization', 'content-type', 'idempotency-key', 'if-match', 'x-api-key', 'traceparent']) {
      expect(answer.headers.get('access-control-allow-headers')!.split(', ')).toContain(header);
    }
  });

  it('reads the answers it is given, and the headers it needs: ETag and Location', async () => {
    const manager = await token('cora');
    const registered = await fetch(`${running.url}/environments`, {
      method: 'POST',
      headers: { origin: consoleOrigin, authorization: `Bearer ${manager}`, 'content-type': 'application/json', 'idempotency-key': 'cors-environment-1' },
      body: JSON.stringify({ name: 'cors-test', kind: 'test', position: 1, attributes: {}, targets: [{ name: 'cors-1', kind: 'host' }], timeZone: 'UTC', deploymentWindows: [], freezes: [], approvalPolicy: { roles: [], minimumApprovers: 0 } }),
    });
    expect(registered.status).toBe(201);
    expect(registered.headers.get('access-control-allow-origin')).toBe(consoleOrigin);
    expect(registered.headers.get('access-control-expose-headers')).toBe('etag, location, retry-after, content-disposition');
    expect(registered.headers.get('location')).toBe('/environments/cors-test');

    const read = await fetch(`${running.url}/environments/cors-test`, { headers: { origin: consoleOrigin, authorization: `Bearer ${manager}` } });
    expect(read.status).toBe(200);
    expect(corsHeadersOf(read)).toEqual({ 'access-control-allow-origin': consoleOrigin, 'access-control-expose-headers': 'etag, location, retry-after, content-disposition' });
    expect(read.headers.get('etag')).toBe('"1"');
    expect(read.headers.get('vary')).toMatch(/\bOrigin\b/);
  });

  it('is authenticated like any caller: no token is 401, a role without the permission 403, both readable by the page', async () => {
    const none = await fetch(`${running.url}/environments`, { headers: { origin: consoleOrigin } });
    expect(none.status).toBe(401);
    expect(none.headers.get('access-control-allow-origin')).toBe(consoleOrigin);
    const forged = await fetch(`${running.url}/environments`, { headers: { origin: consoleOrigin, authorization: `Bearer ${await mintToken('another-secret-of-at-least-32-characters!!', { sub: 'mallory', roles: ['admin'] })}` } });
    expect(forged.status).toBe(401);
    const auditor = await fetch(`${running.url}/environments`, { method: 'POST', headers: { origin: consoleOrigin, authorization: `Bearer ${await token('aude', 'auditor')}`, 'content-type': 'application/json' }, body: '{}' });
    expect(auditor.status).toBe(403);
    expect(auditor.headers.get('access-control-allow-origin')).toBe(consoleOrigin);
  });

  it('is rate-limited like any caller (preflights take nothing from the identity), and reads Retry-After', async () => {
    const limited = await token('rita.rate');
    const get = () => fetch(`${running.url}/environments`, { headers: { origin: consoleOrigin, authorization: `Bearer ${limited}` } });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await get()).status);
      // a preflight before each request, as a browser without a cached one sends
      expect((await preflight(running.url, '/environments', consoleOrigin, 'GET', 'authorization')).status).toBe(204);
    }
    expect(statuses).toEqual([200, 200, 200]);
    const refused = await get();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('access-control-allow-origin')).toBe(consoleOrigin);
    expect(refused.headers.get('access-control-expose-headers')).toContain('retry-after');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('gets 400 for a body nesting too deep, before authentication, and reads it', async () => {
    const deep = `${'['.repeat(100)}${']'.repeat(100)}`;
    const refused = await fetch(`${running.url}/environments`, { method: 'POST', headers: { origin: consoleOrigin, 'content-type': 'application/json' }, body: deep });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ message: 'request body nests deeper than 64 levels' });
    expect(refused.headers.get('access-control-allow-origin')).toBe(consoleOrigin);
  });

  it("gets no CORS header from the console's own doors (the development sign-in answers the console this process serves)", async () => {
    expect(corsHeadersOf(await preflight(running.url, '/console/development-sign-in', consoleOrigin))).toEqual({});
  });
});

describe('another origin', () => {
  it('gets no CORS header on its preflight, so its browser sends nothing', async () => {
    for (const origin of [elsewhere, 'null', 'https://console.example.evil.example', 'http://console.example', 'http://127.0.0.1:2']) {
      const answer = await preflight(running.url, '/deployments', origin);
      expect([origin, corsHeadersOf(answer)]).toEqual([origin, {}]);
      expect(answer.status).not.toBe(204);
    }
  });

  it('gets no CORS header on an answer either, so its browser keeps the answer from the page', async () => {
    // the server answers whoever asks with a credential (browsers enforce CORS, not the server); a page of another
    // origin cannot send that credential without a preflight, and cannot read the answer without the header
    const answer = await fetch(`${running.url}/environments`, { headers: { origin: elsewhere, authorization: `Bearer ${await token('eve')}` } });
    expect(answer.status).toBe(200);
    expect(corsHeadersOf(answer)).toEqual({});
  });
});

describe('the setting', () => {
  it('unset, no origin is answered: what the services did before', async () => {
    const plain = await boot('standalone', { ...standalone, grpc: false, env: env() });
    try {
      const answer = await preflight(plain.url, '/deployments', consoleOrigin);
      expect(corsHeadersOf(answer)).toEqual({});
      expect(answer.headers.get('vary') ?? '').not.toMatch(/Origin/);
      const read = await fetch(`${plain.url}/environments`, { headers: { origin: consoleOrigin, authorization: `Bearer ${await token('cora')}` } });
      expect(read.status).toBe(200);
      expect(corsHeadersOf(read)).toEqual({});
    } finally {
      await plain.stop();
    }
  });

  it('"*" stops the process at start, saying why', async () => {
    await expect(boot('standalone', { ...standalone, grpc: false, env: env({ GANTRY_CORS_ORIGINS: '*' }) })).rejects.toThrow(
      'GANTRY_CORS_ORIGINS may not hold "*": requests carry credentials (a bearer token, an API key), so name each origin whose pages may send them, e.g. https://console.example',
    );
  });
});
