import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { parsePublicKey } from '@gantry/platform';
import { signedAuthorisation } from '../test-fixtures';
import { readSignedAuthorisation, signedBy } from './signed-authorisation';

const claims = { changeId: 'CHG1', service: 'payments', environment: 'production', components: [{ name: 'payments-api', version: '2.4.1' }], exp: 1_900_000_000 };
const ed = generateKeyPairSync('ed25519');
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const publicOf = (pair: { publicKey: KeyObject }) => parsePublicKey(pair.publicKey.export({ type: 'spki', format: 'pem' }).toString());

const verifies = (token: string, key: { algorithm: 'ed25519' | 'ecdsa-p256'; publicKey: string }) => {
  const read = readSignedAuthorisation(token);
  return !('problem' in read) && signedBy(read, key);
};

describe('a signed authorisation (compact JWS)', () => {
  it('signed with EdDSA or ES256 verifies under its key, and names the key and the claims', () => {
    expect(verifies(signedAuthorisation('ce-1', claims, ed.privateKey), publicOf(ed))).toBe(true);
    expect(verifies(signedAuthorisation('ce-2', claims, ec.privateKey), publicOf(ec))).toBe(true);
    expect(readSignedAuthorisation(signedAuthorisation('ce-1', claims, ed.privateKey))).toMatchObject({ keyId: 'ce-1', alg: 'EdDSA', claims });
  });

  it('does not verify under another key, with a payload tampered after signing, or with an algorithm other than its key\'s', () => {
    expect(verifies(signedAuthorisation('ce-1', claims, generateKeyPairSync('ed25519').privateKey), publicOf(ed))).toBe(false);
    const [header, , signature] = signedAuthorisation('ce-1', claims, ed.privateKey).split('.');
    const tampered = Buffer.from(JSON.stringify({ ...claims, environment: 'staging' })).toString('base64url');
    expect(verifies(`${header}.${tampered}.${signature}`, publicOf(ed))).toBe(false);
    expect(verifies(signedAuthorisation('ce-1', claims, ec.privateKey), publicOf(ed))).toBe(false);
  });

  it.each([
    ['not three parts', 'abc.def', /compact JWS/],
    ['no key id', `${Buffer.from('{"alg":"EdDSA"}').toString('base64url')}.e30.c2ln`, /names no key/],
    ['alg none', `${Buffer.from('{"alg":"none","kid":"k"}').toString('base64url')}.e30.c2ln`, /EdDSA or ES256, got none/],
    ['HS256', `${Buffer.from('{"alg":"HS256","kid":"k"}').toString('base64url')}.e30.c2ln`, /EdDSA or ES256/],
    ['claims missing', `${Buffer.from('{"alg":"EdDSA","kid":"k"}').toString('base64url')}.e30.c2ln`, /not an authorisation: .*required/],
    ['payload not JSON', `${Buffer.from('{"alg":"EdDSA","kid":"k"}').toString('base64url')}.bm90IGpzb24.c2ln`, /payload is not JSON/],
  ])('%s is no signed authorisation, with the problem said', (_case, token, problem) => {
    const read = readSignedAuthorisation(token);
    expect('problem' in read && read.problem).toMatch(problem);
  });
});
