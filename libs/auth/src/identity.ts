import type { Role } from './roles';

/** The door a request came through. */
export type Channel = 'rest' | 'grpc' | 'kafka' | 'system';

/**
 * Who is acting. A `user` proved it with a JWT bearer token, a `system` (an ITSM suite, a pipeline) with an
 * API key. Recorded as the actor of every event it causes.
 */
export interface Identity {
  subject: string;
  roles: readonly Role[];
  channel: Channel;
  kind: 'user' | 'system';
  /** the supplier organisation a user works for (the token's `org` claim); absent for the organisation's own staff */
  organisation?: string;
  /** an agent's token: the environment (and, where named, the targets) it may pull steps for */
  agentScope?: AgentScope;
}

/** What an agent's token lets it pull: claims `environment` and optional `targets`. */
export interface AgentScope {
  environment: string;
  targets?: readonly string[];
}
