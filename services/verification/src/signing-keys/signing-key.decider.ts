import { refuse, sameFacts, type Decider, type Refused } from '@gantry/decider';
import type { EventPayloads, SigningAlgorithm } from '@gantry/contracts';

/** SigningKey: a public key trusted to sign component versions, until it is revoked. */
export type SigningKeyEvent =
  | { type: 'SigningKeyRegistered'; data: EventPayloads['SigningKeyRegistered'] }
  | { type: 'SigningKeyRevoked'; data: EventPayloads['SigningKeyRevoked'] };

export interface TrustedKey {
  keyId: string;
  algorithm: SigningAlgorithm;
  /** SubjectPublicKeyInfo, PEM */
  publicKey: string;
  owner: string;
  registeredAt: string;
}

export type SigningKey =
  | { status: 'none' }
  | ({ status: 'trusted' } & TrustedKey)
  | ({ status: 'revoked'; reason: string; effectiveAt: string; revokedAt: string } & TrustedKey);

export const initialState: SigningKey = { status: 'none' };

export type SigningKeyCommand =
  | { type: 'RegisterSigningKey'; key: Omit<TrustedKey, 'registeredAt'>; now: string }
  | { type: 'RevokeSigningKey'; keyId: string; reason: string; effectiveAt: string; now: string };

export type SigningKeyRefusal =
  | { code: 'KeyIdTaken'; keyId: string }
  | { code: 'KeyRevoked'; keyId: string }
  | { code: 'KeyNotRegistered'; keyId: string };

export function evolve(state: SigningKey, event: SigningKeyEvent): SigningKey {
  switch (event.type) {
    case 'SigningKeyRegistered':
      return { status: 'trusted', ...event.data };
    case 'SigningKeyRevoked':
      return state.status === 'none' ? state : { ...state, status: 'revoked', reason: event.data.reason, effectiveAt: event.data.effectiveAt, revokedAt: event.data.revokedAt };
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

export function decide(command: SigningKeyCommand, state: SigningKey): readonly SigningKeyEvent[] | Refused<SigningKeyRefusal> {
  switch (command.type) {
    case 'RegisterSigningKey': {
      const { key } = command;
      if (state.status === 'revoked') return refuse({ code: 'KeyRevoked', keyId: key.keyId });
      if (state.status === 'trusted') {
        // a key id names one key for ever: signatures name the key by its id
        const { status: _s, registeredAt: _r, ...existing } = state;
        return sameFacts(existing, key) ? [] : refuse({ code: 'KeyIdTaken', keyId: key.keyId });
      }
      return [{ type: 'SigningKeyRegistered', data: { ...key, registeredAt: command.now } }];
    }
    case 'RevokeSigningKey': {
      if (state.status === 'none') return refuse({ code: 'KeyNotRegistered', keyId: command.keyId });
      if (state.status === 'revoked') return [];
      return [{ type: 'SigningKeyRevoked', data: { keyId: command.keyId, reason: command.reason, effectiveAt: command.effectiveAt, revokedAt: command.now } }];
    }
  }
}

export const signingKeyDecider: Decider<SigningKeyCommand, SigningKeyEvent, SigningKey, SigningKeyRefusal> = { decide, evolve, initialState };

export const signingKeyStream = (keyId: string) => ({ streamId: `SigningKey-${keyId}`, streamType: 'SigningKey' });
