import { accessTokenIn, answerIn, authorizationUrl, codeChallengeOf, codeIn, oidcSettingsOf, randomValue, scopeOf, tokenRequestBody, withoutAnswer, type PendingSignIn } from './oidc';
import { aJwt } from './test-fixtures';

const settings = { issuer: 'https://sso.example.com/realms/acme', clientId: 'gantry-console', audience: 'https://gantry.example.com' };
const pending: PendingSignIn = {
  issuer: settings.issuer,
  tokenEndpoint: 'https://sso.example.com/realms/acme/protocol/openid-connect/token',
  redirectUri: 'https://gantry.example.com/',
  returnTo: '#/deployments/d-1',
  state: 'the-state',
  nonce: 'the-nonce',
  codeVerifier: 'dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
};

describe('PKCE', () => {
  it("derives S256's code challenge from the code verifier (RFC 7636, appendix B)", async () =>
    expect(await codeChallengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'));

  it('makes verifiers, states and nonces of 43 unreserved characters, a new one each time', () => {
    const values = Array.from({ length: 20 }, randomValue);
    for (const value of values) expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(values).size).toBe(20);
  });

  it("asks for the code with the challenge, never the verifier, and exchanges it with the verifier", async () => {
    const url = new URL(authorizationUrl('https://sso.example.com/auth?kc_idp_hint=x', settings, pending, await codeChallengeOf(pending.codeVerifier)));
    expect(Object.fromEntries(url.searchParams)).toEqual({
      kc_idp_hint: 'x',
      response_type: 'code',
      client_id: 'gantry-console',
      redirect_uri: 'https://gantry.example.com/',
      scope: 'openid',
      state: 'the-state',
      nonce: 'the-nonce',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
      resource: 'https://gantry.example.com',
    });
    expect(Object.fromEntries(tokenRequestBody(settings, pending, 'the-code'))).toEqual({
      grant_type: 'authorization_code',
      code: 'the-code',
      redirect_uri: 'https://gantry.example.com/',
      client_id: 'gantry-console',
      code_verifier: pending.codeVerifier,
      resource: 'https://gantry.example.com',
    });
  });
});

it('reads the settings of console-config.json, ignoring what is not a provider', () => {
  expect(oidcSettingsOf({ issuer: 'https://sso.example.com', clientId: 'c', scope: 'profile', name: '' })).toEqual({ issuer: 'https://sso.example.com', clientId: 'c', scope: 'profile' });
  for (const raw of [undefined, 'x', { issuer: 'not a url', clientId: 'c' }, { issuer: 'https://sso.example.com' }, { issuer: 'https://sso.example.com', clientId: '' }]) expect(oidcSettingsOf(raw)).toBeUndefined();
  expect(scopeOf({ ...settings, scope: ' api://gantry/use  openid profile' })).toBe('openid api://gantry/use profile');
});

describe("the provider's answer on the redirect URI", () => {
  it('is read from the query, beside the fragment that holds the place', () => {
    expect(answerIn('https://gantry.example.com/?code=abc&state=s1&iss=https%3A%2F%2Fsso.example.com#/kpis')).toEqual({ kind: 'code', code: 'abc', state: 's1', iss: 'https://sso.example.com' });
    expect(answerIn('https://gantry.example.com/?error=access_denied&error_description=End-User+aborted&state=s1')).toEqual({ kind: 'error', error: 'access_denied', description: 'End-User aborted', state: 's1' });
    expect(answerIn('https://gantry.example.com/#/deployments')).toBeUndefined();
    expect(answerIn('https://gantry.example.com/?state=s1')).toBeUndefined();
  });

  it('is taken out of the URL, anything else left', () => {
    expect(withoutAnswer('https://gantry.example.com/console/?code=abc&state=s1&session_state=x&iss=y#/kpis')).toBe('https://gantry.example.com/console/#/kpis');
    expect(withoutAnswer('https://gantry.example.com/?lang=en&error=access_denied&error_description=no&state=s1')).toBe('https://gantry.example.com/?lang=en');
  });

  it("gives the code only when it answers this tab's sign-in, from its provider", () => {
    expect(codeIn({ kind: 'code', code: 'abc', state: 'the-state', iss: settings.issuer }, pending)).toEqual({ code: 'abc', pending });
    expect(codeIn({ kind: 'code', code: 'abc', state: 'another-state' }, pending)).toEqual({ failure: 'StateMismatch' });
    expect(codeIn({ kind: 'code', code: 'abc' }, pending)).toEqual({ failure: 'StateMismatch' });
    expect(codeIn({ kind: 'code', code: 'abc', state: 'the-state' }, undefined)).toEqual({ failure: 'StateMismatch' });
    expect(codeIn({ kind: 'code', code: 'abc', state: 'the-state', iss: 'https://evil.example.com' }, pending)).toMatchObject({ failure: 'NotFromProvider' });
    expect(codeIn({ kind: 'error', error: 'access_denied', description: 'End-User aborted interaction', state: 'the-state' }, pending)).toEqual({
      failure: 'RefusedByProvider',
      error: 'access_denied',
      description: 'End-User aborted interaction',
    });
  });
});

describe("the token endpoint's answer", () => {
  const idToken = (claims: Record<string, unknown> = {}) => aJwt({ iss: settings.issuer, aud: settings.clientId, nonce: 'the-nonce', sub: 'dora', ...claims });
  const accessToken = aJwt({ iss: settings.issuer, aud: settings.audience, sub: 'dora', exp: 2_000_000_000, roles: ['auditor'] });

  it("gives the access token when the ID token is this sign-in's", () => {
    expect(accessTokenIn({ access_token: accessToken, id_token: idToken(), token_type: 'Bearer' }, settings, pending)).toEqual({ token: accessToken });
    expect(accessTokenIn({ access_token: accessToken, id_token: idToken({ aud: ['other', settings.clientId] }) }, settings, pending)).toEqual({ token: accessToken });
  });

  it("refuses an ID token of another sign-in, client or issuer, and an access token that is not a JWT", () => {
    expect(accessTokenIn({ access_token: accessToken, id_token: idToken({ nonce: 'replayed' }) }, settings, pending)).toEqual({ failure: 'NotFromProvider', reason: "the ID token's nonce is not this sign-in's" });
    expect(accessTokenIn({ access_token: accessToken, id_token: idToken({ aud: 'another-client' }) }, settings, pending)).toMatchObject({ failure: 'NotFromProvider' });
    expect(accessTokenIn({ access_token: accessToken, id_token: idToken({ iss: 'https://evil.example.com' }) }, settings, pending)).toMatchObject({ failure: 'NotFromProvider' });
    expect(accessTokenIn({ access_token: accessToken }, settings, pending)).toMatchObject({ failure: 'NotFromProvider' });
    expect(accessTokenIn({ access_token: 'opaque-Zm9vYmFy', id_token: idToken() }, settings, pending)).toEqual({ failure: 'NotAJwt' });
    expect(accessTokenIn({ id_token: idToken() }, settings, pending)).toMatchObject({ failure: 'TokenNotIssued' });
  });
});
