import { createHash, timingSafeEqual } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';
import { createSecretKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { AuthConfig } from './config';
import type { AgentScope, Channel, Identity } from './identity';
import { knownRoles } from './roles';

/** Why a caller has no identity: nothing presented, something presented that does not hold, a token past its time. */
export type AuthenticationFailure = 'missing' | 'invalid' | 'expired';

export type Authentication =
  | { ok: true; identity: Identity }
  | { ok: false; failure: AuthenticationFailure; reason: string };

/** The credentials a caller presented: HTTP headers (lowercase names, as node gives them) or gRPC metadata. */
export interface Credentials {
  authorization?: string | string[];
  'x-api-key'?: string | string[];
}

const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value);

const failed = (failure: AuthenticationFailure, reason: string): Authentication => ({ ok: false, failure, reason });
const authenticated = (identity: Identity): Authentication => ({ ok: true, identity });

const MAX_CREDENTIAL_LENGTH = 8192;

/** The key set of the identity provider cannot be fetched: nobody with a token signed by it can be authenticated now. */
export class IdentityProviderUnavailable extends Error {
  override readonly name = 'IdentityProviderUnavailable';
}

/**
 * Authenticates a caller by `Authorization: Bearer <jwt>` (HS256) or, for systems, `X-Api-Key: <key>`.
 * A bearer token is looked at first when both are present.
 */
export async function authenticate(
  credentials: Credentials,
  config: AuthConfig,
  channel: Channel = 'rest',
): Promise<Authentication> {
  const authorization = first(credentials.authorization)?.trim();
  const apiKey = first(credentials['x-api-key'])?.trim();
  if (authorization) return bearer(authorization, config, channel);
  if (apiKey) return await systemKey(apiKey, config, channel);
  return failed('missing', 'authentication required: send Authorization: Bearer <token> or X-Api-Key');
}

/** The same, for a gRPC call: metadata keys `authorization` and `x-api-key`. */
export function authenticateGrpcMetadata(metadata: Metadata, config: AuthConfig): Promise<Authentication> {
  const text = (key: string) => metadata.get(key).find((v): v is string => typeof v === 'string');
  return authenticate({ authorization: text('authorization'), 'x-api-key': text('x-api-key') }, config, 'grpc');
}

/** One key set per configuration: jose caches the keys and fetches again for a `kid` it has not seen. */
const keySets = new WeakMap<AuthConfig, ReturnType<typeof createRemoteJWKSet>>();
const keySetOf = (config: AuthConfig & { jwksUrl: string }) => {
  let keySet = keySets.get(config);
  if (!keySet) keySets.set(config, (keySet = createRemoteJWKSet(new URL(config.jwksUrl), { cooldownDuration: config.jwksCooldownMs ?? 30_000, timeoutDuration: 5_000 })));
  return keySet;
};

/** The HS256 secret as a key, made once: jose imports raw bytes anew on every verification. */
const secretKeys = new WeakMap<AuthConfig, KeyObject>();
const secretKeyOf = (config: AuthConfig & { jwtSecret: string }): KeyObject => {
  let key = secretKeys.get(config);
  if (!key) secretKeys.set(config, (key = createSecretKey(Buffer.from(config.jwtSecret, 'utf8'))));
  return key;
};

/**
 * HS256 tokens verified with this configuration's secret, by their text: a client sends the same token with each
 * request, and verifying its signature again costs more than the rest of a read (about 5 % of records' CPU under
 * audit reads). The secret is fixed for the process, so the text verifies as it did; its times are checked at each
 * use. Tokens signed by an identity provider's key set are verified every time: the provider may withdraw a key.
 */
const verifiedHs256 = new WeakMap<AuthConfig, Map<string, JWTPayload>>();
const verifiedHs256Of = (config: AuthConfig): Map<string, JWTPayload> => {
  let known = verifiedHs256.get(config);
  if (!known) verifiedHs256.set(config, (known = new Map()));
  return known;
};
const REMEMBERED_TOKENS = 10_000;
const remember = (known: Map<string, JWTPayload>, token: string, payload: JWTPayload) => {
  if (known.size >= REMEMBERED_TOKENS) known.delete(known.keys().next().value!);
  known.set(token, payload);
};
/** The payload while its token is within its times (jose's checks, without clock tolerance: exp required, nbf if given). */
const stillValid = (payload: JWTPayload | undefined): JWTPayload | undefined => {
  if (!payload) return undefined;
  const now = Math.floor(Date.now() / 1000);
  return typeof payload.exp === 'number' && now < payload.exp && (payload.nbf === undefined || payload.nbf <= now) ? payload : undefined;
};

