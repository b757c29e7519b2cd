/** The part of oidc-provider's API (panva/node-oidc-provider) that e2e/support/identity-provider.ts uses: the package ships no types. */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface IssuedToken {
    kind: string;
    accountId?: string;
  }

  export interface ProviderClient {
    redirectUris: string[];
  }

  export default class Provider {
    constructor(issuer: string, configuration: object);
    callback(): (request: IncomingMessage, response: ServerResponse) => void;
  }

  export const errors: { InvalidTarget: new (description?: string) => Error };
}
