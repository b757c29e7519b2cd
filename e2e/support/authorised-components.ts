import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GantryClient, GantryError } from '@gantry/client';
import { eventuallyWhileRunning, repoRoot, type GantryProcess } from './processes';

/** A component version in the authorised repository, with the digest requests for it name. */
export interface AuthorisedVersion {
  name: string;
  version: string;
  digest: string;
}

/** The component versions the requests of `deploymentRequest` deploy, with the digest they name (if any). */
const DEPLOYED: AuthorisedVersion[] = [
  { name: 'payments-api', version: '2.4.1', digest: `sha256:${'ab'.repeat(32)}` },
  { name: 'as-of-api', version: '9.9.9', digest: `sha256:${'cd'.repeat(32)}` },
];

/** verification's REST API, as an integrator's program would call it */
const verificationClient = (url: string, token: string) => new GantryClient({ services: { verification: url }, token });

/**
 * Nothing reaches an environment unless it comes from the authorised repository, signed: trust the demo signing key
 * and register the deployed versions (and `more`) signed with it, the way the README's "Try it" does (`npm run sign`).
 */
export async function authoriseComponents(verificationUrl: string, token: string, more: readonly AuthorisedVersion[] = []): Promise<void> {
  // asynchronously: a synchronous child would block the event loop while idle keep-alive connections are closed
  const signed = await Promise.all(
    [...DEPLOYED, ...more].map(async (component) => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['scripts/gantry.js', 'sign', '--key', 'examples/demo-signing-key.pem', '--key-id', 'gantry-demo', '--name', component.name, '--version', component.version, '--digest', component.digest],
        { cwd: repoRoot, encoding: 'utf8' },
      );
      return { component, body: stdout };
    }),
  );
  const verification = verificationClient(verificationUrl, token);
  await verification.post('/signing-keys', { body: JSON.parse(readFileSync(join(repoRoot, 'examples', 'demo-signing-key.json'), 'utf8')) });
  for (const { body } of signed) await verification.post('/components', { body: JSON.parse(body) });
}

/**
 * The test runner reports the smoke suite of `deploymentRequest` as passed, once verification knows the deployment
 * (through the processes `dependsOn`: those the deployment passes through on its way to verification).
 */
export const reportPassingSmokeTests = (verification: GantryProcess, token: string, deploymentId: string, dependsOn: readonly GantryProcess[] = [verification]) =>
  eventuallyWhileRunning(
    dependsOn,
    async () => {
      try {
        const { status } = await verificationClient(verification.url, token).post('/deployments/{deploymentId}/test-results', {
          path: { deploymentId },
          body: { suite: 'checkout', passed: 12, failed: 0 },
        });
        return status === 202;
      } catch (error) {
        // verification does not know the deployment yet: 404 until its events arrive
        if (error instanceof GantryError && error.status === 404) return false;
        throw error;
      }
    },
    { timeoutMs: 90_000, intervalMs: 200, what: `smoke-test results for ${deploymentId} to be accepted` },
  );
