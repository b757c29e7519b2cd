import { GantryClient, GantryError, type GantryClientOptions } from '@gantry/client';
import { oidcSettingsOf, type OidcSettings } from './sign-in/oidc';

/**
 * Where the API is. Served by the embedded default: the same origin. As a static bundle for the distributed mode:
 * `console-config.json` beside index.html, `{"baseUrl": "…"}` (a gateway) or `{"services": {"planning": "…", …}}`.
 */
export type ApiLocation = Pick<GantryClientOptions, 'baseUrl' | 'services'>;

/** `console-config.json`: where the API is, and the identity provider to sign in with (`oidc`), if any. */
export interface ConsoleConfig {
  location: ApiLocation;
  oidc?: OidcSettings;
}

export async function loadConsoleConfig(): Promise<ConsoleConfig> {
  const sameOrigin = { location: { baseUrl: window.location.origin } };
  try {
    const response = await fetch('./console-config.json', { headers: { accept: 'application/json' } });
    if (!response.ok) return sameOrigin;
    const { baseUrl, services, oidc } = (await response.json()) as ApiLocation & { oidc?: unknown };
    const settings = oidcSettingsOf(oidc);
    return { ...(baseUrl || services ? { location: { baseUrl, services } } : sameOrigin), ...(settings ? { oidc: settings } : {}) };
  } catch {
    return sameOrigin;
  }
}

/** What the console signs in with: a bearer token (JWT) or a system's API key. */
export interface Credentials {
  token?: string;
  apiKey?: string;
}

export const gantryClient = (location: ApiLocation, credentials: Credentials, fetch?: typeof globalThis.fetch) => new GantryClient({ ...location, ...credentials, fetch });

/** The services do not take the credentials (expired, or not a token they accept): signing in again is the way on. */
export const refusesCredentials = (error: unknown): error is GantryError => error instanceof GantryError && error.status === 401;

/** A refusal as a person reads it: the rule's code and message, and its reasons. */
export function describeError(error: unknown): string {
  if (error instanceof GantryError) {
    const reasons = error.reasons?.length ? `: ${error.reasons.join('; ')}` : '';
    return `${error.status}${error.code ? ` ${error.code}` : ''}: ${error.message}${reasons}`;
  }
  return error instanceof Error ? error.message : String(error);
}
