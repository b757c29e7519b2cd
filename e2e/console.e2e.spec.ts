import { GantryClient } from '@gantry/client';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { authoriseComponents, reportPassingSmokeTests } from './support/authorised-components';
import { developmentToken, launchChromium, seriousAccessibilityViolations, signInAs as signInWith } from './support/browser';
import { deploymentRequest, stagingEnvironment } from './support/deployments';
import { childEnv, eventuallyWhileRunning, repoRoot, startGantryProcess, type GantryProcess } from './support/processes';

/**
 * The web console in a real Chromium against the embedded default as `npm start` runs it (its development secret,
 * so the development sign-in exists): a manager requests a deployment, a second manager approves its gate, it
 * succeeds; an auditor reads its ledger timeline and verifies the ledger in the browser; a KPI's contributors are the
 * API's. axe-core on every main view; a screenshot of each in docs/console/.
 */
let gantry: GantryProcess;
let dataDir: string;
let browser: Browser;
let page: Page;
let deploymentId: string;
const screenshots = join(repoRoot, 'docs', 'console');
const violations: Record<string, string[]> = {};

const tokenOf = (role: string, subject: string) => developmentToken(gantry.url, role, subject);
const signInAs = (role: string, subject: string) => signInWith(page, gantry.url, role, subject);

/** Records the view's accessibility problems and saves its screenshot. */
async function look(view: string): Promise<void> {
  violations[view] = await seriousAccessibilityViolations(page);
  await page.screenshot({ path: join(screenshots, `${view}.png`), fullPage: true });
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'gantry-console-'));
  [gantry, browser] = await Promise.all([
    startGantryProcess('standalone', 'services/standalone/src/main.ts', childEnv({ GANTRY_DATA_DIR: dataDir, GANTRY_JWT_SECRET: '' }), { timeoutMs: 120_000 }),
    launchChromium(),
  ]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // staging asks one deployment manager's approval before a deployment starts
  const admin = await tokenOf('admin', 'setup.admin');
  await new GantryClient({ baseUrl: gantry.url, token: admin }).post('/environments', {
    body: { ...stagingEnvironment, approvalPolicy: { roles: ['deployment-manager'], minimumApprovers: 1 } },
  });
  await authoriseComponents(gantry.url, admin);
}, 150_000);

