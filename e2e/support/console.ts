import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { seriousAccessibilityViolations } from './browser';
import { repoRoot } from './processes';

/** Where the console's tests save the screenshots the README shows. */
export const SCREENSHOTS = join(repoRoot, 'docs', 'console');

/** A token for a role, from the embedded default's development sign-in (what the console's sign-in page asks for). */
export async function developmentToken(url: string, role: string, subject: string): Promise<string> {
  const response = await fetch(`${url}/console/development-sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role, subject }) });
  return ((await response.json()) as { token: string }).token;
}

/** Signs in to the console through its development sign-in, by keyboard, signing out whoever was in. */
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

/** Records the view's serious and critical accessibility violations under its name and saves its screenshot in docs/console. */
export async function look(page: Page, view: string, violations: Record<string, string[]>): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  violations[view] = await seriousAccessibilityViolations(page);
  await page.screenshot({ path: join(SCREENSHOTS, `${view}.png`), fullPage: true });
}