/** HS256 with the shared secret, or RS256/ES256 with the identity provider's key set, as the token's header says. */
async function verified(token: string, config: AuthConfig): Promise<{ payload: JWTPayload } | { refused: Authentication }> {
  const options = {
    requiredClaims: ['sub', 'exp'],
    ...(config.issuer ? { issuer: config.issuer } : {}),
    ...(config.audience ? { audience: config.audience } : {}),
  };
  let alg: string | undefined;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    return { refused: failed('invalid', 'invalid token: not a JWT') };
  }
  if (alg === 'HS256') {
    if (!config.jwtSecret) return { refused: failed('invalid', 'HS256 tokens are not accepted here: no JWT secret configured') };
    const verifiedBefore = verifiedHs256Of(config);
    const known = stillValid(verifiedBefore.get(token));
    if (known) return { payload: known };
    const { payload } = await jwtVerify(token, secretKeyOf(config as AuthConfig & { jwtSecret: string }), { ...options, algorithms: ['HS256'] });
    remember(verifiedBefore, token, payload);
    return { payload };
  }
  if (alg === 'RS256' || alg === 'ES256') {
    if (!config.jwksUrl) return { refused: failed('invalid', `${alg} tokens are not accepted here: no key set (GANTRY_JWKS_URL) configured`) };
    return { payload: (await jwtVerify(token, keySetOf(config as AuthConfig & { jwksUrl: string }), { ...options, algorithms: ['RS256', 'ES256'] })).payload };
  }
  return { refused: failed('invalid', `unsupported token algorithm ${JSON.stringify(alg)}: use HS256, RS256 or ES256`) };
}

const NAME = (value: unknown): value is string => typeof value === 'string' && value.length > 0 && value.length <= 256;

/** An agent's scope from its token's claims `environment` and `targets`; a malformed claim gives no scope (nothing to pull). */
function agentScopeOf(payload: JWTPayload): AgentScope | undefined {
  const { environment, targets } = payload as { environment?: unknown; targets?: unknown };
  if (!NAME(environment)) return undefined;
  if (targets === undefined) return { environment };
  if (!Array.isArray(targets) || targets.length > 1000 || !targets.every(NAME)) return undefined;
  return { environment, targets };
}

async function bearer(authorization: string, config: AuthConfig, channel: Channel): Promise<Authentication> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match) return failed('invalid', 'unsupported Authorization scheme: use Bearer');
  if (!config.jwtSecret && !config.jwksUrl) return failed('invalid', 'bearer tokens are not accepted here: no JWT secret or key set configured');
  const token = match[1];
  if (token.length > MAX_CREDENTIAL_LENGTH) return failed('invalid', 'token too long');
  try {
    const result = await verified(token, config);
    if ('refused' in result) return result.refused;
    const { payload } = result;
    const roles = payload.roles ?? [];
    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 256) {
      return failed('invalid', 'token subject (sub) must be a non-empty string');
    }
    if (!Array.isArray(roles)) return failed('invalid', 'token claim roles must be an array of strings');
    const { org } = payload;
    if (org !== undefined && (typeof org !== 'string' || org.length === 0 || org.length > 200)) return failed('invalid', 'token claim org must be a non-empty string');
    const agentScope = agentScopeOf(payload);
    return authenticated({ subject: payload.sub, roles: knownRoles(roles), channel, kind: 'user', ...(org === undefined ? {} : { organisation: org }), ...(agentScope ? { agentScope } : {}) });
  } catch (error) {
    if (error instanceof errors.JWTExpired) return failed('expired', 'token expired');
    if (error instanceof errors.JWKSTimeout || (!(error instanceof errors.JOSEError) && config.jwksUrl)) {
      throw new IdentityProviderUnavailable(`the identity provider's key set could not be fetched: ${(error as Error).message}`);
    }
    if (error instanceof errors.JOSEError) return failed('invalid', `invalid token: ${error.message}`);
    throw error;
  }
}

const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

async function systemKey(key: string, config: AuthConfig, channel: Channel): Promise<Authentication> {
  if (key.length > MAX_CREDENTIAL_LENGTH) return failed('invalid', 'invalid API key');
  const presented = sha256(key);
  // compare with every configured entry, in constant time each, so timing tells nothing about the stored hashes
  const match = config.apiKeys.filter((entry) => timingSafeEqual(presented, Buffer.from(entry.sha256, 'hex')))[0];
  if (match) return authenticated({ subject: match.name, roles: [...match.roles], channel, kind: 'system' });
  // keys issued at run time are looked up by their hash (an index lookup: the hash of a random key tells nothing)
  const issued = await config.keyDirectory?.find(presented.toString('hex'));
  if (!issued) return failed('invalid', 'invalid API key');
  await config.keyDirectory!.used(issued.keyId).catch(() => undefined);
  return authenticated({ subject: issued.name, roles: [...issued.roles], channel, kind: 'system' });
}
