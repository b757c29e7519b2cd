import { GantryClient, type BodyOf } from '@gantry/client';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { authoriseComponents, reportPassingSmokeTests } from './support/authorised-components';
import { developmentToken, launchChromium, seriousAccessibilityViolations, signInAs as signInWith } from './support/browser';
import { deploymentRequest, stagingEnvironment } from './support/deployments';
import { childEnv, eventuallyWhileRunning, repoRoot, startGantryProcess, type GantryProcess } from './support/processes';

/**
 * The console's views for those who run deployments, in a real Chromium against the embedded default: what is
 * deployed where, the forward schedule as a calendar, the approvals inbox, and on a deployment's page its manual
 * steps, the rollback decision its run asks for, and its communications. axe-core on each; a screenshot of each in
 * docs/console/.
 */
let gantry: GantryProcess;
let dataDir: string;
let browser: Browser;
let page: Page;
let manager: GantryClient;
const violations: Record<string, string[]> = {};

const BERLIN = 'Europe/Berlin';
/** a local date in Berlin, and a date some days after another: the calendar's arithmetic, done here on its own */
const todayIn = (timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
const daysAfter = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
const weekdayOf = (date: string) => ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'][new Date(`${date}T00:00:00Z`).getUTCDay()];
const today = todayIn(BERLIN);
const windowDay = daysAfter(today, 2);
const freezeDay = daysAfter(today, 4);

/** a test-environment model whose failures wait for a person's rollback decision */
const MODEL = 'ops-decide';
const OPS_API = { name: 'ops-api', version: '1.0.0', kind: 'software' as const, digest: `sha256:${'0d'.repeat(32)}` };

const screenshots = join(repoRoot, 'docs', 'console');
const tokenOf = (role: string, subject: string) => developmentToken(gantry.url, role, subject);
const signInAs = (role: string, subject: string) => signInWith(page, gantry.url, role, subject);

/** Records the view's accessibility problems and saves its screenshot. */
async function look(view: string): Promise<void> {
  violations[view] = await seriousAccessibilityViolations(page);
  await page.screenshot({ path: join(screenshots, `${view}.png`), fullPage: true });
}
const environment = (name: string, kind: string, position: number, targets: BodyOf<'/environments', 'post'>['targets'], extra: Partial<BodyOf<'/environments', 'post'>> = {}) => ({
  ...stagingEnvironment,
  name,
  kind: kind as 'staging',
  position,
  targets,
  timeZone: 'UTC',
  ...extra,
});

/** A deployment bob requests, planned (a rejection fails the test with its reason). */
async function request(overrides: Record<string, unknown>): Promise<{ deploymentId: string }> {
  const { data } = await manager.post('/deployments', { body: deploymentRequest(overrides) });
  const answer = data as { deploymentId: string; status: string; rejection?: unknown };
  expect({ status: answer.status, rejection: answer.rejection }).toEqual({ status: 'planned', rejection: undefined });
  return answer;
}

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'gantry-console-operate-'));
  const executors = {
    // targets labelled fail=yes fail their deploy; ops-lab's steps are done by people
    default: { type: 'simulated', rules: [{ label: 'fail=yes', fail: 'DiskFull' }] },
    environments: { 'ops-lab': { type: 'manual' } },
  };
  [gantry, browser] = await Promise.all([
    startGantryProcess('standalone', 'services/standalone/src/main.ts', childEnv({ GANTRY_DATA_DIR: dataDir, GANTRY_JWT_SECRET: '', GANTRY_EXECUTORS: JSON.stringify(executors) }), { timeoutMs: 120_000 }),
    launchChromium(),
  ]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const admin = new GantryClient({ baseUrl: gantry.url, token: await tokenOf('admin', 'setup.admin') });
  manager = new GantryClient({ baseUrl: gantry.url, token: await tokenOf('deployment-manager', 'bob') });
  // staging asks one deployment manager's approval; the others ask none. Positions keep the promotion rule out of the way:
  // below staging and ops-lab there are only environments of their own kind, and ops-test follows its model's flow.
  for (const body of [
    { ...stagingEnvironment, approvalPolicy: { roles: ['deployment-manager'], minimumApprovers: 1 } },
    environment('ops-windows', 'staging', 3, [{ name: 'win-1', kind: 'host' }], {
      timeZone: BERLIN,
      deploymentWindows: [{ days: [weekdayOf(windowDay) as 'monday'], start: '10:00', end: '12:00' }],
      freezes: [{ id: 'release-freeze', reason: 'quarterly release freeze', weekly: { days: [weekdayOf(freezeDay) as 'monday'], start: '00:00', end: '00:00' } }],
    }),
    environment('ops-lab', 'staging', 5, [{ name: 'rack-1', kind: 'site' }]),
    environment('ops-test', 'test', 6, [{ name: 'test-1', kind: 'host', labels: { fail: 'yes' } }]),
  ]) {
    await admin.post('/environments', { body: body as BodyOf<'/environments', 'post'> });
  }
  await authoriseComponents(gantry.url, await tokenOf('admin', 'setup.admin'));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['scripts/gantry.js', 'sign', '--key', 'examples/demo-signing-key.pem', '--key-id', 'gantry-demo', '--name', OPS_API.name, '--version', OPS_API.version, '--digest', OPS_API.digest],
    { cwd: repoRoot, encoding: 'utf8' },
  );
  await admin.post('/components', { body: { ...JSON.parse(stdout), quality: { testsPassed: 10, testsTotal: 10, criticalVulnerabilities: 0, highVulnerabilities: 0 } } });
  const content = {
    name: MODEL,
    description: 'Into test; a failed wave waits for a deployment manager to decide whether to roll back.',
    applicability: { deploymentKinds: ['upgrade'], componentKinds: ['software'], componentSources: ['in-house'], environmentKinds: ['test'], serviceTags: [] },
    strategy: { type: 'big-bang' },
    environmentFlow: ['test'],
    gates: [],
    automationLevel: 'automatic',
    manualSteps: [],
    qualityThresholds: { minTestPassRatio: 0.9, maxCriticalVulnerabilities: 0, maxHighVulnerabilities: 0 },
    documentationRequired: false,
    backupRequired: false,
    rollbackPolicy: 'on-decision',
    acceptanceCriteria: [],
    responsibilities: { plan: ['deployment-practitioner'], execute: ['deployment-practitioner'], verify: ['deployment-practitioner'] },
  };
  const drafted = await manager.post('/models', { body: { content } as unknown as BodyOf<'/models', 'post'> });
  await manager.post('/models/{name}/publish', { path: { name: MODEL }, body: { version: 1, pilotDeployments: 0 }, ifMatch: drafted.headers.get('etag')! });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await gantry?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

