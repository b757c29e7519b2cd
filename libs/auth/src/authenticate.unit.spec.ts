import { Metadata } from '@grpc/grpc-js';
import { SignJWT, UnsecuredJWT } from 'jose';
import { authenticate, authenticateGrpcMetadata } from './authenticate';
import { authConfigFromEnv, AuthConfigError, type AuthConfig } from './config';
import { hashApiKey, mintToken } from './tokens';

const secret = 'a-test-secret-that-is-long-enough-for-hs256';
const config: AuthConfig = {
  jwtSecret: secret,
  apiKeys: [{ name: 'servicenow', sha256: hashApiKey('sn-key-1'), roles: ['change-manager'] }],
};
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const key = (value: string) => new TextEncoder().encode(value);

describe('authenticate: bearer tokens', () => {
  it('accepts a valid HS256 token and keeps only known roles', async () => {
    const token = await mintToken(secret, { sub: 'alice', roles: ['deployment-manager', 'wizard'] });
    expect(await authenticate(bearer(token), config)).toEqual({
      ok: true,
      identity: { subject: 'alice', roles: ['deployment-manager'], channel: 'rest', kind: 'user' },
    });
  });

  it("names a supplier's engineer's organisation from the org claim; an org that is not a string is refused", async () => {
    const token = await mintToken(secret, { sub: 'sam', roles: ['supplier-engineer'], org: 'rackworks' });
    expect(await authenticate(bearer(token), config)).toEqual({
      ok: true,
      identity: { subject: 'sam', roles: ['supplier-engineer'], channel: 'rest', kind: 'user', organisation: 'rackworks' },
    });
    const badOrg = await new SignJWT({ roles: ['supplier-engineer'], org: ['rackworks'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('sam').setExpirationTime('1h').sign(key(secret));
    expect(await authenticate(bearer(badOrg), config)).toEqual({ ok: false, failure: 'invalid', reason: 'token claim org must be a non-empty string' });
  });

  it('refuses an expired token as expired', async () => {
    const token = await mintToken(secret, { sub: 'alice', roles: ['auditor'], expiresIn: -60 });
    expect(await authenticate(bearer(token), config)).toEqual({ ok: false, failure: 'expired', reason: 'token expired' });
  });

  it('refuses a token it accepted before once it expires, and under a configuration with another secret', async () => {
    const token = await mintToken(secret, { sub: 'alice', roles: ['auditor'], expiresIn: 60 });
    expect(await authenticate(bearer(token), config)).toMatchObject({ ok: true });
    expect(await authenticate(bearer(token), config)).toMatchObject({ ok: true });
    expect(await authenticate(bearer(token), { ...config, jwtSecret: 'another-secret-that-is-long-enough-for-hs256' })).toMatchObject({ ok: false, failure: 'invalid' });
    jest.useFakeTimers({ now: Date.now() + 61_000, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      expect(await authenticate(bearer(token), config)).toEqual({ ok: false, failure: 'expired', reason: 'token expired' });
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses a token that is not yet valid (nbf)', async () => {
    const token = await new SignJWT({ roles: ['auditor'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setNotBefore('1h')
      .setExpirationTime('2h')
      .sign(key(secret));
    expect(await authenticate(bearer(token), config)).toMatchObject({ failure: 'invalid' });
  });

  it('refuses a token signed with another secret', async () => {
    const token = await mintToken('another-secret-that-is-long-enough-too', { sub: 'mallory', roles: ['admin'] });
    expect(await authenticate(bearer(token), config)).toEqual({
      ok: false,
      failure: 'invalid',
      reason: 'invalid token: signature verification failed',
    });
  });

  it("refuses alg 'none' and algorithms other than HS256", async () => {
    const unsecured = new UnsecuredJWT({ roles: ['admin'] }).setSubject('mallory').setExpirationTime('1h').encode();
    expect(await authenticate(bearer(unsecured), config)).toMatchObject({ failure: 'invalid' });
    const hs512 = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject('mallory')
      .setExpirationTime('1h')
      .sign(key(secret + secret));
    expect(await authenticate(bearer(hs512), { ...config, jwtSecret: secret + secret })).toMatchObject({ failure: 'invalid' });
  });

  it('refuses a token without expiry, subject, or with roles that are not a list', async () => {
    const noExp = await new SignJWT({ roles: ['admin'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('a').sign(key(secret));
    expect(await authenticate(bearer(noExp), config)).toMatchObject({ failure: 'invalid' });
    const noSub = await new SignJWT({ roles: ['admin'] }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(key(secret));
    expect(await authenticate(bearer(noSub), config)).toMatchObject({ failure: 'invalid' });
    const badRoles = await new SignJWT({ roles: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('a')
      .setExpirationTime('1h')
      .sign(key(secret));
    expect(await authenticate(bearer(badRoles), config)).toEqual({
      ok: false,
      failure: 'invalid',
      reason: 'token claim roles must be an array of strings',
    });
  });

  it('checks issuer and audience when configured', async () => {
    const strict = { ...config, issuer: 'https://idp.example', audience: 'gantry' };
    const good = await mintToken(secret, { sub: 'a', roles: ['auditor'], issuer: 'https://idp.example', audience: 'gantry' });
    expect(await authenticate(bearer(good), strict)).toMatchObject({ ok: true, identity: { subject: 'a' } });
    const otherAudience = await mintToken(secret, { sub: 'a', roles: ['auditor'], issuer: 'https://idp.example', audience: 'x' });
    expect(await authenticate(bearer(otherAudience), strict)).toMatchObject({ failure: 'invalid' });
    const noIssuer = await mintToken(secret, { sub: 'a', roles: ['auditor'], audience: 'gantry' });
    expect(await authenticate(bearer(noIssuer), strict)).toMatchObject({ failure: 'invalid' });
  });

  it('refuses other schemes, garbage, and bearer tokens where no secret is configured', async () => {
    expect(await authenticate({ authorization: 'Basic YWxpY2U6cw==' }, config)).toMatchObject({ failure: 'invalid' });
    expect(await authenticate(bearer('not.a.jwt'), config)).toMatchObject({ failure: 'invalid' });
    const token = await mintToken(secret, { sub: 'alice', roles: ['admin'] });
    expect(await authenticate(bearer(token), { apiKeys: [] })).toMatchObject({ failure: 'invalid' });
  });

  it('reports nothing presented as missing', async () => {
    expect(await authenticate({}, config)).toMatchObject({ failure: 'missing' });
    expect(await authenticate({ authorization: '  ' }, config)).toMatchObject({ failure: 'missing' });
  });
});

describe('authenticate: API keys', () => {
  it('accepts a configured key as a system identity', async () => {
    expect(await authenticate({ 'x-api-key': 'sn-key-1' }, config)).toEqual({
      ok: true,
      identity: { subject: 'servicenow', roles: ['change-manager'], channel: 'rest', kind: 'system' },
    });
  });

  it('refuses an unknown key', async () => {
    expect(await authenticate({ 'x-api-key': 'sn-key-2' }, config)).toEqual({ ok: false, failure: 'invalid', reason: 'invalid API key' });
  });
});

describe('authenticateGrpcMetadata', () => {
  it('reads the same credentials from gRPC metadata, channel grpc', async () => {
    const metadata = new Metadata();
    metadata.set('x-api-key', 'sn-key-1');
    expect(await authenticateGrpcMetadata(metadata, config)).toMatchObject({ identity: { subject: 'servicenow', channel: 'grpc' } });
    const token = await mintToken(secret, { sub: 'bob', roles: ['deployment-practitioner'] });
    const withToken = new Metadata();
    withToken.set('authorization', `Bearer ${token}`);
    expect(await authenticateGrpcMetadata(withToken, config)).toMatchObject({ identity: { subject: 'bob', channel: 'grpc', kind: 'user' } });
    expect(await authenticateGrpcMetadata(new Metadata(), config)).toMatchObject({ failure: 'missing' });
  });
});

describe('authConfigFromEnv', () => {
  it('parses secret, issuer, audience and hashed keys, ignoring unknown roles', () => {
    const hash = hashApiKey('k');
    expect(
      authConfigFromEnv({
        GANTRY_JWT_SECRET: secret,
        GANTRY_JWT_ISSUER: 'https://idp.example',
        GANTRY_JWT_AUDIENCE: 'gantry',
        GANTRY_API_KEYS: `servicenow:${hash}:change-manager|wizard, jenkins:${hash.toUpperCase()}:deployment-practitioner`,
      }),
    ).toEqual({
      jwtSecret: secret,
      issuer: 'https://idp.example',
      audience: 'gantry',
      apiKeys: [
        { name: 'servicenow', sha256: hash, roles: ['change-manager'] },
        { name: 'jenkins', sha256: hash, roles: ['deployment-practitioner'] },
      ],
    });
    expect(authConfigFromEnv({})).toEqual({ apiKeys: [] });
  });

  it('stops on a short secret or a malformed key entry', () => {
    expect(() => authConfigFromEnv({ GANTRY_JWT_SECRET: 'short' })).toThrow(AuthConfigError);
    expect(() => authConfigFromEnv({ GANTRY_API_KEYS: 'servicenow:plainkey:admin' })).toThrow(/64 hex digits/);
    expect(() => authConfigFromEnv({ GANTRY_API_KEYS: 'servicenow' })).toThrow(/name:sha256hex/);
  });

  it('takes a JWKS URL over https, or plain http on the loopback interface only', () => {
    expect(authConfigFromEnv({ GANTRY_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json' }).jwksUrl).toBe('https://idp.example.com/.well-known/jwks.json');
    expect(authConfigFromEnv({ GANTRY_JWKS_URL: 'http://127.0.0.1:8080/jwks' }).jwksUrl).toBe('http://127.0.0.1:8080/jwks');
    expect(() => authConfigFromEnv({ GANTRY_JWKS_URL: 'http://idp.example.com/jwks' })).toThrow(/https/);
    expect(() => authConfigFromEnv({ GANTRY_JWKS_URL: 'not a url' })).toThrow(/must be a URL/);
  });
});
