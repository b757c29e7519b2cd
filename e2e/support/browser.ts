import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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
