import {
  accessTokenIn,
  answerIn,
  authorizationUrl,
  codeChallengeOf,
  codeIn,
  describeSignInFailure,
  discoveryUrl,
  providerName,
  randomValue,
  tokenRequestBody,
  withoutAnswer,
  type OidcSettings,
  type PendingSignIn,
  type ProviderMetadata,
  type SignInFailure,
} from './oidc';

/** The sign-in under way, in this tab's storage: it survives the trip to the provider and back, and is used once. */
const PENDING_KEY = 'gantry.console.oidc-sign-in';
const PROVIDER_TIMEOUT_MS = 10_000;

const unreachable = (error: unknown): SignInFailure => ({ failure: 'ProviderUnreachable', reason: error instanceof Error ? error.message : String(error) });

async function discover(settings: OidcSettings): Promise<ProviderMetadata | SignInFailure> {
  let metadata: Partial<ProviderMetadata>;
  try {
    const response = await fetch(discoveryUrl(settings.issuer), { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) });
    if (!response.ok) return unreachable(`its discovery document answered HTTP ${response.status}`);
    metadata = (await response.json()) as Partial<ProviderMetadata>;
  } catch (error) {
    return unreachable(error);
  }
  if (metadata.issuer !== settings.issuer) return { failure: 'NotFromProvider', reason: `the discovery document names the issuer ${String(metadata.issuer)}, not ${settings.issuer}` };
  if (typeof metadata.authorization_endpoint !== 'string' || typeof metadata.token_endpoint !== 'string') return unreachable('its discovery document names no authorization or token endpoint');
  return metadata as ProviderMetadata;
}

/** Sends the browser to the provider's sign-in; a failure before that is returned. */
export async function beginSignIn(settings: OidcSettings): Promise<SignInFailure | undefined> {
  const metadata = await discover(settings);
  if ('failure' in metadata) return metadata;
  const here = new URL(window.location.href);
  const pending: PendingSignIn = {
    issuer: metadata.issuer,
    tokenEndpoint: metadata.token_endpoint,
    redirectUri: `${here.origin}${here.pathname}`,
    returnTo: here.hash,
    state: randomValue(),
    nonce: randomValue(),
    codeVerifier: randomValue(),
  };
  sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  window.location.assign(authorizationUrl(metadata.authorization_endpoint, settings, pending, await codeChallengeOf(pending.codeVerifier)));
  return undefined;
}

function takePending(): PendingSignIn | undefined {
  const saved = sessionStorage.getItem(PENDING_KEY);
  sessionStorage.removeItem(PENDING_KEY);
  try {
    return saved ? (JSON.parse(saved) as PendingSignIn) : undefined;
  } catch {
    return undefined;
  }
}

async function exchange(settings: OidcSettings, pending: PendingSignIn, code: string): Promise<{ token: string } | SignInFailure> {
  let response: Response;
  let body: unknown;
  try {
    response = await fetch(pending.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: tokenRequestBody(settings, pending, code),
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    });
    body = await response.json().catch(() => undefined);
  } catch (error) {
    return unreachable(error);
  }
  if (!response.ok) {
    const { error, error_description: description } = (body ?? {}) as { error?: unknown; error_description?: unknown };
    return { failure: 'TokenNotIssued', reason: [`HTTP ${response.status}`, error, description].filter((part) => typeof part === 'string' || typeof part === 'number').join(': ') };
  }
  return accessTokenIn(body, settings, pending);
}

/**
 * On the console's load: the provider's answer, if the browser comes back with one, taken out of the address bar at
 * once (a reload does not send the code again) and, when it answers this tab's sign-in, exchanged for the token.
 */
export async function signInOnReturn(settings: OidcSettings): Promise<{ token: string } | { problem: string } | undefined> {
  const answer = answerIn(window.location.href);
  if (!answer) return undefined;
  const pending = takePending();
  const clean = new URL(withoutAnswer(window.location.href));
  if (pending) clean.hash = pending.returnTo;
  window.history.replaceState(null, '', clean);
  const answered = codeIn(answer, pending);
  const result = 'failure' in answered ? answered : await exchange(settings, answered.pending, answered.code);
  return 'token' in result ? result : { problem: describeSignInFailure(result, providerName(settings)) };
}
