import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventuallyWhileRunning, repoRoot, type GantryProcess } from './processes';

/** The component versions the requests of `deploymentRequest` deploy, with the digest they name (if any). */
const DEPLOYED = [
  { name: 'payments-api', version: '2.4.1', digest: `sha256:${'ab'.repeat(32)}` },
  { name: 'as-of-api', version: '9.9.9', digest: `sha256:${'cd'.repeat(32)}` },
];

const post = async (url: string, token: string, body: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body });

/**
 * Nothing reaches an environment unless it comes from the authorised repository, signed: trust the demo signing key
 * and register the deployed versions signed with it, the way the README's "Try it" does (`npm run sign`).
 */
export async function authoriseComponents(verificationUrl: string, token: string): Promise<void> {
  // asynchronously: a synchronous child would block the event loop while idle keep-alive connections are closed
  const signed = await Promise.all(
    DEPLOYED.map(async (component) => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['scripts/run.js', 'scripts/sign-component.ts', '--key', 'examples/demo-signing-key.pem', '--key-id', 'gantry-demo', '--name', component.name, '--version', component.version, '--digest', component.digest],
        { cwd: repoRoot, encoding: 'utf8' },
      );
      return { component, body: stdout };
    }),
  );
  const key = await post(`${verificationUrl}/signing-keys`, token, readFileSync(join(repoRoot, 'examples', 'demo-signing-key.json'), 'utf8'));
  if (key.status !== 201) throw new Error(`trusting the demo key answered ${key.status}: ${await key.text()}`);
  for (const { component, body } of signed) {
    const registered = await post(`${verificationUrl}/components`, token, body);
    if (registered.status !== 201) throw new Error(`registering ${component.name} answered ${registered.status}: ${await registered.text()}`);
  }
}

/**
 * The test runner reports the smoke suite of `deploymentRequest` as passed, once verification knows the deployment
 * (through the processes `dependsOn`: those the deployment passes through on its way to verification).
 */
export const reportPassingSmokeTests = (verification: GantryProcess, token: string, deploymentId: string, dependsOn: readonly GantryProcess[] = [verification]) =>
  eventuallyWhileRunning(
    dependsOn,
    async () =>
      (await post(`${verification.url}/deployments/${deploymentId}/test-results`, token, JSON.stringify({ suite: 'checkout', passed: 12, failed: 0 }))).status === 202,
    { timeoutMs: 90_000, intervalMs: 200, what: `smoke-test results for ${deploymentId} to be accepted` },
  );
