import { claimsOf } from '../token';

/**
 * Signing in with the installation's identity provider: OpenID Connect's authorization code flow with PKCE (RFC 7636).
 * The console is a public client: nothing in a browser stays secret, so the code is bound to this browser by a code
 * verifier only it knows, and the answer to this sign-in by a `state` and a `nonce` only it knows. The access token the
 * provider issues for Gantry's audience is a JWT, the bearer token the services check against the provider's key set.
 * This file holds the flow's pure parts; `provider-sign-in.ts` its steps in the browser.
 */

/** `console-config.json`'s `oidc`: the provider, the console's client there, and what to ask it for. */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** scopes besides `openid`, space-separated */
  scope?: string;
  /** the audience of the access token, sent as RFC 8707's `resource` (for providers that take it) */
  audience?: string;
  /** the provider's name on the sign-in button (default: the issuer's host) */
  name?: string;
}

export function oidcSettingsOf(raw: unknown): OidcSettings | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const { issuer, clientId, scope, audience, name } = raw as Record<string, unknown>;
  if (typeof issuer !== 'string' || !URL.canParse(issuer) || typeof clientId !== 'string' || !clientId) return undefined;
  const optional = Object.entries({ scope, audience, name }).filter(([, value]) => typeof value === 'string' && value);
  return { issuer, clientId, ...Object.fromEntries(optional) };
}

export const providerName = (settings: OidcSettings): string => settings.name ?? new URL(settings.issuer).host;

/** The provider's discovery document, as much of it as the console uses (OpenID Connect Discovery 1.0). */
export interface ProviderMetadata {
  issuer: string;
  authorization_endpoint: string;
  token_endpoint: string;
}

export const discoveryUrl = (issuer: string): string => `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;

/** What the console keeps, in this tab only, between sending the browser to the provider and its return. */
export interface PendingSignIn {
  issuer: string;
  tokenEndpoint: string;
  /** the console's own URL, where the provider sends the browser back */
  redirectUri: string;
  /** the place (the URL's fragment) to go back to once signed in */
  returnTo: string;
  state: string;
  nonce: string;
  codeVerifier: string;
}

const base64url = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** 32 random bytes, base64url: a code verifier (43 characters), a state, a nonce. */
export const randomValue = (): string => base64url(crypto.getRandomValues(new Uint8Array(32)));

/** S256: the base64url SHA-256 of the code verifier, what the authorization request carries instead of the verifier. */
export const codeChallengeOf = async (codeVerifier: string): Promise<string> =>
  base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(codeVerifier))));

/** `openid` and the configured scopes, each once. */
export const scopeOf = (settings: OidcSettings): string => [...new Set(['openid', ...(settings.scope ?? '').split(/\s+/).filter(Boolean)])].join(' ');

export function authorizationUrl(endpoint: string, settings: OidcSettings, pending: PendingSignIn, codeChallenge: string): string {
  const url = new URL(endpoint);
  const params = {
    response_type: 'code',
    client_id: settings.clientId,
    redirect_uri: pending.redirectUri,
    scope: scopeOf(settings),
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: codeChallenge,
    code_challenge_method: 'S256',
    ...(settings.audience ? { resource: settings.audience } : {}),
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

/** The code exchanged for tokens at the token endpoint: a public client proves itself with the code verifier. */
export const tokenRequestBody = (settings: OidcSettings, pending: PendingSignIn, code: string): URLSearchParams =>
  new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: pending.redirectUri,
    client_id: settings.clientId,
    code_verifier: pending.codeVerifier,
    ...(settings.audience ? { resource: settings.audience } : {}),
  });

/** The provider's answer to the authorization request, in the query of the redirect URI (RFC 6749 4.1.2; `iss`: RFC 9207). */
export type ProviderAnswer =
  | { kind: 'code'; code: string; state?: string; iss?: string }
  | { kind: 'error'; error: string; description?: string; state?: string; iss?: string };

const ANSWER_PARAMETERS = ['code', 'state', 'iss', 'error', 'error_description', 'error_uri', 'session_state'];

export function answerIn(url: string): ProviderAnswer | undefined {
  const query = new URL(url).searchParams;
  const optional = (name: string) => (query.get(name) ? { [name === 'error_description' ? 'description' : name]: query.get(name)! } : {});
  const code = query.get('code');
  const error = query.get('error');
  if (error) return { kind: 'error', error, ...optional('error_description'), ...optional('state'), ...optional('iss') };
  if (code) return { kind: 'code', code, ...optional('state'), ...optional('iss') };
  return undefined;
}

/** The URL without the provider's answer (the console's places are in its fragment, which stays). */
export function withoutAnswer(url: string): string {
  const clean = new URL(url);
  for (const name of ANSWER_PARAMETERS) clean.searchParams.delete(name);
  return clean.toString();
}

/** Why signing in with the provider did not give a token the console can use. */
export type SignInFailure =
  | { failure: 'ProviderUnreachable'; reason: string }
  | { failure: 'StateMismatch' }
  | { failure: 'RefusedByProvider'; error: string; description?: string }
  | { failure: 'TokenNotIssued'; reason: string }
  | { failure: 'NotFromProvider'; reason: string }
  | { failure: 'NotAJwt' };

export function describeSignInFailure(failure: SignInFailure, provider: string): string {
  switch (failure.failure) {
    case 'ProviderUnreachable':
      return `${provider} could not be reached (${failure.reason}). Try again; if it persists, the console's identity provider settings may be wrong.`;
    case 'StateMismatch':
      return `The answer that came back does not belong to a sign-in this console started (its state differs): it was refused. Sign in again.`;
    case 'RefusedByProvider':
      return failure.error === 'access_denied'
        ? `${provider} did not sign you in (access denied${failure.description ? `: ${failure.description}` : ''}).`
        : `${provider} refused the sign-in: ${failure.error}${failure.description ? `: ${failure.description}` : ''}.`;
    case 'TokenNotIssued':
      return `${provider} issued no token for this sign-in (${failure.reason}).`;
    case 'NotFromProvider':
      return `The sign-in was refused: ${failure.reason}.`;
    case 'NotAJwt':
      return `${provider} issued an access token that is not a JWT, which Gantry cannot check: its audience for Gantry must issue JWT access tokens.`;
    default: {
      const never: never = failure;
      return never;
    }
  }
}

