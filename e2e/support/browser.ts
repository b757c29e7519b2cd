import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from './processes';

/** Debian's Chromium (installed by infra/chromium/ensure.sh when missing), headless, as the console's tests drive it. */
export async function launchChromium(): Promise<Browser> {
  const ensure = spawnSync('bash', [join(repoRoot, 'infra', 'chromium', 'ensure.sh')], { encoding: 'utf8' });
  if (ensure.status !== 0) throw new Error(`infra/chromium/ensure.sh failed: ${ensure.stderr}`);
  return chromium.launch({
    executablePath: ensure.stdout.trim(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

const axeSource = () => readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's serious and critical violations on the page as it is now (WCAG 2 A and AA rules, and best practices). */
export async function seriousAccessibilityViolations(page: Page): Promise<string[]> {
  // evaluated through the DevTools protocol, which the page's content security policy does not govern
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.evaluate(axeSource());
  const options = { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } };
  const { violations, passes } = (await page.evaluate(`axe.run(document, ${JSON.stringify(options)}).then((r) => ({ violations: r.violations, passes: r.passes.length }))`)) as {
    violations: AxeViolation[];
    passes: number;
  };
  if (passes === 0) throw new Error('axe-core checked nothing on the page');
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')})`);
}

/** The console's production build (`npm run build`), as a static bundle. */
export const consoleBundle = join(repoRoot, 'dist', 'console');

const CONTENT_TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.json': 'application/json' };

export interface StaticSite {
  /** `http://127.0.0.1:<port>`, as a browser sends it in `Origin` */
  origin: string;
  close(): Promise<void>;
}

/**
 * The console as the distributed mode serves it: its build from a web server of its own (here on 127.0.0.1, a port
 * the system picks: an origin of its own), with the `console-config.json` that says where the API is.
 */
export async function serveConsoleBundle(config: () => object): Promise<StaticSite> {
  if (!existsSync(join(consoleBundle, 'index.html'))) throw new Error(`${consoleBundle} has no index.html: run npm run build first`);
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://site').pathname;
    if (path === '/console-config.json') return void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(config()));
    const file = normalize(join(consoleBundle, path === '/' ? 'index.html' : path));
    if (!file.startsWith(consoleBundle + sep) || !statSync(file, { throwIfNoEntry: false })?.isFile()) return void response.writeHead(404).end();
    response.writeHead(200, { 'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A token for a role from the embedded default's development sign-in: what `npm run token -- <role> --sub <subject>` mints. */
export async function developmentToken(url: string, role: string, subject: string): Promise<string> {
  const response = await fetch(`${url}/console/development-sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role, subject }) });
  if (!response.ok) throw new Error(`the development sign-in answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

/** Signs the console at `url` in as `subject` with `role` through its development sign-in, by keyboard (signing out first). */
export async function signInAs(page: Page, url: string, role: string, subject: string): Promise<void> {
  await page.goto(`${url}/`);
  const signOut = page.getByRole('button', { name: 'Sign out' });
  // the console shows one of the two once it has loaded
  await signOut.or(page.getByRole('heading', { name: 'Sign in to Gantry' })).waitFor();
  if (await signOut.isVisible()) await signOut.click();
  await page.getByLabel('Role').selectOption(role);
  await page.getByLabel('Name').fill(subject);
  // by keyboard: Enter in the form signs in
  await page.getByLabel('Name').press('Enter');
  await page.getByText(`Signed in as ${subject}`).waitFor();
}
