// Loads the starter catalogue of deployment models into a running Gantry: `npm run models:load-catalogue [-- <url>]`.
// The URL defaults to GANTRY_URL or the embedded default (http://127.0.0.1:3000); for the distributed mode give the
// model-review service's (http://127.0.0.1:3005). Authenticates with GANTRY_TOKEN, or mints a deployment-manager token
// from GANTRY_JWT_SECRET or the embedded default's development secret. Models that exist already are left alone.
import { mintToken } from '@gantry/auth';
import { developmentSecret, loadConfig } from '@gantry/platform';

async function main(): Promise<void> {
  const url = (process.argv[2] ?? process.env.GANTRY_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
  const token =
    process.env.GANTRY_TOKEN ||
    (await mintToken(process.env.GANTRY_JWT_SECRET || developmentSecret(loadConfig('standalone').dataDir), { sub: 'catalogue-loader', roles: ['deployment-manager'], expiresIn: '5m' }));
  const response = await fetch(`${url}/models/starter-catalogue`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  const body = await response.text();
  if (!response.ok) {
    process.stderr.write(`loading the starter catalogue failed: HTTP ${response.status} ${body}\n`);
    process.exit(1);
  }
  const { loaded, skipped } = JSON.parse(body) as { loaded: string[]; skipped: string[] };
  process.stdout.write(`loaded: ${loaded.join(', ') || '(none)'}\nalready there: ${skipped.join(', ') || '(none)'}\n`);
}

void main().catch((error: unknown) => {
  process.stderr.write(`loading the starter catalogue failed: ${(error as Error).message}\n`);
  process.exit(1);
});
