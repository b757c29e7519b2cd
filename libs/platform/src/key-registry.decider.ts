import { refuse, sameFacts, type Decider, type Refused } from '@gantry/decider';
import type { SigningAlgorithm } from '@gantry/contracts';

/**
 * A key registry: public keys trusted to sign something, each until it is revoked. Verification keeps one of
 * `SigningKey`s (component versions), planning one of `AuthorisationKey`s (change enablement's authorisations); the
 * kind names the stream (`<Kind>-<keyId>`), the events (`<Kind>Registered`, `<Kind>Revoked`) and the commands
 * (`Register<Kind>`, `Revoke<Kind>`). Their contracts: contracts/src/verification.ts and planning.ts.
 */
export type KeyKind = 'SigningKey' | 'AuthorisationKey';

export interface TrustedKey {
  keyId: string;
  algorithm: SigningAlgorithm;
  /** SubjectPublicKeyInfo, PEM */
  publicKey: string;
  owner: string;
  registeredAt: string;
}

export interface KeyRevocation {
  keyId: string;
  reason: string;
  /** from when the key is no longer trusted: earlier than `revokedAt` for a key compromised before */
  effectiveAt: string;
  revokedAt: string;
}

/** A key as it stands in its registry. */
export type KeyStanding =
  | { status: 'none' }
  | ({ status: 'trusted' } & TrustedKey)
  | ({ status: 'revoked'; reason: string; effectiveAt: string; revokedAt: string } & TrustedKey);

export type KeyEvent<K extends KeyKind> = { type: `${K}Registered`; data: TrustedKey } | { type: `${K}Revoked`; data: KeyRevocation };

export type KeyCommand<K extends KeyKind> =
  | { type: `Register${K}`; key: Omit<TrustedKey, 'registeredAt'>; now: string }
  | { type: `Revoke${K}`; keyId: string; reason: string; effectiveAt: string; now: string };

export type KeyRefusal = { code: 'KeyIdTaken'; keyId: string } | { code: 'KeyRevoked'; keyId: string } | { code: 'KeyNotRegistered'; keyId: string };

export const initialKeyStanding: KeyStanding = { status: 'none' };

/** An event or command with its kind taken off its name: what every registry decides alike. */
type Fact = { type: 'Registered'; data: TrustedKey } | { type: 'Revoked'; data: KeyRevocation };
type Intent = { type: 'Register'; key: Omit<TrustedKey, 'registeredAt'>; now: string } | { type: 'Revoke'; keyId: string; reason: string; effectiveAt: string; now: string };

export function keyRegistryDecider<K extends KeyKind>(kind: K): Decider<KeyCommand<K>, KeyEvent<K>, KeyStanding, KeyRefusal> {
  const factOf = (event: KeyEvent<K>) => ({ ...event, type: event.type.slice(kind.length) }) as Fact;
  const intentOf = (command: KeyCommand<K>) => ({ ...command, type: command.type.slice(0, -kind.length) }) as Intent;

  const evolve = (state: KeyStanding, event: KeyEvent<K>): KeyStanding => {
    const fact = factOf(event);
    switch (fact.type) {
      case 'Registered':
        return { status: 'trusted', ...fact.data };
      case 'Revoked':
        return state.status === 'none' ? state : { ...state, status: 'revoked', reason: fact.data.reason, effectiveAt: fact.data.effectiveAt, revokedAt: fact.data.revokedAt };
      default: {
        const unknown: never = fact;
        return unknown;
      }
    }
  };

  const decide = (command: KeyCommand<K>, state: KeyStanding): readonly KeyEvent<K>[] | Refused<KeyRefusal> => {
    const intent = intentOf(command);
    switch (intent.type) {
      case 'Register': {
        const { key } = intent;
        if (state.status === 'revoked') return refuse({ code: 'KeyRevoked', keyId: key.keyId });
        if (state.status === 'trusted') {
          // a key id names one key for ever: a signature names its key by the id (`kid` in a signed authorisation)
          const { status: _s, registeredAt: _r, ...existing } = state;
          return sameFacts(existing, key) ? [] : refuse({ code: 'KeyIdTaken', keyId: key.keyId });
        }
        return [{ type: `${kind}Registered`, data: { ...key, registeredAt: intent.now } }];
      }
      case 'Revoke': {
        if (state.status === 'none') return refuse({ code: 'KeyNotRegistered', keyId: intent.keyId });
        if (state.status === 'revoked') return [];
        return [{ type: `${kind}Revoked`, data: { keyId: intent.keyId, reason: intent.reason, effectiveAt: intent.effectiveAt, revokedAt: intent.now } }];
      }
      default: {
        const unknown: never = intent;
        return unknown;
      }
    }
  };

  return { decide, evolve, initialState: initialKeyStanding };
}

export const keyStream = (kind: KeyKind, keyId: string) => ({ streamId: `${kind}-${keyId}`, streamType: kind });
