import { GantryClient } from '@gantry/client';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { freePort } from '@gantry/testing';
import { authoriseComponents, reportPassingSmokeTests } from './support/authorised-components';
import { developmentToken, launchChromium, seriousAccessibilityViolations, signInAs } from './support/browser';
import { deploymentRequest, stagingEnvironment } from './support/deployments';
import { childEnv, eventuallyWhileRunning, repoRoot, startGantryProcess, type GantryProcess } from './support/processes';

/**
 * The console for compliance staff and model owners, in a real Chromium against the embedded default as `npm start`
 * runs it: a deployment's evidence taken away and verified offline by `gantry` (and refused once a byte changed), its
 * record rebuilt from the ledger beside the live one, an environment as of two times, audit findings, deployment
 * models with their versions and a review's initiatives, and the ledger's export with its progress. axe-core on every
 * view it adds; screenshots of them in docs/console/.
 */
let gantry: GantryProcess;
let dataDir: string;
let browser: Browser;
let page: Page;
let auditor: GantryClient;
let manager: GantryClient;
const screenshots = join(repoRoot, 'docs', 'console');
const violations: Record<string, string[]> = {};

/** Two deployments of one service to staging, one after the other: payments-api 2.4.1, then 2.5.0. */
const SERVICE = 'payments-as-of';
const DIGEST = `sha256:${'ab'.repeat(32)}`;
let first: ClosedDeployment;
let second: ClosedDeployment;

interface ClosedDeployment {
  id: string;
  requestedAt: string;
  /** a time by which the ledger held its close (as of a time is what the ledger held then) */
  closedBy: string;
}

/** Records the view's accessibility problems, and saves its screenshot when it is one of the README's. */
async function look(view: string, screenshot?: string): Promise<void> {
  violations[view] = await seriousAccessibilityViolations(page);
  if (screenshot) await page.screenshot({ path: join(screenshots, `${screenshot}.png`), fullPage: true });
}

/**
 * Runs `gantry` (scripts/gantry.js) as its users do, offline: none of the test run's GANTRY_* settings, a config of
 * its own, and a URL that leads nowhere.
 */
