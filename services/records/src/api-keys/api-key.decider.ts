import { refuse, type Decider, type Refused } from '@gantry/decider';
import type { ApiKeyIssued, ApiKeyRevoked } from '@gantry/contracts';

/**
 * An API key of a system, issued and revoked by admins. Only its sha256 is ever recorded; the key is shown once, to
 * the admin who issued it. A revoked key stays revoked.
 */
export type ApiKeyCommand =
  | { type: 'IssueApiKey'; key: ApiKeyIssued }
  | { type: 'RevokeApiKey'; keyId: string; reason: string; by: string; at: string };
export type ApiKeyEvent = { type: 'ApiKeyIssued'; data: ApiKeyIssued } | { type: 'ApiKeyRevoked'; data: ApiKeyRevoked };
export type ApiKeyState = { status: 'none' } | { status: 'active'; key: ApiKeyIssued } | { status: 'revoked'; key: ApiKeyIssued; revoked: ApiKeyRevoked };
export type ApiKeyRefusal = { code: 'ApiKeyNotFound'; keyId: string } | { code: 'ApiKeyIdTaken'; keyId: string };

export const apiKeyDecider: Decider<ApiKeyCommand, ApiKeyEvent, ApiKeyState, ApiKeyRefusal> = {
  initialState: { status: 'none' },
  evolve(state, event) {
    switch (event.type) {
      case 'ApiKeyIssued':
        return { status: 'active', key: event.data };
      case 'ApiKeyRevoked':
        return state.status === 'none' ? state : { status: 'revoked', key: state.key, revoked: event.data };
      default: {
        const unknown: never = event;
        return unknown;
      }
    }
  },
  decide(command, state): readonly ApiKeyEvent[] | Refused<ApiKeyRefusal> {
    switch (command.type) {
      case 'IssueApiKey':
        if (state.status === 'none') return [{ type: 'ApiKeyIssued', data: command.key }];
        return state.key.sha256 === command.key.sha256 ? [] : refuse({ code: 'ApiKeyIdTaken', keyId: command.key.keyId });
      case 'RevokeApiKey':
        if (state.status === 'none') return refuse({ code: 'ApiKeyNotFound', keyId: command.keyId });
        if (state.status === 'revoked') return [];
        return [{ type: 'ApiKeyRevoked', data: { keyId: command.keyId, name: state.key.name, reason: command.reason, revokedBy: command.by, revokedAt: command.at } }];
      default: {
        const unknown: never = command;
        return unknown;
      }
    }
  },
};

export const apiKeyStream = (keyId: string) => ({ streamId: `ApiKey-${keyId}`, streamType: 'ApiKey' });
