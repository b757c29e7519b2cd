import { verify } from 'node:crypto';
import { signedStatement, type SigningAlgorithm } from '@gantry/contracts';

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
