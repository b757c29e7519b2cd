// Signs a component version for the authorised repository and prints the body of `POST /components`:
//   npm run -s sign -- --key <private-key.pem> --key-id <id> --name <name> --version <version> (--file <artifact> | --digest sha256:<hex>)
//                      [--kind software] [--source <where from>]
// The signature covers the canonical statement of name, version and digest (services/verification/README.md).
// node's crypto only: Ed25519 or ECDSA P-256 private keys in PEM.
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { signedStatement } from '../services/verification/src/signing-keys/signed-statement';

const usage = 'usage: npm run -s sign -- --key <private-key.pem> --key-id <id> --name <name> --version <version> (--file <artifact> | --digest sha256:<hex>) [--kind software] [--source <text>]\n';

function main(): void {
  const { values } = parseArgs({
    options: {
      key: { type: 'string' },
      'key-id': { type: 'string' },
      name: { type: 'string' },
      version: { type: 'string' },
      file: { type: 'string' },
      digest: { type: 'string' },
      kind: { type: 'string', default: 'software' },
      source: { type: 'string', default: 'signed with scripts/sign-component.ts' },
    },
  });
  const { key, name, version, file } = values;
  const keyId = values['key-id'];
  if (!key || !keyId || !name || !version || (!file && !values.digest) || (values.digest && !/^sha256:[0-9a-f]{64}$/.test(values.digest))) {
    process.stderr.write(usage);
    process.exit(2);
  }
  const digest = file ? `sha256:${createHash('sha256').update(readFileSync(file)).digest('hex')}` : values.digest!;
  const privateKey = createPrivateKey(readFileSync(key));
  const signature = sign(privateKey.asymmetricKeyType === 'ed25519' ? null : 'sha256', Buffer.from(signedStatement({ name, version, digest })), privateKey).toString('base64');
  const body = { name, version, kind: values.kind, digest, size: file ? statSync(file).size : 0, source: values.source, signature, keyId };
  process.stdout.write(`${JSON.stringify(body)}\n`);
}

main();
