import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { errors, type IssuedToken, type ProviderClient } from 'oidc-provider';

/**
 * A real OpenID provider for the console's sign-in: panva's oidc-provider (a certified OP) on 127.0.0.1, with its
 * development login page (any password), a public client that must use PKCE, and JWT access tokens (RS256) for one
 * resource indicator, Gantry's audience, carrying each account's `roles` claim as given here.
 */
export interface ProviderAccount {
  /** the `roles` claim of the account's access tokens, as the provider puts it (an array, or a wrong shape) */
  roles: unknown;
  /** how long the account's access tokens live (default 10 minutes) */
  accessTokenSeconds?: number;
}

export interface IdentityProvider {
  issuer: string;
  jwksUrl: string;
  /**
   * Opens the provider to the console's client, once the console's URL (its redirect URI) is known: the provider has
   * to be listening first, so that the console's process can be started with its issuer and key set.
   */
  admit(client: { clientId: string; redirectUri: string }): void;
  /** stops answering: from then on, the provider cannot be reached */
  close(): Promise<void>;
}

export async function startIdentityProvider({ audience, accounts }: { audience: string; accounts: Record<string, ProviderAccount> }): Promise<IdentityProvider> {
  const server = createServer((_request, response) => response.writeHead(503).end('the provider has not admitted its client yet'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

  const admit = ({ clientId, redirectUri }: { clientId: string; redirectUri: string }) => {
    const provider = new Provider(issuer, {
      clients: [{ client_id: clientId, token_endpoint_auth_method: 'none', redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
      jwks: { keys: [{ ...key, kid: 'gantry-e2e', alg: 'RS256', use: 'sig' }] },
      cookies: { keys: [randomBytes(32).toString('hex')] },
      pkce: { required: () => true },
      features: {
        devInteractions: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => audience,
          useGrantedResource: () => true,
          getResourceServerInfo: (_ctx: unknown, resource: string) => {
            if (resource !== audience) throw new errors.InvalidTarget(`only ${audience} is served here`);
            return { scope: 'gantry', audience, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
          },
        },
      },
      findAccount: (_ctx: unknown, id: string) => (accounts[id] ? { accountId: id, claims: () => ({ sub: id }) } : undefined),
      extraTokenClaims: (_ctx: unknown, token: IssuedToken) => (token.kind === 'AccessToken' && token.accountId ? { roles: accounts[token.accountId]?.roles } : undefined),
      ttl: {
        AccessToken: (_ctx: unknown, token: IssuedToken) => (token.accountId && accounts[token.accountId]?.accessTokenSeconds) || 600,
        ...Object.fromEntries(['AuthorizationCode', 'IdToken', 'Interaction', 'Session', 'Grant'].map((artifact) => [artifact, 600])),
      },
      // the token endpoint answers the console's origin (a browser's fetch), and no other
      clientBasedCORS: (_ctx: unknown, origin: string, client: ProviderClient) => client.redirectUris.some((uri) => new URL(uri).origin === origin),
    });
    server.removeAllListeners('request');
    server.on('request', provider.callback());
  };

  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.closeAllConnections();
      server.close((error) => (error ? reject(error) : resolve()));
    });
  return { issuer, jwksUrl: `${issuer}/jwks`, admit, close };
}