const gantryOffline = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
  const env = { ...process.env };
  for (const name of ['GANTRY_TOKEN', 'GANTRY_API_KEY', 'GANTRY_JWT_SECRET', 'NODE_OPTIONS']) delete env[name];
  Object.assign(env, { GANTRY_URL: `http://127.0.0.1:${await freePort()}`, XDG_CONFIG_HOME: join(dataDir, 'config') });
  return new Promise((resolve) => {
    execFile(process.execPath, ['scripts/gantry.js', ...args], { cwd: repoRoot, env, encoding: 'utf8' }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
};

/** Requests a deployment of `version` to staging, reports its smoke tests passed and waits until its record closes. */
async function deploy(version: string): Promise<ClosedDeployment> {
  const { data } = await manager.post('/deployments', {
    body: deploymentRequest({ service: SERVICE, targets: ['staging-3'], components: [{ name: 'payments-api', version, kind: 'software', digest: DIGEST }] }),
  });
  const id = (data as { deploymentId: string }).deploymentId;
  await reportPassingSmokeTests(gantry, await developmentToken(gantry.url, 'deployment-manager', 'ci'), id);
  return eventuallyWhileRunning(
    [gantry],
    async () => {
      const { state } = (await auditor.get('/audit/deployments/{id}', { path: { id }, query: { waitForOutcome: 30 } })).data as { state: { phase: string; outcome?: string; requestedAt: string } };
      if (state.phase !== 'closed') return undefined;
      expect(state.outcome).toBe('succeeded');
      return { id, requestedAt: state.requestedAt, closedBy: new Date().toISOString() };
    },
    { timeoutMs: 90_000, what: `deployment of ${SERVICE} ${version} to close` },
  );
}

/** What the browser's date-time picker holds for an instant, in the page's time zone (it drops zero seconds and milliseconds). */
const pickerValue = (instant: string): Promise<string> =>
  page.evaluate((iso) => {
    const d = new Date(iso);
    const pad = (n: number, width = 2) => String(n).padStart(width, '0');
    const minutes = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    if (d.getMilliseconds()) return `${minutes}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
    return d.getSeconds() ? `${minutes}:${pad(d.getSeconds())}` : minutes;
  }, instant);

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'gantry-console-audit-'));
  [gantry, browser] = await Promise.all([
    startGantryProcess('standalone', 'services/standalone/src/main.ts', childEnv({ GANTRY_DATA_DIR: dataDir, GANTRY_JWT_SECRET: '' }), { timeoutMs: 120_000 }),
    launchChromium(),
  ]);
  // a time zone that is not UTC, so that the picker's wall-clock time and the API's instant differ
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, timezoneId: 'Europe/Berlin', acceptDownloads: true });
  const admin = await developmentToken(gantry.url, 'admin', 'setup.admin');
  await new GantryClient({ baseUrl: gantry.url, token: admin }).post('/environments', { body: stagingEnvironment });
  await authoriseComponents(gantry.url, admin, [{ name: 'payments-api', version: '2.5.0', digest: DIGEST }]);
  auditor = new GantryClient({ baseUrl: gantry.url, token: await developmentToken(gantry.url, 'auditor', 'carol') });
  manager = new GantryClient({ baseUrl: gantry.url, token: await developmentToken(gantry.url, 'deployment-manager', 'alice') });
  first = await deploy('2.4.1');
  second = await deploy('2.5.0');
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await gantry?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it("an auditor exports a deployment's evidence, which gantry verifies offline, and refuses once a byte is changed", async () => {
  await signInAs(page, gantry.url, 'auditor', 'carol');
  await page.goto(`${gantry.url}/#/audit/${first.id}`);
  await page.getByRole('row').filter({ hasText: 'DeploymentRequested' }).getByText('alice').waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export evidence' }).click()]);
  expect(download.suggestedFilename()).toBe(`gantry-evidence-${first.id}.json`);
  const evidence = join(dataDir, download.suggestedFilename());
  await download.saveAs(evidence);
  await page.getByTestId('evidence-saved').getByText(/^Saved gantry-evidence-.*: \d+ entries, proved against the checkpoint of tree size \d+\.$/).waitFor();

  // offline: the file and the key the operator hands out, nothing else
  const vkey = join(dataDir, 'vkey');
  writeFileSync(vkey, ((await auditor.get('/audit/log-key')).data as { verifierKey: string }).verifierKey);
  const verified = await gantryOffline(['audit', 'verify', '--bundle', evidence, '--vkey', `@${vkey}`, '-o', 'json']);
  expect(verified).toMatchObject({ code: 0 });
  expect(JSON.parse(verified.stdout)).toMatchObject({ intact: true, deploymentId: first.id, checked: expect.any(Number) });

  // one byte of one entry changed: the requester's name in DeploymentRequested's bytes
  const bytes = readFileSync(evidence);
  const at = bytes.indexOf('\\"subject\\":\\"alice\\"');
  expect(at).toBeGreaterThan(0);
  bytes[at + '\\"subject\\":\\"'.length] = 'e'.charCodeAt(0);
  writeFileSync(evidence, bytes);
  const refused = await gantryOffline(['audit', 'verify', '--bundle', evidence, '--vkey', `@${vkey}`, '-o', 'json']);
  expect(refused.code).toBe(5);
  expect(JSON.parse(refused.stdout)).toMatchObject({ intact: false, firstBroken: { position: expect.any(Number) } });
  await look('evidence', 'evidence');
}, 90_000);

it('shows the record rebuilt from the ledger beside the live one, and that they agree', async () => {
  const { state, projection } = (await auditor.get('/audit/deployments/{id}', { path: { id: first.id } })).data as { state: unknown; projection: unknown };
  expect(projection).toEqual(state);
  await page.getByTestId('record-verdict').getByText(/^They agree: the record rebuilt from the ledger's \d+ entries is the live record, field for field\.$/).waitFor();
  expect(await page.getByTestId('record-differences').count()).toBe(0);
  await page.getByText('Both records, side by side').click();
  const outcome = page.getByRole('row', { name: /^outcome / });
  expect(await outcome.getByRole('cell').allTextContents()).toEqual(['succeeded', 'succeeded']);
  const version = page.getByRole('row', { name: /^components / });
  expect(await version.getByRole('cell').allTextContents()).toEqual([expect.stringContaining('"version":"2.4.1"'), expect.stringContaining('"version":"2.4.1"')]);
}, 30_000);

it('shows an environment as of a time before and after a deployment: the two versions, each to its timeline', async () => {
  await page.getByRole('link', { name: 'Environments as of', exact: true }).click();
  await page.getByRole('heading', { name: 'An environment as of a time' }).waitFor();
  await page.getByLabel('Environment').selectOption('staging');
  const service = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: SERVICE }) });

  // when the second was requested, the first's version stood there
  await page.getByLabel('As of (your time zone; empty: now)').fill(await pickerValue(second.requestedAt));
  await page.getByRole('button', { name: 'Show' }).click();
  await service.getByText('payments-api 2.4.1').waitFor();
  expect(decodeURIComponent(page.url())).toContain(`#/audit/environments/staging?asOf=${second.requestedAt}`);
  expect(await service.getByRole('link').textContent()).toBe(first.id);

  // once the second had closed, its version
  const after = second.closedBy;
  await page.getByLabel('As of (your time zone; empty: now)').fill(await pickerValue(after));
  await page.getByRole('button', { name: 'Show' }).click();
  await service.getByText('payments-api 2.5.0').waitFor();
  expect(decodeURIComponent(page.url())).toContain(`asOf=${after}`);
  await look('environment-as-of', 'environment-as-of');
  await service.getByRole('link', { name: second.id }).click();
  await page.getByRole('heading', { name: 'Ledger timeline' }).waitFor();
  expect(page.url()).toContain(`#/audit/${second.id}`);
}, 60_000);