let succeeded: string;

it('the approvals inbox lists a gate waiting; the requester is refused there; a second manager approves it from there', async () => {
  const alice = new GantryClient({ baseUrl: gantry.url, token: await tokenOf('deployment-manager', 'alice') });
  const { data } = await alice.post('/deployments', { body: deploymentRequest({ service: 'payments-41', targets: ['staging-41'] }) });
  succeeded = (data as { deploymentId: string }).deploymentId;

  await signInAs('deployment-manager', 'alice');
  await page.getByRole('link', { name: 'Approvals' }).click();
  // execution takes the deployment up from planning's events: the inbox asks again until the gate is there
  await page.getByRole('button', { name: 'Approve staging approval of payments-41' }).click({ timeout: 30_000 });
  await page.getByRole('row').filter({ hasText: 'payments-41' }).getByRole('alert').getByText('RequesterMayNotApprove').waitFor();

  await signInAs('deployment-manager', 'bob');
  await page.getByRole('link', { name: 'Approvals' }).click();
  const row = page.getByRole('row').filter({ hasText: 'payments-41' });
  await row.getByText('roles: deployment-manager; 0 of 1 approvals').waitFor({ timeout: 30_000 });
  // a denial needs its reason
  expect(await row.getByRole('button', { name: 'Deny staging approval of payments-41' }).isDisabled()).toBe(true);
  await look('approvals');
  await row.getByLabel("Comment (optional with an approval; a denial's reason)").fill('staging runbook checked');
  await row.getByRole('button', { name: 'Approve staging approval of payments-41' }).press('Enter');
  await page.getByRole('status').getByText('Approved staging approval of payments-41.').waitFor();
  await row.waitFor({ state: 'detached' });
  const run = (await manager.get('/runs/{deploymentId}', { path: { deploymentId: succeeded } })).data as { gates: { name: string; approvers: string[] }[] };
  expect(run.gates).toEqual([expect.objectContaining({ name: 'staging approval', approvers: ['bob'] })]);
  const approval = await eventuallyWhileRunning(
    [gantry],
    async () => ((await manager.get('/audit/deployments/{id}', { path: { id: succeeded } })).data as { history: { type: string; data: Record<string, unknown> }[] }).history.find((h) => h.type.endsWith('.ApprovalGranted.v1')),
    { timeoutMs: 30_000, what: 'ApprovalGranted in the ledger' },
  );
  expect(approval.data).toMatchObject({ gate: 'staging approval', by: 'bob', comment: 'staging runbook checked' });
}, 120_000);

