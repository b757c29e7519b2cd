import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import type { SigningAlgorithm } from '@gantry/contracts';

/** Why a public key was not accepted. */
export class UnusableKey extends Error {}

/**
 * A public key as given (a component signer's in verification, change enablement's in planning) (PEM text, or a JWK object) → its algorithm and its SubjectPublicKeyInfo PEM. Only Ed25519
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
