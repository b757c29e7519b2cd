import { GantryClient, GantryError, type GantryClientOptions } from '@gantry/client';

/**
 * Where the API is. Served by the embedded default: the same origin. As a static bundle for the distributed mode:
 * `console-config.json` beside index.html, `{"baseUrl": "…"}` (a gateway) or `{"services": {"planning": "…", …}}`.
 */
export type ApiLocation = Pick<GantryClientOptions, 'baseUrl' | 'services'>;

export async function loadApiLocation(): Promise<ApiLocation> {
  const sameOrigin = { baseUrl: window.location.origin };
  try {
    const response = await fetch('./console-config.json', { headers: { accept: 'application/json' } });
    if (!response.ok) return sameOrigin;
    const config = (await response.json()) as ApiLocation;
    return config.baseUrl || config.services ? config : sameOrigin;
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

/** A refusal as a person reads it: the rule's code and message, and its reasons. */
export function describeError(error: unknown): string {
  if (error instanceof GantryError) {
    const reasons = error.reasons?.length ? `: ${error.reasons.join('; ')}` : '';
    return `${error.status}${error.code ? ` ${error.code}` : ''}: ${error.message}${reasons}`;
  }
  return error instanceof Error ? error.message : String(error);
}