it("the matrix shows a succeeded deployment's version in its environment; a role without the ledger is told what it does not see", async () => {
  await reportPassingSmokeTests(gantry, await tokenOf('deployment-manager', 'ci'), succeeded);
  await eventuallyWhileRunning([gantry], async () => ((await manager.get('/deployments/{id}', { path: { id: succeeded } })).data as { status: string }).status === 'succeeded', {
    timeoutMs: 60_000,
    what: 'the approved deployment to succeed',
  });
  await page.getByRole('link', { name: 'Environments', exact: true }).click();
  // the environments in the order of the flow (their positions)
  expect(await page.locator('th[data-environment]').evaluateAll((headings: { getAttribute(name: string): string | null }[]) => headings.map((h) => h.getAttribute('data-environment')))).toEqual([
    'ops-windows',
    'staging',
    'ops-lab',
    'ops-test',
  ]);
  const cell = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'payments-41' }) }).locator('td[data-environment="staging"]');
  // records folds the close into the environment's state as it reads it: the matrix asks again every 15 s
  await cell.getByText('payments-api 2.4.1').waitFor({ timeout: 45_000 });
  expect(await cell.getByRole('link').getAttribute('href')).toBe(`#/deployments/${succeeded}`);
  await look('matrix');

  await signInAs('deployment-practitioner', 'dora');
  await page.getByRole('link', { name: 'Environments', exact: true }).click();
  await page.getByRole('note').getByText(/the ledger \(audit:read\)/).waitFor();
  await page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: 'payments-41' }) }).locator('td[data-environment="staging"]').getByText('payments-api 2.4.1').waitFor();
}, 120_000);

it('the schedule shows a deployment booked into a window and a freeze, day by day in the environment’s time zone, by keyboard', async () => {
  const booked = await request({ service: 'payments-42', environment: 'ops-windows', targets: ['win-1'], window: undefined, nextAvailable: { durationMinutes: 30 } });

  await page.getByRole('link', { name: 'Schedule' }).click();
  await page.getByLabel('Environment').selectOption('ops-windows');
  const day = (date: string) => page.locator(`td[data-date="${date}"]`);
  await day(windowDay).getByText('Booked 10:00–10:30: payments-42').waitFor();
  await day(windowDay).getByText('Deployment window 10:00–12:00').waitFor();
  await day(freezeDay).getByText('Freeze 00:00–24:00: quarterly release freeze (release-freeze)').waitFor();
  expect(await day(windowDay).getByRole('link', { name: 'payments-42' }).getAttribute('href')).toBe(`#/deployments/${booked.deploymentId}`);
  await page.getByRole('table', { name: /^ops-windows: / }).waitFor();

  // one day in the tab order (today); the arrow keys move by a day and by a week
  const focusedDate = () => page.evaluate('document.activeElement?.dataset.date');
  await day(today).focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  expect(await focusedDate()).toBe(windowDay);
  await page.keyboard.press('ArrowDown');
  expect(await focusedDate()).toBe(daysAfter(windowDay, 7));
  await page.keyboard.press('Home');
  expect(await focusedDate()).toBe(today);
  await look('schedule');
}, 90_000);