it('raises a finding on a deployment and lists it by deployment and severity; a deployment manager is not offered to raise one', async () => {
  await page.getByRole('link', { name: 'Findings', exact: true }).click();
  await page.getByRole('heading', { name: 'Audit findings' }).waitFor();
  await page.getByLabel('Deployment (its id)').fill(first.id);
  await page.getByLabel('Severity of the finding').selectOption('high');
  await page.getByLabel('What was found').fill('the approval’s evidence is missing from the change record');
  await page.getByRole('button', { name: 'Raise the finding' }).click();
  await page.getByRole('status').getByText(/^Finding \w+ recorded against/).waitFor();

  const filters = page.getByRole('search');
  await filters.getByLabel('Deployment').fill(first.id);
  await filters.getByLabel('Severity').selectOption('high');
  const listed = page.getByRole('row').filter({ hasText: 'the approval’s evidence is missing from the change record' });
  await listed.waitFor();
  expect(await listed.getByRole('cell').allTextContents()).toEqual([expect.any(String), 'high', first.id, 'the approval’s evidence is missing from the change record', 'carol']);
  // the API lists the same
  expect(((await auditor.get('/audit/findings', { query: { deploymentId: first.id, severity: 'high' } })).data as { findings: unknown[] }).findings).toHaveLength(1);
  await filters.getByLabel('Severity').selectOption('low');
  await page.getByRole('table').getByText('0 findings').waitFor();
  await filters.getByLabel('Severity').selectOption('high');
  await listed.waitFor();
  await look('findings', 'findings');

  await signInAs(page, gantry.url, 'deployment-manager', 'bob');
  await page.getByRole('link', { name: 'Findings', exact: true }).click();
  await listed.waitFor();
  expect(await page.getByRole('button', { name: 'Raise the finding' }).count()).toBe(0);
}, 60_000);

