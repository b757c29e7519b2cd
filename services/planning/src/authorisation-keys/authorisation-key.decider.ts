import { refuse, sameFacts, type Decider, type Refused } from '@gantry/decider';
import type { AuthorisationKeyRegistered, AuthorisationKeyRevoked, SigningAlgorithm } from '@gantry/contracts';

/** AuthorisationKey: a public key of change enablement trusted to sign authorisations of changes, until it is revoked. */
export type AuthorisationKeyEvent = { type: 'AuthorisationKeyRegistered'; data: AuthorisationKeyRegistered } | { type: 'AuthorisationKeyRevoked'; data: AuthorisationKeyRevoked };

export interface TrustedAuthorisationKey {
  keyId: string;
  algorithm: SigningAlgorithm;
  /** SubjectPublicKeyInfo, PEM */
  publicKey: string;
  owner: string;
  registeredAt: string;
}

export type AuthorisationKey =
  | { status: 'none' }
  | ({ status: 'trusted' } & TrustedAuthorisationKey)
  | ({ status: 'revoked'; reason: string; effectiveAt: string; revokedAt: string } & TrustedAuthorisationKey);

export const initialState: AuthorisationKey = { status: 'none' };

export type AuthorisationKeyCommand =
  | { type: 'RegisterAuthorisationKey'; key: Omit<TrustedAuthorisationKey, 'registeredAt'>; now: string }
  | { type: 'RevokeAuthorisationKey'; keyId: string; reason: string; effectiveAt: string; now: string };

export type AuthorisationKeyRefusal = { code: 'KeyIdTaken'; keyId: string } | { code: 'KeyRevoked'; keyId: string } | { code: 'KeyNotRegistered'; keyId: string };

export function evolve(state: AuthorisationKey, event: AuthorisationKeyEvent): AuthorisationKey {
  switch (event.type) {
    case 'AuthorisationKeyRegistered':
      return { status: 'trusted', ...event.data };
    case 'AuthorisationKeyRevoked':
      return state.status === 'none' ? state : { ...state, status: 'revoked', reason: event.data.reason, effectiveAt: event.data.effectiveAt, revokedAt: event.data.revokedAt };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

export function decide(command: AuthorisationKeyCommand, state: AuthorisationKey): readonly AuthorisationKeyEvent[] | Refused<AuthorisationKeyRefusal> {
  switch (command.type) {
    case 'RegisterAuthorisationKey': {
      const { key } = command;
      if (state.status === 'revoked') return refuse({ code: 'KeyRevoked', keyId: key.keyId });
      if (state.status === 'trusted') {
        // a key id names one key for ever: a signed authorisation names its key by the id (`kid`)
        const { status: _s, registeredAt: _r, ...existing } = state;
        return sameFacts(existing, key) ? [] : refuse({ code: 'KeyIdTaken', keyId: key.keyId });
      }
      return [{ type: 'AuthorisationKeyRegistered', data: { ...key, registeredAt: command.now } }];
    }
    case 'RevokeAuthorisationKey': {
      if (state.status === 'none') return refuse({ code: 'KeyNotRegistered', keyId: command.keyId });
      if (state.status === 'revoked') return [];
      return [{ type: 'AuthorisationKeyRevoked', data: { keyId: command.keyId, reason: command.reason, effectiveAt: command.effectiveAt, revokedAt: command.now } }];
    }
  }
}

export const authorisationKeyDecider: Decider<AuthorisationKeyCommand, AuthorisationKeyEvent, AuthorisationKey, AuthorisationKeyRefusal> = { decide, evolve, initialState };

export const authorisationKeyStream = (keyId: string) => ({ streamId: `AuthorisationKey-${keyId}`, streamType: 'AuthorisationKey' });
