// Mints a JWT for trying Gantry out: `npm run token -- <role> [<role>...] [--sub <subject>] [--hours <n>]`.
// Uses GANTRY_JWT_SECRET, or the embedded default's development secret in GANTRY_DATA_DIR (./.data).
import { mintToken, ROLES } from '@gantry/auth';
import { developmentSecret, loadConfig } from '@gantry/platform';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args.splice(i, 2)[1] : undefined;
  };
  const sub = option('sub') ?? 'demo.user';
  const hours = Number(option('hours') ?? '8');
  const roles = args.length > 0 ? args : ['deployment-manager'];
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length > 0 || !Number.isFinite(hours) || hours <= 0) {
    process.stderr.write(`usage: npm run token -- <role>... [--sub <subject>] [--hours <n>]\nroles: ${ROLES.join(', ')}\n`);
    process.exit(2);
  }
  const secret = process.env.GANTRY_JWT_SECRET || developmentSecret(loadConfig('standalone').dataDir);
  process.stdout.write(`${await mintToken(secret, { sub, roles, expiresIn: `${hours}h` })}\n`);
}

void main();
