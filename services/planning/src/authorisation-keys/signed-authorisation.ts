import { verify } from 'node:crypto';
import { signedAuthorisationClaimsProblem, type SignedAuthorisationClaims, type SigningAlgorithm } from '@gantry/contracts';

/**
 * A signed authorisation as read from its compact JWS (`header.payload.signature`, base64url): the key it names
 * (`kid`), its algorithm (`alg`), its claims, and the bytes its signature covers. `problem`: it cannot be one.
 */
export type SignedAuthorisation =
  | { keyId: string; alg: 'EdDSA' | 'ES256'; claims: SignedAuthorisationClaims; signingInput: string; signature: Buffer }
  | { problem: string; keyId?: string };

const JWS_ALGORITHMS = { EdDSA: 'ed25519', ES256: 'ecdsa-p256' } as const satisfies Record<string, SigningAlgorithm>;

const json = (part: string): unknown => {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
};

export function readSignedAuthorisation(token: string): SignedAuthorisation {
  const [header64, payload64, signature64, ...more] = token.split('.');
  if (!header64 || !payload64 || !signature64 || more.length) return { problem: 'not a compact JWS (header.payload.signature)' };
  const header = json(header64) as { alg?: unknown; kid?: unknown; crit?: unknown } | undefined;
  if (typeof header !== 'object' || header === null) return { problem: 'the JWS header is not JSON' };
  if (typeof header.kid !== 'string' || header.kid === '') return { problem: 'the JWS header names no key (kid)' };
  const keyId = header.kid;
  if (header.alg !== 'EdDSA' && header.alg !== 'ES256') return { problem: `the JWS algorithm must be EdDSA or ES256, got ${String(header.alg)}`, keyId };
  if (header.crit !== undefined) return { problem: 'the JWS header names critical extensions Gantry does not understand', keyId };
  const claims = json(payload64);
  const invalid = claims === undefined ? 'the JWS payload is not JSON' : signedAuthorisationClaimsProblem(claims);
  if (invalid) return { problem: `the JWS payload is not an authorisation: ${invalid}`, keyId };
  return { keyId, alg: header.alg, claims: claims as SignedAuthorisationClaims, signingInput: `${header64}.${payload64}`, signature: Buffer.from(signature64, 'base64url') };
}

/** Whether the authorisation's signature verifies under the key (of the algorithm its header names). */
export function signedBy(authorisation: Exclude<SignedAuthorisation, { problem: string }>, key: { algorithm: SigningAlgorithm; publicKey: string }): boolean {
  if (JWS_ALGORITHMS[authorisation.alg] !== key.algorithm || authorisation.signature.length === 0) return false;
  const input = Buffer.from(authorisation.signingInput, 'ascii');
  try {
    return key.algorithm === 'ed25519'
      ? verify(null, input, key.publicKey, authorisation.signature)
      : verify('sha256', input, { key: key.publicKey, dsaEncoding: 'ieee-p1363' }, authorisation.signature);
  } catch {
    return false;
  }
}