afterAll(async () => {
  await browser?.close();
  await gantry?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

it('a deployment manager requests a deployment; a second one approves its gate; it succeeds', async () => {
  await page.goto(`${gantry.url}/`);
  await look('sign-in');
  await signInAs('deployment-manager', 'alice');
  await page.getByRole('link', { name: 'Request a deployment' }).click();
  await page.getByLabel('Change (its id in change enablement)').fill('CHG0042001');
  await page.getByLabel('Service').fill('payments-7');
  await page.getByLabel('Name').fill('payments-api');
  await page.getByLabel('Version').fill('2.4.1');
  await page.getByLabel('Environment', { exact: true }).selectOption('staging');
  await page.getByLabel('Targets (optional, comma-separated: every target of the environment otherwise)').fill('staging-7');
  await page.getByLabel('Smoke suite that must pass (optional)').fill('checkout');
  await look('request');
  await page.getByRole('button', { name: 'Request' }).click();
  await page.getByRole('status').getByText('Deployment planned').waitFor();
  await page.getByRole('link', { name: 'Open the deployment' }).click();
  deploymentId = decodeURIComponent(page.url().split('#/deployments/')[1]);

  // the requester is offered the gate (her role may approve), and the server refuses her all the same
  const approve = page.getByRole('button', { name: 'Approve staging approval' });
  await approve.click();
  await page.getByRole('alert').getByText('RequesterMayNotApprove').waitFor();

  await signInAs('deployment-manager', 'bob');
  await page.goto(`${gantry.url}/#/deployments/${deploymentId}`);
  await page.getByLabel("Comment (optional with an approval; a denial's reason)").fill('checkout smoke suite green in staging');
  await page.getByRole('button', { name: 'Approve staging approval' }).press('Enter');
  await page.getByText('approved by bob').waitFor();
  // the acceptance criterion: the smoke suite's runner reports its results, as CI would
  await reportPassingSmokeTests(gantry, await tokenOf('deployment-manager', 'ci'), deploymentId);
  await page.getByRole('heading', { level: 1 }).getByText('succeeded').waitFor({ timeout: 60_000 });
  const targets = page.getByRole('list', { name: 'Waves' }).getByRole('listitem').filter({ hasText: /^staging-\d+: / });
  await eventuallyWhileRunning([gantry], async () => (await targets.count()) > 0 && (await targets.filter({ hasText: /: done$/ }).count()) === (await targets.count()), {
    timeoutMs: 10_000,
    what: "every target of the run's waves to show done",
  });
  await look('deployment');

  await page.getByRole('link', { name: 'Deployments' }).click();
  await page.getByLabel('Search').fill('CHG0042001');
  await page.getByRole('link', { name: 'payments-7' }).waitFor();
  await look('deployments');
}, 120_000);

it('a practitioner is offered the run controls and not the gate; a denial needs its reason and ends the deployment unstarted', async () => {
  const alice = new GantryClient({ baseUrl: gantry.url, token: await tokenOf('deployment-manager', 'alice') });
  const { data } = await alice.post('/deployments', { body: deploymentRequest({ service: 'payments-8', targets: ['staging-8'] }) });
  const denied = (data as { deploymentId: string }).deploymentId;

  await signInAs('deployment-practitioner', 'dora');
  await page.goto(`${gantry.url}/#/deployments/${denied}`);
  await page.getByRole('button', { name: 'Pause' }).waitFor();
  expect(await page.getByRole('button', { name: /^(Approve|Deny) / }).count()).toBe(0);

  await signInAs('deployment-manager', 'bob');
  await page.goto(`${gantry.url}/#/deployments/${denied}`);
  const deny = page.getByRole('button', { name: 'Deny staging approval' });
  await deny.waitFor();
  expect(await deny.isDisabled()).toBe(true);
  await page.getByLabel("Comment (optional with an approval; a denial's reason)").fill('not before the payments freeze is lifted');
  await deny.click();
  await page.getByRole('heading', { level: 1 }).getByText('rejected').waitFor({ timeout: 60_000 });
}, 90_000);

it('an auditor reads the timeline, verifies the ledger in the browser, and a tampered export is refused', async () => {
  await signInAs('auditor', 'carol');
  // an auditor reads; nothing to request
  expect(await page.getByRole('link', { name: 'Request a deployment' }).count()).toBe(0);
  await page.goto(`${gantry.url}/#/audit/${deploymentId}`);
  const requested = page.getByRole('row').filter({ hasText: 'DeploymentRequested' });
  await requested.getByText('alice').waitFor();
  // the door, from the entry's own bytes in the deployment's bundle
  await requested.getByRole('cell', { name: 'rest', exact: true }).waitFor();
  const granted = page.getByRole('row').filter({ hasText: 'ApprovalGranted' });
  await granted.getByText('bob').waitFor();
  // what bob said with his approval, from the event in the ledger
  await granted.getByText('checkout smoke suite green in staging').waitFor();
  await page.getByRole('button', { name: 'Verify this deployment’s entries' }).click();
  await page.getByTestId('bundle-verdict').getByText(/^Verified: each of the \d+ entries/).waitFor();
  // each entry of the bundle proved in this browser has its row's badge
  const proved = Number(/each of the (\d+) entries/.exec(await page.getByTestId('bundle-verdict').innerText())![1]);
  expect(await page.locator('table.timeline tbody tr .badge-ok').count()).toBe(proved);
  await look('timeline');

  await page.getByRole('link', { name: 'Ledger' }).click();
  await page.getByRole('button', { name: 'Verify the installation’s ledger' }).click();
  await page.getByTestId('ledger-verdict').getByText('Verified.').waitFor({ timeout: 30_000 });

  const auditor = new GantryClient({ baseUrl: gantry.url, token: await tokenOf('auditor', 'carol') });
  const exported = (await auditor.get('/audit/export', { query: { format: 'ndjson' } })).data as string;
  const tampered = exported.replace('"subject":"alice"', '"subject":"mallory"');
  expect(tampered).not.toBe(exported);
  const file = join(dataDir, 'tampered.ndjson');
  writeFileSync(file, tampered);
  await page.getByLabel('Or an export file (ndjson)').setInputFiles(file);
  await page.getByRole('button', { name: 'Verify the file' }).click();
  await page.getByTestId('ledger-verdict').getByText('Refused.').waitFor();
  await look('ledger');
}, 90_000);

it("a KPI's contributing deployments are the API's", async () => {
  await page.getByRole('link', { name: 'KPIs' }).click();
  await page.getByLabel('KPI').selectOption('deployment-frequency');
  await page.getByLabel('By').selectOption('day');
  await page.getByLabel('Environments of kind').selectOption('staging');
  await page.getByRole('link', { name: deploymentId }).waitFor();
  const [from, to] = [await page.getByLabel('From', { exact: true }).inputValue(), await page.getByLabel('To', { exact: true }).inputValue()];
  const auditor = new GantryClient({ baseUrl: gantry.url, token: await tokenOf('auditor', 'carol') });
  const { data } = await auditor.get('/kpis', { query: { period: 'day', from: new Date(from).toISOString(), to: new Date(to).toISOString(), environmentKind: 'staging' } });
  const api = (data.periods as { start: string; kpis: { name: string; deployments: string[] }[] }[]).map((p) => ({
    start: p.start.slice(0, 10),
    deployments: p.kpis.find((k) => k.name === 'deployment-frequency')!.deployments,
  }));
  const shown = await page
    .locator('tr[data-period]')
    .evaluateAll((rows: { getAttribute(name: string): string | null; querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }> }[]) =>
      rows.map((row) => ({ start: row.getAttribute('data-period')!, deployments: Array.from(row.querySelectorAll('.contributors a'), (a) => a.textContent!) })),
    );
  expect(shown).toEqual(api);
  expect(api.flatMap((p) => p.deployments)).toContain(deploymentId);
  await look('kpis');
}, 60_000);

it('axe-core finds no serious or critical violation on the main views', () => {
  expect(Object.keys(violations).sort()).toEqual(['deployment', 'deployments', 'kpis', 'ledger', 'request', 'sign-in', 'timeline']);
  expect(violations).toEqual(Object.fromEntries(Object.keys(violations).map((view) => [view, []])));
});
