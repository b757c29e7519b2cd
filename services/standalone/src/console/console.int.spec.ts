import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { boot, type RunningProcess } from '@gantry/platform';
import { standalone } from '../standalone';

/**
 * The console at `/`, beside the API, `/docs` and `/health`; the development sign-in only while the embedded default
 * runs on its development secret, never when GANTRY_JWT_SECRET is set.
 */
const dataDirs: string[] = [];
const running: RunningProcess[] = [];

async function start(env: NodeJS.ProcessEnv): Promise<RunningProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'gantry-console-'));
  dataDirs.push(dataDir);
  const process = await boot('standalone', { ...standalone, grpc: false, env: { PORT: '0', HOST: '127.0.0.1', GANTRY_DATA_DIR: dataDir, ...env } });
  running.push(process);
  return process;
}

afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

describe('on the development secret (nothing configured)', () => {
  let url: string;
  beforeAll(async () => void ({ url } = await start({})), 120_000);

  it('serves the console at / with a policy that allows its own files only, and keeps /docs, /health and the API', async () => {
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    const html = await page.text();
    expect(html).toContain('<title>Gantry console</title>');
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)![1];
    const asset = await fetch(`${url}/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${url}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${url}/docs/openapi.json`)).status).toBe(200);
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    expect((await fetch(`${url}/deployments`)).status).toBe(401);
    // no identity provider configured: the console calls its own origin and offers no provider
    expect((await fetch(`${url}/console-config.json`)).status).toBe(404);
  });

  it('signs in a role for development: a token the API accepts, for the name given', async () => {
    expect(await (await fetch(`${url}/console/development-sign-in`)).json()).toEqual({ roles: expect.arrayContaining(['deployment-manager', 'auditor']) });
    const answer = await fetch(`${url}/console/development-sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'auditor', subject: 'carol' }) });
    const { token } = (await answer.json()) as { token: string };
    const [, payload] = token.split('.');
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toMatchObject({ sub: 'carol', roles: ['auditor'] });
    expect((await fetch(`${url}/deployments`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  it('refuses an unknown role or a name that is not one', async () => {
    for (const body of [{ role: 'root', subject: 'carol' }, { role: 'auditor', subject: '' }, { role: 'auditor', subject: 'a b' }]) {
      const answer = await fetch(`${url}/console/development-sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(answer.status).toBe(400);
    }
  });
});

describe('with GANTRY_JWT_SECRET and an identity provider for the console set', () => {
  let url: string;
  beforeAll(
    async () =>
      void ({ url } = await start({
        GANTRY_JWT_SECRET: 'a-configured-secret-of-at-least-32-characters',
        GANTRY_CONSOLE_OIDC_ISSUER: 'https://sso.example.com/realms/acme',
        GANTRY_CONSOLE_OIDC_CLIENT_ID: 'gantry-console',
        GANTRY_CONSOLE_OIDC_AUDIENCE: 'https://gantry.example.com',
      })),
    120_000,
  );

  it('has no development sign-in, and still serves the console', async () => {
    expect((await fetch(`${url}/console/development-sign-in`)).status).toBe(404);
    const answer = await fetch(`${url}/console/development-sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role: 'admin', subject: 'mallory' }) });
    expect(answer.status).toBe(404);
    expect((await fetch(`${url}/`)).status).toBe(200);
  });

  it("names the provider in console-config.json, and lets the console's page fetch from the provider's origin only", async () => {
    const config = await fetch(`${url}/console-config.json`);
    expect(config.status).toBe(200);
    expect(await config.json()).toEqual({ oidc: { issuer: 'https://sso.example.com/realms/acme', clientId: 'gantry-console', audience: 'https://gantry.example.com' } });
    expect((await fetch(`${url}/`)).headers.get('content-security-policy')).toBe(
      "default-src 'self'; connect-src 'self' https://sso.example.com; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
  });
});
