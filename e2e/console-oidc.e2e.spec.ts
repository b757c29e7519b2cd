import { mintToken } from '@gantry/auth';
import { GantryClient } from '@gantry/client';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, seriousAccessibilityViolations } from './support/browser';
import { deploymentRequest, stagingEnvironment } from './support/deployments';
import { startIdentityProvider, type IdentityProvider } from './support/identity-provider';
import { childEnv, repoRoot, startGantryProcess, type GantryProcess } from './support/processes';

/**
 * The console's sign-in with the installation's identity provider (OpenID Connect, authorization code with PKCE), in
 * Debian's Chromium, against a real OpenID provider (panva's oidc-provider, e2e/support/identity-provider.ts) and the
 * embedded default checking the provider's access tokens against its key set (GANTRY_JWKS_URL, ISSUER, AUDIENCE).
 */
const AUDIENCE = 'https://gantry.e2e.example';
const SECRET = 'console-oidc-e2e-secret-of-at-least-32-characters';
const CLIENT_ID = 'gantry-console';
const PROVIDER = 'Acme SSO';

let provider: IdentityProvider;
let gantry: GantryProcess;
let dataDir: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let service: string;

beforeAll(async () => {
  provider = await startIdentityProvider({
    audience: AUDIENCE,
    accounts: {
      dora: { roles: ['deployment-manager'] },
      // a role mapper that is not multi-valued puts a string where Gantry reads an array
      mallory: { roles: 'deployment-manager' },
      nobody: { roles: [] },
      erin: { roles: ['auditor'], accessTokenSeconds: 4 },
    },
  });
  dataDir = mkdtempSync(join(tmpdir(), 'gantry-console-oidc-'));
  const env = {
    GANTRY_DATA_DIR: dataDir,
    GANTRY_JWT_SECRET: SECRET,
    GANTRY_JWKS_URL: provider.jwksUrl,
    GANTRY_JWT_ISSUER: provider.issuer,
    GANTRY_JWT_AUDIENCE: AUDIENCE,
    GANTRY_CONSOLE_OIDC_ISSUER: provider.issuer,
    GANTRY_CONSOLE_OIDC_CLIENT_ID: CLIENT_ID,
    GANTRY_CONSOLE_OIDC_AUDIENCE: AUDIENCE,
    GANTRY_CONSOLE_OIDC_NAME: PROVIDER,
  };
  [gantry, browser] = await Promise.all([startGantryProcess('standalone', 'services/standalone/src/main.ts', childEnv(env), { timeoutMs: 120_000 }), launchChromium()]);
  provider.admit({ clientId: CLIENT_ID, redirectUri: `${gantry.url}/` });
  // a deployment to list, requested by a system with the installation's own secret
  const setup = new GantryClient({ baseUrl: gantry.url, token: await mintToken(SECRET, { sub: 'setup', roles: ['admin'], issuer: provider.issuer, audience: AUDIENCE }) });
  await setup.post('/environments', { body: stagingEnvironment });
  const request = deploymentRequest();
  service = (request as { service: string }).service;
  await setup.post('/deployments', { body: request });
}, 150_000);

beforeEach(async () => {
  // a browser of its own for each person: no provider session, no console session
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
});

afterEach(() => context?.close());

afterAll(async () => {
  await browser?.close();
  await gantry?.stop();
  await provider?.close().catch(() => undefined);
  rmSync(dataDir, { recursive: true, force: true });
});

const signInButton = () => page.getByRole('button', { name: `Sign in with ${PROVIDER}` });

/** At the provider's login page (its development interactions: any password), then its consent page. */
async function logInAtProvider(login: string): Promise<void> {
  await signInButton().click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
}

const alert = () => page.getByRole('alert');

it('offers the provider on the sign-in page, which axe-core finds no serious problem with', async () => {
  await page.goto(`${gantry.url}/`);
  await signInButton().waitFor();
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  mkdirSync(join(repoRoot, 'docs', 'console'), { recursive: true });
  await page.screenshot({ path: join(repoRoot, 'docs', 'console', 'sign-in-oidc.png'), fullPage: true });
});

it('a deployment manager signs in at the provider, comes back where she was as her role, lists deployments, and signs out', async () => {
  await page.goto(`${gantry.url}/#/kpis`);
  await logInAtProvider('dora');
  await page.getByText('Signed in as dora (deployment-manager)').waitFor();
  // the provider's answer is gone from the address bar; the place she started from is back
  expect(page.url()).toBe(`${gantry.url}/#/kpis`);
  await page.getByRole('link', { name: 'Deployments' }).click();
  await page.getByRole('link', { name: service }).waitFor();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await signInButton().waitFor();
  expect(await page.evaluate(() => JSON.stringify(sessionStorage))).toBe('{}');
  await page.reload();
  await signInButton().waitFor();
  expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
});

it("refuses an answer whose state is not the one it sent, and stays signed out", async () => {
  await page.goto(`${gantry.url}/`);
  // the request to the provider is changed on its way: its answer comes back with a state this console never sent
  await page.route(
    (url) => url.origin === provider.issuer && url.pathname === '/auth' && url.searchParams.has('state'),
    (route) => {
      const forged = new URL(route.request().url());
      forged.searchParams.set('state', 'forged-state');
      return route.continue({ url: forged.toString() });
    },
  );
  await logInAtProvider('dora');
  await alert().getByText('does not belong to a sign-in this console started').waitFor();
  expect(page.url()).toBe(`${gantry.url}/`);
  expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
});

it('says so when the person cancels at the provider (access_denied)', async () => {
  await page.goto(`${gantry.url}/`);
  await signInButton().click();
  await page.getByRole('link', { name: 'Cancel' }).click();
  await alert().getByText(`${PROVIDER} did not sign you in (access denied: End-User aborted interaction).`).waitFor();
  expect(page.url()).toBe(`${gantry.url}/`);
});

it("signs out with the services' reason when they refuse the provider's token (401), and shows a 403 when its roles allow nothing", async () => {
  await page.goto(`${gantry.url}/`);
  await logInAtProvider('mallory');
  await alert().getByText('Gantry refused your sign-in (401: token claim roles must be an array of strings).').waitFor();
  await signInButton().waitFor();

  await context.clearCookies();
  await logInAtProvider('nobody');
  await page.getByText("Signed in as nobody (no role of Gantry's in the token's roles claim)").waitFor();
  await alert().getByText('403: permission deployments:read required; roles [] do not grant it').waitFor();
});

it('asks for a sign-in again when the access token expires', async () => {
  await page.goto(`${gantry.url}/`);
  await logInAtProvider('erin');
  await page.getByText('Signed in as erin (auditor)').waitFor();
  // erin's tokens live 4 seconds
  await alert().getByText('Your sign-in has expired: sign in again.').waitFor({ timeout: 15_000 });
  await signInButton().waitFor();
});

it('says so when the provider cannot be reached', async () => {
  await provider.close();
  await page.goto(`${gantry.url}/`);
  await signInButton().click();
  await alert().getByText(`${PROVIDER} could not be reached`).waitFor();
});
