import { randomUUID } from 'node:crypto';
import { mintToken } from '@gantry/auth';
import { GantryClient } from '@gantry/client';
import { createTestDatabase, type TestDatabase } from '@gantry/testing';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, serveConsoleBundle, type StaticSite } from './support/browser';
import { deploymentRequest, stagingEnvironment } from './support/deployments';
import { startIsolatedService, type GantryProcess } from './support/processes';

/**
 * The console as a static bundle on an origin of its own, calling a service of the distributed mode in a real
 * Chromium: planning, as its own process, names one site's origin in GANTRY_CORS_ORIGINS. From that site the console
 * signs in with a bearer token and shows planning's deployments, and a page's own requests read ETag and Location;
 * from another site, the same console with the same token is stopped by the browser at the preflight.
 */
const secret = 'cross-origin-e2e-secret-of-at-least-32-characters';
const prefix = `cors-${randomUUID().slice(0, 8)}-`;
let database: TestDatabase;
let planning: GantryProcess;
let allowed: StaticSite;
let refused: StaticSite;
let browser: Browser;
let token: string;
let service: string;

/** Where the console finds the API: planning's own URL (the views below call planning only). */
const apiLocation = () => ({ services: { planning: planning.url } });

beforeAll(async () => {
  if (!process.env.KAFKA_BROKERS) throw new Error('KAFKA_BROKERS is not set: the end-to-end suite needs the broker from the test setup');
  [allowed, refused, database, browser] = await Promise.all([serveConsoleBundle(apiLocation), serveConsoleBundle(apiLocation), createTestDatabase('gantry_cors_e2e'), launchChromium()]);
  planning = await startIsolatedService('planning', { databaseUrl: database.url, brokers: process.env.KAFKA_BROKERS, prefix, secret, env: { GANTRY_CORS_ORIGINS: allowed.origin } });
  token = await mintToken(secret, { sub: 'cora.manager', roles: ['deployment-manager'] });
  const api = new GantryClient({ baseUrl: planning.url, token });
  await api.post('/environments', { body: stagingEnvironment });
  const request = deploymentRequest();
  service = (request as { service: string }).service;
  expect((await api.post('/deployments', { body: request })).data).toMatchObject({ status: 'planned' });
}, 150_000);

afterAll(async () => {
  await browser?.close();
  await planning?.stop();
  await Promise.all([allowed?.close(), refused?.close()]);
  await database?.drop();
});

/** A fresh page (its own storage) of a site, signed in by pasting the token; the browser's console kept. */
async function signedIn(site: StaticSite): Promise<{ page: Page; messages: string[] }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const messages: string[] = [];
  page.on('console', (message) => messages.push(message.text()));
  await page.goto(`${site.origin}/`);
  await page.getByRole('heading', { name: 'Sign in to Gantry' }).waitFor();
  await page.getByRole('textbox', { name: 'Token' }).fill(token);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByText('Signed in as cora.manager').waitFor();
  return { page, messages };
}

it("from the allowed origin, the console shows planning's deployments, and a page reads ETag and Location", async () => {
  const { page, messages } = await signedIn(allowed);
  try {
    await page.getByRole('link', { name: service }).waitFor({ timeout: 15_000 });
    await page.getByRole('option', { name: 'staging' }).waitFor({ state: 'attached' });
    expect(await page.getByRole('alert').count()).toBe(0);

    // a write and a read as a page makes them: a preflight for the credential and the JSON body, then the answer's headers
    const seen = await page.evaluate(
      async ({ url, bearer, name }) => {
        const headers = { authorization: `Bearer ${bearer}`, 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() };
        const body = JSON.stringify({ name, kind: 'test', position: 1, attributes: {}, targets: [{ name: `${name}-1`, kind: 'host' }], timeZone: 'UTC', deploymentWindows: [], freezes: [], approvalPolicy: { roles: [], minimumApprovers: 0 } });
        const created = await fetch(`${url}/environments`, { method: 'POST', headers, body });
        const read = await fetch(`${url}/environments/${name}`, { headers: { authorization: `Bearer ${bearer}` } });
        return { created: created.status, location: created.headers.get('location'), read: read.status, etag: read.headers.get('etag') };
      },
      { url: planning.url, bearer: token, name: 'from-the-browser' },
    );
    expect(seen).toEqual({ created: 201, location: '/environments/from-the-browser', read: 200, etag: '"1"' });
    expect(messages.filter((m) => /CORS/.test(m))).toEqual([]);
  } finally {
    await page.context().close();
  }
}, 60_000);

it('from another origin, the same console with the same token is stopped by the browser', async () => {
  const { page, messages } = await signedIn(refused);
  try {
    await page.getByRole('alert').getByText('Failed to fetch').waitFor({ timeout: 15_000 });
    expect(await page.getByRole('link', { name: service }).count()).toBe(0);
    // Chromium says why: the preflight's answer names no origin
    expect(messages.some((m) => m.includes(`from origin '${refused.origin}' has been blocked by CORS policy`))).toBe(true);
  } finally {
    await page.context().close();
  }
}, 60_000);
