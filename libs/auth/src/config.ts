import { knownRoles, type Role } from './roles';
import type { ProxyTrust } from './proxies';

/** An API key of a system, stored as the hex sha256 of the key: the key itself is never configured. */
export interface ApiKeyEntry {
  name: string;
  sha256: string;
  roles: readonly Role[];
}

/**
 * API keys issued and revoked by admins at run time (kept by the platform from records' events), looked up by the
 * sha256 of the presented key. `used` notes the time a key was last used (best effort).
 */
export interface KeyDirectory {
  find(sha256: string): Promise<{ keyId: string; name: string; roles: readonly Role[] } | undefined>;
  used(keyId: string): Promise<void>;
}

export interface AuthConfig {
  /** HS256 secret for bearer tokens; absent: bearer tokens are refused */
  jwtSecret?: string;
  issuer?: string;
  audience?: string;
  apiKeys: readonly ApiKeyEntry[];
  /**
   * An identity provider's JSON Web Key Set: bearer tokens signed RS256 or ES256 are checked against its keys, chosen
   * by the token's `kid`; a `kid` not seen yet makes the set be fetched again (key rotation), at most once per
   * `jwksCooldownMs`
   */
  jwksUrl?: string;
  jwksCooldownMs?: number;
  /** keys issued by admins, besides the configured `apiKeys` */
  keyDirectory?: KeyDirectory;
  /**
   * Failed authentications per source address: past `burst` at once, `perMinute` refill; a source out of them is
   * answered 429 (RESOURCE_EXHAUSTED) before its credentials are looked at. `perMinute` 0: no limit.
   */
  failedAuthentications?: { perMinute: number; burst: number };
  /** the proxies trusted to name the client (GANTRY_TRUST_PROXY): what a limit per source counts */
  trustProxy?: ProxyTrust;
}

/** HS256 needs a key at least as long as its hash (RFC 7518 §3.2). */
export const MIN_JWT_SECRET_LENGTH = 32;

const SHA256_HEX = /^[0-9a-f]{64}$/;
const KEY_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;

export class AuthConfigError extends Error {}

/** `name:sha256hex:role1|role2,name2:sha256hex:role3` → entries; malformed entries stop the process at boot. */
export function parseApiKeys(value: string | undefined): ApiKeyEntry[] {
  if (!value?.trim()) return [];
  return value.split(',').map((entry, index) => {
    const [name, sha256, roles, ...rest] = entry.trim().split(':');
    if (rest.length > 0 || !name || !sha256 || roles === undefined) {
      throw new AuthConfigError(`GANTRY_API_KEYS entry ${index + 1}: expected name:sha256hex:role1|role2`);
    }
    if (!KEY_NAME.test(name)) throw new AuthConfigError(`GANTRY_API_KEYS entry ${index + 1}: invalid name ${JSON.stringify(name)}`);
    if (!SHA256_HEX.test(sha256.toLowerCase())) {
      throw new AuthConfigError(`GANTRY_API_KEYS entry ${name}: the hash must be 64 hex digits (sha256 of the key)`);
    }
    return { name, sha256: sha256.toLowerCase(), roles: knownRoles(roles.split('|').map((r) => r.trim())) };
  });
}

const jwksUrl = (value: string | undefined): string | undefined => {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new AuthConfigError(`GANTRY_JWKS_URL must be a URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'https:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new AuthConfigError('GANTRY_JWKS_URL must use https (plain http only on the loopback interface)');
  }
  return url.toString();
};

/** Reads GANTRY_JWT_SECRET, GANTRY_JWT_ISSUER, GANTRY_JWT_AUDIENCE, GANTRY_JWKS_URL and GANTRY_API_KEYS. */
export function authConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AuthConfig {
  const jwtSecret = env.GANTRY_JWT_SECRET || undefined;
  if (jwtSecret !== undefined && jwtSecret.length < MIN_JWT_SECRET_LENGTH) {
    throw new AuthConfigError(`GANTRY_JWT_SECRET must be at least ${MIN_JWT_SECRET_LENGTH} characters`);
  }
  return {
    ...(jwtSecret ? { jwtSecret } : {}),
    ...(env.GANTRY_JWT_ISSUER ? { issuer: env.GANTRY_JWT_ISSUER } : {}),
    ...(env.GANTRY_JWT_AUDIENCE ? { audience: env.GANTRY_JWT_AUDIENCE } : {}),
    apiKeys: parseApiKeys(env.GANTRY_API_KEYS),
    ...(env.GANTRY_JWKS_URL ? { jwksUrl: jwksUrl(env.GANTRY_JWKS_URL) } : {}),
  };
}
