import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';

/**
 * Signs an HS256 bearer token. For tests, scripts and the README's examples: production tokens come from the
 * organisation's identity provider with the same secret, issuer and audience.
 */
export async function mintToken(
  secret: string,
  /** `expiresIn`: a jose time span (`'1h'`, `'15m'`) or seconds from now (negative: already expired) */
  /** `org`: the supplier organisation the user works for; `environment`, `targets`: an agent's scope (role `agent`) */
  claims: { sub: string; roles: readonly string[]; org?: string; expiresIn?: string | number; issuer?: string; audience?: string; environment?: string; targets?: readonly string[] },
): Promise<string> {
  let jwt = new SignJWT({
    roles: [...claims.roles],
    ...(claims.org === undefined ? {} : { org: claims.org }),
    ...(claims.environment ? { environment: claims.environment } : {}),
    ...(claims.targets ? { targets: [...claims.targets] } : {}),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(
      typeof claims.expiresIn === 'number' ? Math.floor(Date.now() / 1000) + claims.expiresIn : (claims.expiresIn ?? '1h'),
    );
  if (claims.issuer) jwt = jwt.setIssuer(claims.issuer);
  if (claims.audience) jwt = jwt.setAudience(claims.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}

/** The hex sha256 of an API key: what GANTRY_API_KEYS stores instead of the key. */
export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');
