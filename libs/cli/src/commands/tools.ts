import { createHash, createPrivateKey, sign } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { CliFailure, EXIT } from '../exit-codes';
import { examples, wholeNumber, type Invocation } from '../invocation';

/**
 * A JWT signed with GANTRY_JWT_SECRET, or with the embedded default's development secret in GANTRY_DATA_DIR. Loaded
 * on demand: the server's libraries are needed by this alone, and every other command starts without them.
 */
export async function developmentToken(env: NodeJS.ProcessEnv, claims: { sub: string; roles: string[]; expiresIn: string }): Promise<string> {
  const [{ mintToken }, { developmentSecret, loadConfig }] = await Promise.all([import('@gantry/auth'), import('@gantry/platform')]);
  return mintToken(env.GANTRY_JWT_SECRET || developmentSecret(loadConfig('standalone', env).dataDir), claims);
}

/** `gantry token` (a JWT for trying Gantry out) and `gantry sign` (a component version for the authorised repository). */
export function toolCommands(program: Command, cli: Invocation): void {
  program
    .command('token')
    .description("mint a JWT for roles, signed with GANTRY_JWT_SECRET or the embedded default's development secret")
    .argument('[roles...]', 'the roles (default: deployment-manager)')
    .option('--sub <subject>', 'who the token is for', 'demo.user')
    .option('--hours <n>', 'how long it is valid', wholeNumber('--hours', { min: 1 }), 8)
    .addHelpText('after', examples('gantry token deployment-manager', 'gantry token auditor --sub alice.auditor --hours 1', 'gantry login http://127.0.0.1:3000 --token "$(gantry token)"'))
    .action(async (roles: string[], o: { sub: string; hours: number }) => {
      const { ROLES } = await import('@gantry/auth');
      const asked = roles.length > 0 ? roles : ['deployment-manager'];
      const unknown = asked.filter((r) => !(ROLES as readonly string[]).includes(r));
      if (unknown.length > 0) throw new CliFailure(`unknown role ${unknown.join(', ')}; roles: ${ROLES.join(', ')}`, EXIT.usage);
      cli.out(`${await developmentToken(cli.io.env, { sub: o.sub, roles: asked, expiresIn: `${o.hours}h` })}\n`);
    });

  program
    .command('sign')
    .description('sign a component version with a private key (Ed25519 or ECDSA P-256, PEM) and print the body of POST /components')
    .requiredOption('--key <private-key.pem>', 'the private key')
    .requiredOption('--key-id <id>', 'the id the public key is registered under (POST /signing-keys)')
    .requiredOption('--name <name>', 'the component')
    .requiredOption('--version <version>', 'its version')
    .option('--file <artifact>', 'the artifact, whose sha256 is the digest')
    .option('--digest <sha256:hex>', 'the digest, when the artifact is not at hand')
    .option('--kind <kind>', 'the component kind', 'software')
    .option('--source <text>', 'where it comes from', 'signed with gantry sign')
    .addHelpText(
      'after',
      '\nThe signature covers the signed statement of name, version and digest (services/verification/README.md).' +
        examples(
          'gantry sign --key examples/demo-signing-key.pem --key-id gantry-demo --name payments-api --version 2.4.1 --file payments-api.tgz',
          `gantry sign --key key.pem --key-id k1 --name payments-api --version 2.4.1 --digest sha256:${'ab'.repeat(4)}…`,
        ),
    )
    .action(async (o: { key: string; keyId: string; name: string; version: string; file?: string; digest?: string; kind: string; source: string }) => {
      if (!o.file === !o.digest) throw new CliFailure('give the artifact (--file) or its digest (--digest), one of them', EXIT.usage);
      if (o.digest && !/^sha256:[0-9a-f]{64}$/.test(o.digest)) throw new CliFailure('--digest is sha256: and 64 lower-case hex digits', EXIT.usage);
      const { signedStatement } = await import('@gantry/contracts');
      const digest = o.file ? `sha256:${createHash('sha256').update(readFileSync(o.file)).digest('hex')}` : o.digest!;
      const privateKey = createPrivateKey(readFileSync(o.key));
      const signature = sign(privateKey.asymmetricKeyType === 'ed25519' ? null : 'sha256', Buffer.from(signedStatement({ name: o.name, version: o.version, digest })), privateKey).toString('base64');
      const body = { name: o.name, version: o.version, kind: o.kind, digest, size: o.file ? statSync(o.file).size : 0, source: o.source, signature, keyId: o.keyId };
      cli.out(`${JSON.stringify(body)}\n`);
    });
}
