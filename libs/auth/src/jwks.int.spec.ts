import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { authenticate, IdentityProviderUnavailable } from './authenticate';
import type { AuthConfig } from './config';
import { mintToken } from './tokens';

/** An identity provider of the test's own: a real HTTP server serving its JSON Web Key Set. */
describe('bearer tokens signed by an identity provider (JWKS: RS256 and ES256, rotation by kid)', () => {
  let server: Server;
  let url: string;
  let served: JWK[] = [];
  let fetches = 0;
  const keys: Record<string, { privateKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"]; jwk: JWK; alg: 'RS256' | 'ES256' }> = {};

  const sign = (kid: string, claims: { sub?: string; roles?: string[]; exp?: string } = {}) =>
    new SignJWT({ roles: claims.roles ?? ['auditor'] })
      .setProtectedHeader({ alg: keys[kid].alg, kid })
      .setSubject(claims.sub ?? 'ada@idp')
      .setIssuedAt()
      .setExpirationTime(claims.exp ?? '5m')
      .sign(keys[kid].privateKey);
  const config = (): AuthConfig => ({ apiKeys: [], jwksUrl: url, jwksCooldownMs: 0 });
  const as = (token: string, c: AuthConfig) => authenticate({ authorization: `Bearer ${token}` }, c);

  beforeAll(async () => {
    for (const [kid, alg] of [['rsa-2026', 'RS256'], ['ec-2026', 'ES256'], ['ec-2027', 'ES256'], ['rogue', 'ES256']] as const) {
      const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
      keys[kid] = { privateKey, alg, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
    }
    served = [keys['rsa-2026'].jwk, keys['ec-2026'].jwk];
    server = createServer((_req, res) => {
      fetches += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: served }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('accepts RS256 and ES256 tokens by their kid, with the roles they carry', async () => {
    const c = config();
    expect(await as(await sign('rsa-2026', { roles: ['deployment-manager'] }), c)).toMatchObject({ ok: true, identity: { subject: 'ada@idp', roles: ['deployment-manager'], kind: 'user' } });
    expect(await as(await sign('ec-2026'), c)).toMatchObject({ ok: true, identity: { roles: ['auditor'] } });
  });

  it('a key the provider rotated in is fetched when a token names it; a key it never published is refused', async () => {
    const c = config();
    expect((await as(await sign('ec-2026'), c)).ok).toBe(true);
    const before = fetches;
    expect(await as(await sign('ec-2027'), c)).toMatchObject({ ok: false, failure: 'invalid' });
    served = [...served, keys['ec-2027'].jwk];
    expect(await as(await sign('ec-2027'), c)).toMatchObject({ ok: true });
    expect(fetches).toBeGreaterThan(before);
    expect(await as(await sign('rogue'), c)).toMatchObject({ ok: false, failure: 'invalid' });
  });

  it('refuses expired tokens, tokens whose kid names another key, HS256 without a secret, and alg none', async () => {
    const c = config();
    expect(await as(await sign('ec-2026', { exp: '-1m' }), c)).toMatchObject({ ok: false, failure: 'expired' });
    const forged = await new SignJWT({ roles: ['admin'] }).setProtectedHeader({ alg: 'ES256', kid: 'ec-2026' }).setSubject('mallory').setExpirationTime('5m').sign(keys.rogue.privateKey);
    expect(await as(forged, c)).toMatchObject({ ok: false, failure: 'invalid' });
    expect(await as(await mintToken('a-shared-secret-of-at-least-32-characters', { sub: 'x', roles: ['admin'] }), c)).toMatchObject({ ok: false, reason: expect.stringMatching(/no JWT secret/) });
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"x","roles":["admin"]}').toString('base64url')}.`;
    expect(await as(none, c)).toMatchObject({ ok: false, failure: 'invalid' });
    expect(await as('not-a-jwt', c)).toMatchObject({ ok: false, failure: 'invalid' });
  });

  it('an identity provider that cannot be reached is an outage (503), not a bad token', async () => {
    const unreachable: AuthConfig = { apiKeys: [], jwksUrl: 'http://127.0.0.1:9/jwks.json', jwksCooldownMs: 0 };
    await expect(as(await sign('ec-2026'), unreachable)).rejects.toBeInstanceOf(IdentityProviderUnavailable);
  });
});
