import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { SigningAlgorithm } from '@gantry/contracts';
import { signedStatement } from './signed-statement';

/** Why a public key was not accepted. */
export class UnusableKey extends Error {}

/**
 * A public key as given (PEM text, or a JWK object) → its algorithm and its SubjectPublicKeyInfo PEM. Only Ed25519
 * and ECDSA on P-256 are accepted, and never a private key (a JWK with `d`, a PEM of a private key).
 */
export function parsePublicKey(given: string | JsonWebKey): { algorithm: SigningAlgorithm; publicKey: string } {
  let key: KeyObject;
  try {
    if (typeof given === 'string') {
      if (/PRIVATE KEY/.test(given)) throw new UnusableKey('that is a private key: register the public key only');
      key = createPublicKey({ key: given, format: 'pem' });
    } else {
      if ('d' in given) throw new UnusableKey('that JWK holds a private key: register the public key only');
      key = createPublicKey({ key: given, format: 'jwk' });
    }
  } catch (error) {
    if (error instanceof UnusableKey) throw error;
    throw new UnusableKey(`publicKey is not a PEM or JWK public key (${(error as Error).message})`);
  }
  const algorithm = algorithmOf(key);
  if (!algorithm) throw new UnusableKey(`only Ed25519 and ECDSA P-256 keys are accepted, got ${key.asymmetricKeyType}${key.asymmetricKeyDetails?.namedCurve ? ` ${key.asymmetricKeyDetails.namedCurve}` : ''}`);
  return { algorithm, publicKey: key.export({ type: 'spki', format: 'pem' }).toString() };
}

const algorithmOf = (key: KeyObject): SigningAlgorithm | undefined => {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ecdsa-p256';
  return undefined;
};

/**
 * Whether `signature` (base64 or base64url) is a signature of the component's signed statement by the key. ECDSA
 * signatures are accepted as DER (what `openssl pkeyutl`/`dgst` write) or as the 64-byte `r‖s` of JWS. A malformed
 * signature is simply not valid.
 */
export function signatureVerifies(
  key: { algorithm: SigningAlgorithm; publicKey: string },
  component: { name: string; version: string; digest: string },
  signature: string,
): boolean {
  const bytes = Buffer.from(signature.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length === 0) return false;
  const statement = Buffer.from(signedStatement(component), 'utf8');
  try {
    if (key.algorithm === 'ed25519') return verify(null, statement, key.publicKey, bytes);
    return verify('sha256', statement, { key: key.publicKey, dsaEncoding: bytes.length === 64 ? 'ieee-p1363' : 'der' }, bytes);
  } catch {
    return false;
  }
}
