import { generateKeyPairSync, sign } from 'node:crypto';
import { parsePublicKey, UnusableKey } from '@gantry/platform';
import { signatureVerifies } from './public-keys';
import { signedStatement } from '@gantry/contracts';

const component = { name: 'payments-api', version: '2.4.1', digest: `sha256:${'ab'.repeat(32)}` };
const statement = Buffer.from(signedStatement(component));

it('the signed statement is four lines, each ending in a line feed', () =>
  expect(signedStatement(component)).toBe(`gantry.component-version.v1\npayments-api\n2.4.1\nsha256:${'ab'.repeat(32)}\n`));

it('an Ed25519 key as JWK verifies a base64url signature; another version does not', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const key = parsePublicKey(publicKey.export({ format: 'jwk' }));
  expect(key.algorithm).toBe('ed25519');
  const signature = sign(null, statement, privateKey).toString('base64url');
  expect(signatureVerifies(key, component, signature)).toBe(true);
  expect(signatureVerifies(key, { ...component, version: '2.4.2' }, signature)).toBe(false);
});

it('an ECDSA P-256 signature verifies as DER and as the 64-byte r‖s of JWS', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const key = parsePublicKey(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  expect(signatureVerifies(key, component, sign('sha256', statement, privateKey).toString('base64'))).toBe(true);
  expect(signatureVerifies(key, component, sign('sha256', statement, { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64'))).toBe(true);
  expect(signatureVerifies(key, component, 'bm90IGEgc2lnbmF0dXJl')).toBe(false);
});

it('P-384, RSA and private keys are refused', () => {
  expect(() => parsePublicKey(generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ type: 'spki', format: 'pem' }).toString())).toThrow(UnusableKey);
  expect(() => parsePublicKey(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }).toString())).toThrow(/only Ed25519 and ECDSA P-256/);
  expect(() => parsePublicKey(generateKeyPairSync('ed25519').privateKey.export({ format: 'jwk' }))).toThrow(/private key/);
});