it('a practitioner completes a manual step with evidence from the deployment page, and the next one comes', async () => {
  // ops-lab's steps are people's: the backup an ad hoc plan takes first, then the deploy on rack-1
  const { deploymentId } = await request({ service: 'payments-43', environment: 'ops-lab', targets: ['rack-1'] });
  const document = join(dataDir, 'backup-receipt.pdf');
  writeFileSync(document, 'the backup of payments-api, taken before 2.4.1');
  const digest = `sha256:${createHash('sha256').update('the backup of payments-api, taken before 2.4.1').digest('hex')}`;

  await signInAs('deployment-practitioner', 'dora');
  await page.goto(`${gantry.url}/#/deployments/${deploymentId}`);
  const steps = page.getByRole('region', { name: 'Manual steps waiting' });
  await steps.getByText('backup payments-api 2.4.1').waitFor({ timeout: 60_000 });
  await steps.getByText('step run/backup/1 on run, for deployment-practitioner; evidence required').waitFor();
  const complete = steps.getByRole('button', { name: 'Complete run/backup/1' });
  expect(await complete.isDisabled()).toBe(true);
  await steps.getByLabel('What it shows').fill('backup receipt of payments-api');
  await steps.getByLabel('Where the document is kept').fill('https://evidence.example/payments/backup-receipt.pdf');
  await steps.getByLabel('The document (its sha256 is computed here; the file is not sent)').setInputFiles(document);
  await eventuallyWhileRunning([gantry], async () => (await steps.getByLabel('or its digest').inputValue()) === digest, { timeoutMs: 10_000, what: "the document's sha256, computed in the browser" });
  await look('manual-step');
  await complete.click();
  await steps.getByRole('status').getByText('Completed run/backup/1.').waitFor();
  await steps.getByText('deploy payments-api 2.4.1 on rack-1').waitFor({ timeout: 30_000 });

  // the ledger's record of it, once records has read execution's event
  const completed = await eventuallyWhileRunning(
    [gantry],
    async () =>
      ((await manager.get('/audit/deployments/{id}', { path: { id: deploymentId } })).data as { history: { type: string; data: Record<string, unknown> }[] }).history.find((h) =>
        h.type.endsWith('.ManualStepCompleted.v1'),
      ),
    { timeoutMs: 30_000, what: 'ManualStepCompleted in the ledger' },
  );
  expect(completed.data).toMatchObject({
    stepId: 'run/backup/1',
    by: 'dora',
    evidence: [{ description: 'backup receipt of payments-api', reference: 'https://evidence.example/payments/backup-receipt.pdf', digest }],
  });
}, 120_000);

it("a deployment manager takes the rollback decision the run asks for from the page, and reads the deployment's communications", async () => {
  // planning learns of the published model from model-review's events: until then a request naming it is rejected
  const { deploymentId } = await eventuallyWhileRunning(
    [gantry],
    async () => {
      const body = deploymentRequest({ service: 'ops-api', environment: 'ops-test', targets: ['test-1'], model: MODEL, components: [OPS_API] }) as Record<string, unknown>;
      delete body.adHoc;
      const answer = (await manager.post('/deployments', { body: body as BodyOf<'/deployments', 'post'> })).data as { deploymentId: string; status: string };
      return answer.status === 'planned' && answer;
    },
    { timeoutMs: 30_000, intervalMs: 500, what: `a deployment planned with ${MODEL}` },
  );

  await signInAs('deployment-manager', 'bob');
  await page.goto(`${gantry.url}/#/deployments/${deploymentId}`);
  const decision = page.getByRole('region', { name: 'Rollback decision' });
  await decision.getByText('The run is paused for TargetDeploymentFailed and waits for a decision.').waitFor({ timeout: 60_000 });
  const communications = page.getByRole('region', { name: 'Communications' });
  await communications.locator('tr[data-notice="started"]').waitFor({ timeout: 30_000 });
  await look('rollback-decision');
  await decision.getByRole('button', { name: 'Roll back', exact: true }).click();
  await decision.getByRole('status').getByText('Decided: roll back.').waitFor();
  await page.getByText('outcome rolled-back').waitFor({ timeout: 60_000 });
  await communications.locator('tr[data-notice="rolled-back"]').waitFor({ timeout: 30_000 });
  expect(await communications.locator('tr[data-notice]').evaluateAll((rows: { getAttribute(name: string): string | null }[]) => rows.map((r) => r.getAttribute('data-notice')))).toEqual([
    'scheduled',
    'started',
    'rolled-back',
  ]);
  await communications.getByText(/^Knowledge article proposed on /).waitFor();
}, 150_000);

it('axe-core finds no serious or critical violation on the new views', () => {
  expect(Object.keys(violations).sort()).toEqual(['approvals', 'manual-step', 'matrix', 'rollback-decision', 'schedule']);
  expect(violations).toEqual(Object.fromEntries(Object.keys(violations).map((view) => [view, []])));
});