it("shows a published model's versions, and a review with its initiative, whose status a deployment manager moves on", async () => {
  // a model owner revises a catalogue model after a review and publishes the revision; the review registers an initiative
  const name = 'component-retirement';
  const model = await manager.get('/models/{name}', { path: { name } });
  const opened = await manager.post('/reviews', { body: { model: name, reason: 'the quarterly look at the retirement model' } });
  const reviewId = (opened.data as { reviewId: string }).reviewId;
  await manager.post('/reviews/{id}/initiatives', {
    path: { id: reviewId },
    body: { title: 'Automate the archive step', description: 'script the data archive so that its evidence is attached', ownerRole: 'deployment-practitioner', dueDate: '2027-03-01' },
  });
  // the OpenAPI document says only that content is an object: its type here is an empty one
  const content = { ...(model.data as { content: Record<string, unknown> }).content, description: 'Retirement of a component, its archive scripted.' };
  const revised = await manager.post('/models/{name}/revise', { path: { name }, body: { content: content as never, reviewId }, ifMatch: model.headers.get('etag')! });
  await manager.post('/models/{name}/publish', { path: { name }, body: { version: 2, pilotDeployments: 0 }, ifMatch: revised.headers.get('etag')! });

  await signInAs(page, gantry.url, 'auditor', 'carol');
  await page.getByRole('link', { name: 'Models', exact: true }).click();
  await page.getByRole('link', { name, exact: true }).waitFor();
  await look('models');
  await page.getByRole('link', { name, exact: true }).click();
  const versions = page.getByRole('table', { name: `Versions of ${name}` });
  await versions.getByRole('row', { name: /^Version 1 superseded/ }).waitFor();
  await versions.getByRole('row', { name: new RegExp(`^Version 2 active 1 ${reviewId}`) }).waitFor();
  await page.getByRole('heading', { name: 'Version 2 (active)' }).waitFor();
  await page.getByText('Retirement of a component, its archive scripted.', { exact: true }).waitFor();
  await look('model', 'models');
  await versions.getByRole('link', { name: 'Version 1' }).click();
  await page.getByRole('heading', { name: 'Version 1 (superseded)' }).waitFor();

  await page.getByRole('link', { name: 'Reviews', exact: true }).click();
  await page.getByRole('link', { name: reviewId }).waitFor();
  await look('reviews');
  await page.getByRole('link', { name: reviewId }).click();
  const initiative = page.getByRole('row').filter({ hasText: 'Automate the archive step' });
  await initiative.getByRole('cell').nth(2).getByText('open', { exact: true }).waitFor();
  // an auditor reads; moving an initiative on is for those who may change models
  expect(await page.getByRole('button', { name: 'Set status' }).count()).toBe(0);

  await signInAs(page, gantry.url, 'deployment-manager', 'alice');
  await page.goto(`${gantry.url}/#/reviews/${encodeURIComponent(reviewId)}`);
  const control = page.getByRole('form', { name: 'Initiative Automate the archive step' });
  await control.getByLabel('New status of Automate the archive step').selectOption('in-progress');
  await control.getByRole('button', { name: 'Set status' }).click();
  // its status cell (the select beside it holds every status)
  await initiative.getByRole('cell').nth(2).getByText('in-progress', { exact: true }).waitFor();
  const review = (await manager.get('/reviews/{id}', { path: { id: reviewId } })).data as { initiatives: { title: string; status: string }[] };
  expect(review.initiatives).toEqual([expect.objectContaining({ title: 'Automate the archive step', status: 'in-progress' })]);
  await look('review', 'reviews');
}, 90_000);

it("shows the ledger export's progress up to its total, and saves every entry", async () => {
  await signInAs(page, gantry.url, 'auditor', 'carol');
  await page.getByRole('link', { name: 'Ledger', exact: true }).click();
  const head = ((await auditor.get('/audit/digest')).data as { position: number }).position;
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export the ledger' }).click()]);
  const file = join(dataDir, download.suggestedFilename());
  await download.saveAs(file);
  const saved = page.getByTestId('export-saved');
  await saved.waitFor();
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const progress = page.getByTestId('export-progress');
  const [value, max] = [Number(await progress.getAttribute('value')), Number(await progress.getAttribute('max'))];
  expect(max).toBeGreaterThanOrEqual(head);
  expect({ value, lines: lines.length, file: download.suggestedFilename() }).toEqual({ value: max, lines: max, file: `gantry-ledger-1-${max}.ndjson` });
  expect(await saved.textContent()).toMatch(new RegExp(`^Saved gantry-ledger-1-${max}\\.ndjson: ${max} entries \\([\\d.]+ (B|KiB|MiB)\\)\\.$`));
  await page.getByText(`${max.toLocaleString('en')} of ${max.toLocaleString('en')} entries`).waitFor();
  expect(lines.map((line) => (JSON.parse(line) as { position: number }).position)).toEqual(Array.from({ length: max }, (_, i) => i + 1));
  await look('ledger-export');
}, 60_000);

it('axe-core finds no serious or critical violation on the views it adds', () => {
  expect(Object.keys(violations).sort()).toEqual(['environment-as-of', 'evidence', 'findings', 'ledger-export', 'model', 'models', 'review', 'reviews']);
  expect(violations).toEqual(Object.fromEntries(Object.keys(violations).map((view) => [view, []])));
});
