import { createHash, timingSafeEqual } from 'node:crypto';
import type { Metadata } from '@grpc/grpc-js';
import { errors, jwtVerify } from 'jose';
import type { AuthConfig } from './config';
import type { Channel, Identity } from './identity';
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
  if (apiKey) return systemKey(apiKey, config, channel);
  return failed('missing', 'authentication required: send Authorization: Bearer <token> or X-Api-Key');
}

/** The same, for a gRPC call: metadata keys `authorization` and `x-api-key`. */
export function authenticateGrpcMetadata(metadata: Metadata, config: AuthConfig): Promise<Authentication> {
  const text = (key: string) => metadata.get(key).find((v): v is string => typeof v === 'string');
  return authenticate({ authorization: text('authorization'), 'x-api-key': text('x-api-key') }, config, 'grpc');
}

async function bearer(authorization: string, config: AuthConfig, channel: Channel): Promise<Authentication> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (!match) return failed('invalid', 'unsupported Authorization scheme: use Bearer');
  if (!config.jwtSecret) return failed('invalid', 'bearer tokens are not accepted here: no JWT secret configured');
  const token = match[1];
  if (token.length > MAX_CREDENTIAL_LENGTH) return failed('invalid', 'token too long');
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(config.jwtSecret), {
      algorithms: ['HS256'],
      requiredClaims: ['sub', 'exp'],
      ...(config.issuer ? { issuer: config.issuer } : {}),
      ...(config.audience ? { audience: config.audience } : {}),
    });
    const roles = payload.roles ?? [];
    if (typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 256) {
      return failed('invalid', 'token subject (sub) must be a non-empty string');
    }
    if (!Array.isArray(roles)) return failed('invalid', 'token claim roles must be an array of strings');
    return authenticated({ subject: payload.sub, roles: knownRoles(roles), channel, kind: 'user' });
  } catch (error) {
    if (error instanceof errors.JWTExpired) return failed('expired', 'token expired');
    if (error instanceof errors.JOSEError) return failed('invalid', `invalid token: ${error.message}`);
    throw error;
  }
}

const sha256 = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

function systemKey(key: string, config: AuthConfig, channel: Channel): Authentication {
  if (key.length > MAX_CREDENTIAL_LENGTH) return failed('invalid', 'invalid API key');
  const presented = sha256(key);
  // compare with every entry, in constant time each, so timing tells nothing about the stored hashes
  const match = config.apiKeys.filter((entry) => timingSafeEqual(presented, Buffer.from(entry.sha256, 'hex')))[0];
  if (!match) return failed('invalid', 'invalid API key');
  return authenticated({ subject: match.name, roles: [...match.roles], channel, kind: 'system' });
}
