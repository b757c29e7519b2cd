import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { credentials, loadPackageDefinition, Metadata, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { mayDo, mintToken, ROLES, type Permission } from '@gantry/auth';
import { GANTRY_PROTO_PATHS, PROTO_ROOT } from '@gantry/contracts';
import { boot, doorsOf, permissionTable, type Door, type RunningProcess } from '@gantry/platform';
import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import { standalone } from './standalone';

/**
 * Every door of the five services (HTTP routes and gRPC methods, read from the code) declares what it requires, the
 * generated table in docs/permissions.md is current, and AuthGuard enforces it: each role is let through exactly
 * where the role → permission table says, and refused with 403 everywhere else; no, expired or forged tokens get 401.
 */
const secret = 'doors-walk-secret-of-at-least-32-characters';
let database: TestDatabase;
let running: RunningProcess;
let doors: Door[];

beforeAll(async () => {
  database = await createTestDatabase('gantry_doors');
  running = await boot('standalone', {
    ...standalone,
    // every door is knocked on with missing, expired and forged tokens from this one address: no limit on failures here
    env: { DATABASE_URL: database.url, PORT: '0', GRPC_PORT: '0', HOST: '127.0.0.1', GANTRY_JWT_SECRET: secret, GANTRY_AUTH_FAILURES_PER_MINUTE: '0', GANTRY_DATA_DIR: join(__dirname, '..', '..', '..', '.data', 'doors-test') },
  });
  doors = doorsOf(running.app);
}, 60_000);

afterAll(async () => {
  await running?.stop();
  await database?.drop();
});

const token = (roles: readonly string[], expiresIn: string | number = '5m') => mintToken(secret, { sub: `walker-${roles.join('+') || 'none'}`, roles, expiresIn });
const concrete = (path: string) =>
  path.replace(/:(\w+)/g, (_m, name: string) => (name === 'version' ? '1' : /id$/i.test(name) ? '5b0c2f4e-8a4a-4d3e-9a51-0d7a3f1f2b11' : 'walk-x'));
const call = (door: Door, authorization?: string) =>
  fetch(`${running.url}${concrete(door.path)}`, {
    method: door.method,
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    ...(['POST', 'PUT', 'PATCH'].includes(door.method) ? { body: '{}' } : {}),
  });

describe('the doors and their permissions', () => {
  it('every HTTP route and gRPC method declares a permission or is public, and the generated table is current', () => {
    expect(doors.filter((d) => d.transport === 'http').length).toBeGreaterThan(20);
    expect(doors.filter((d) => d.transport === 'grpc').length).toBeGreaterThanOrEqual(5);
    expect(doors.filter((d) => d.permission === undefined).map((d) => d.name)).toEqual([]);
    const documented = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'permissions.md'), 'utf8');
    // regenerate with `npm run docs:permissions`
    expect(documented).toBe(permissionTable(doors));
  });

  it('over HTTP, each role passes exactly where its permissions allow and gets 403 elsewhere', async () => {
    const tokens = Object.fromEntries(await Promise.all(ROLES.map(async (role) => [role, await token([role])] as const)));
    const wrong: string[] = [];
    for (const door of doors.filter((d) => d.transport === 'http' && d.permission !== 'public' && d.permission !== 'signed')) {
      for (const role of ROLES) {
        const status = (await call(door, `Bearer ${tokens[role]}`)).status;
        const allowed = mayDo([role], door.permission as Permission);
        if (allowed ? status === 401 || status === 403 : status !== 403) wrong.push(`${door.name} as ${role}: ${status} (${allowed ? 'allowed' : 'not allowed'})`);
        if (status >= 500) wrong.push(`${door.name} as ${role}: ${status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('over HTTP, no token, an expired token, a forged token and a token without roles are refused', async () => {
    const expired = `Bearer ${await token(['admin'], -60)}`;
    const forged = `Bearer ${await mintToken('another-secret-of-at-least-32-characters!!', { sub: 'mallory', roles: ['admin'] })}`;
    const roleless = `Bearer ${await token([])}`;
    const wrong: string[] = [];
    for (const door of doors.filter((d) => d.transport === 'http' && d.permission !== 'public' && d.permission !== 'signed')) {
      for (const [what, authorization, expected] of [
        ['no token', undefined, 401],
        ['expired', expired, 401],
        ['forged', forged, 401],
        ['no roles', roleless, 403],
      ] as const) {
        const status = (await call(door, authorization)).status;
        if (status !== expected) wrong.push(`${door.name} ${what}: ${status}, expected ${expected}`);
      }
    }
    expect(wrong).toEqual([]);
    for (const door of doors.filter((d) => d.permission === 'public')) expect((await call(door)).status).toBe(200);
    // a signed door without a signature: 401, whatever the token
    for (const door of doors.filter((d) => d.permission === 'signed')) expect((await call(door)).status).toBe(401);
  });

  it('over gRPC, each role passes exactly where its permissions allow; no token and forged tokens are UNAUTHENTICATED', async () => {
    const definition = loadSync([...GANTRY_PROTO_PATHS], { includeDirs: [PROTO_ROOT] });
    const v1 = (loadPackageDefinition(definition) as unknown as { gantry: { v1: Record<string, ServiceClientConstructor> } }).gantry.v1;
    const invoke = (door: Door, authorization?: string) => {
      const [service, method] = door.path.replace('gantry.v1.', '').split('/');
      const client = new v1[service](`127.0.0.1:${running.grpcPort}`, credentials.createInsecure());
      const metadata = new Metadata();
      if (authorization) metadata.set('authorization', authorization);
      const fn = (client as unknown as Record<string, Function>)[method] ?? (client as unknown as Record<string, Function>)[method[0].toLowerCase() + method.slice(1)];
      return new Promise<number>((resolve) => {
        const done = (error: { code?: number } | null) => {
          client.close();
          resolve(error?.code ?? 0);
        };
        const request = fn.call(client, {}, metadata, (error: { code?: number } | null) => done(error));
        // a server stream answers through events, not a callback
        if (request && typeof request.on === 'function' && fn.length < 3) {
          request.on('error', (error: { code?: number }) => done(error));
          request.on('end', () => done(null));
          request.on('data', () => undefined);
        }
      });
    };
    const wrong: string[] = [];
    const PERMISSION_DENIED = 7;
    const UNAUTHENTICATED = 16;
    for (const door of doors.filter((d) => d.transport === 'grpc')) {
      for (const role of ROLES) {
        const code = await invoke(door, `Bearer ${await token([role])}`);
        const allowed = mayDo([role], door.permission as Permission);
        if (allowed ? code === PERMISSION_DENIED || code === UNAUTHENTICATED : code !== PERMISSION_DENIED) wrong.push(`${door.name} as ${role}: code ${code}`);
      }
      if ((await invoke(door)) !== UNAUTHENTICATED) wrong.push(`${door.name} without a token is not UNAUTHENTICATED`);
      const forged = await mintToken('another-secret-of-at-least-32-characters!!', { sub: 'mallory', roles: ['admin'] });
      if ((await invoke(door, `Bearer ${forged}`)) !== UNAUTHENTICATED) wrong.push(`${door.name} with a forged token is not UNAUTHENTICATED`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('answers and their limits', () => {
  it('every answer carries the security headers and no x-powered-by', async () => {
    const response = await fetch(`${running.url}/environments`, { headers: { authorization: `Bearer ${await token(['auditor'])}` } });
    expect(response.status).toBe(200);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'cache-control': 'no-store',
    });
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('an identity past its rate limit gets 429 with Retry-After; another identity is not affected', async () => {
    const limited = await boot('standalone', {
      ...standalone,
      grpc: false,
      env: { DATABASE_URL: database.url, PORT: '0', HOST: '127.0.0.1', GANTRY_JWT_SECRET: secret, GANTRY_RATE_LIMIT_PER_MINUTE: '60', GANTRY_RATE_LIMIT_BURST: '5' },
    });
    try {
      const get = async (roles: string[]) =>
        fetch(`${limited.url}/environments`, { headers: { authorization: `Bearer ${await token(roles)}` } });
      const statuses = [];
      for (let i = 0; i < 7; i++) statuses.push((await get(['auditor'])).status);
      expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
      const refused = await get(['auditor']);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await refused.json()).toMatchObject({ statusCode: 429, message: expect.stringMatching(/rate limit/) });
      expect((await get(['service-owner'])).status).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});