/** The code, if the answer is to the sign-in under way: the state this console sent, from the provider it went to (RFC 9207's `iss` if given). */
export function codeIn(answer: ProviderAnswer, pending: PendingSignIn | undefined): { code: string; pending: PendingSignIn } | SignInFailure {
  if (!pending || answer.state !== pending.state) return { failure: 'StateMismatch' };
  if (answer.iss !== undefined && answer.iss !== pending.issuer) return { failure: 'NotFromProvider', reason: `the answer names the issuer ${answer.iss}, not ${pending.issuer}` };
  if (answer.kind === 'error') return { failure: 'RefusedByProvider', error: answer.error, ...(answer.description ? { description: answer.description } : {}) };
  return { code: answer.code, pending };
}

/**
 * The token endpoint's answer: an ID token for this client from this provider carrying this sign-in's nonce (it came
 * straight from the token endpoint over TLS, so its signature need not be checked here: OpenID Connect Core 3.1.3.7),
 * and an access token that is a JWT. The services check the access token's signature, issuer, audience and expiry.
 */
export function accessTokenIn(body: unknown, settings: OidcSettings, pending: PendingSignIn): { token: string } | SignInFailure {
  const { access_token: accessToken, id_token: idToken } = (body && typeof body === 'object' ? body : {}) as { access_token?: unknown; id_token?: unknown };
  if (typeof accessToken !== 'string' || !accessToken) return { failure: 'TokenNotIssued', reason: 'the answer holds no access token' };
  const id = typeof idToken === 'string' ? claimsOf(idToken) : undefined;
  if (!id) return { failure: 'NotFromProvider', reason: 'the answer holds no ID token' };
  if (id.iss !== pending.issuer) return { failure: 'NotFromProvider', reason: `the ID token's issuer is ${String(id.iss)}, not ${pending.issuer}` };
  if (!(Array.isArray(id.aud) ? id.aud.includes(settings.clientId) : id.aud === settings.clientId)) return { failure: 'NotFromProvider', reason: 'the ID token is not for this console' };
  if (id.nonce !== pending.nonce) return { failure: 'NotFromProvider', reason: "the ID token's nonce is not this sign-in's" };
  const access = claimsOf(accessToken);
  if (!access || typeof access.exp !== 'number') return { failure: 'NotAJwt' };
  return { token: accessToken };
}
