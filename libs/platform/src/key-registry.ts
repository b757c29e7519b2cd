import type { EventStore, SqlClient } from '@gantry/event-store';
import type { JsonWebKey } from 'node:crypto';
import { executeCommand, loadAggregate } from './command-handling';
import { NotFound, RuleRefused } from './errors';
import { keyRegistryDecider, keyStream, type KeyKind, type KeyRevocation, type KeyStanding } from './key-registry.decider';
import { parsePublicKey, UnusableKey } from './public-keys';
import type { CommandOrigin } from './request-context';

/** A key that is or was trusted. */
export type RegisteredKey = Exclude<KeyStanding, { status: 'none' }>;

/** A public key as given to be registered: PEM text (SubjectPublicKeyInfo) or a JWK object. */
export interface KeyRegistration {
  keyId: string;
  publicKey: string | JsonWebKey;
  owner: string;
}

/** What else a revocation does, in the key's revocation transaction (run only when the key was trusted until now). */
export type OnKeyRevoked = (tx: SqlClient, revocation: KeyRevocation, origin: CommandOrigin) => Promise<void>;

/** A registry of trusted public keys (key-registry.decider.ts): registering, revoking, reading. */
export class KeyRegistry<K extends KeyKind> {
  private readonly decider;

  /** `noun`: the key as a refusal names it (`signing key`). */
  constructor(
    protected readonly store: EventStore,
    private readonly kind: K,
    private readonly noun: string,
    private readonly onRevoked?: OnKeyRevoked,
  ) {
    this.decider = keyRegistryDecider(kind);
  }

  async register(request: KeyRegistration, origin: CommandOrigin): Promise<RegisteredKey> {
    let parsed;
    try {
      parsed = parsePublicKey(request.publicKey);
    } catch (error) {
      if (error instanceof UnusableKey) throw new RuleRefused('UnusableKey', { keyId: request.keyId, problem: error.message }, 422);
      throw error;
    }
    const key = { keyId: request.keyId, algorithm: parsed.algorithm, publicKey: parsed.publicKey, owner: request.owner };
    const command = { type: `Register${this.kind}` as const, key, now: origin.now.toISOString() };
    return (await executeCommand(this.store, this.decider, keyStream(this.kind, request.keyId), command, origin)).state as RegisteredKey;
  }

  async revoke(keyId: string, reason: string, effectiveAt: Date, origin: CommandOrigin): Promise<RegisteredKey> {
    const command = { type: `Revoke${this.kind}` as const, keyId, reason, effectiveAt: effectiveAt.toISOString(), now: origin.now.toISOString() };
    const onRevoked = this.onRevoked;
    if (!onRevoked) return (await executeCommand(this.store, this.decider, keyStream(this.kind, keyId), command, origin)).state as RegisteredKey;
    return this.store.db.transaction(async (tx) => {
      const result = await executeCommand(this.store, this.decider, keyStream(this.kind, keyId), command, origin, tx);
      for (const event of result.events) if (event.type === `${this.kind}Revoked`) await onRevoked(tx, event.data as KeyRevocation, origin);
      return result.state as RegisteredKey;
    });
  }

  async find(keyId: string, client?: SqlClient): Promise<KeyStanding> {
    return (await loadAggregate(this.store, this.decider, keyStream(this.kind, keyId).streamId, client)).state;
  }

  async get(keyId: string): Promise<RegisteredKey> {
    const state = await this.find(keyId);
    if (state.status === 'none') throw new NotFound(`no ${this.noun} ${keyId} is registered`);
    return state;
  }

  async list(): Promise<RegisteredKey[]> {
    const { rows } = await this.store.db.query<{ stream_id: string }>(`SELECT stream_id FROM "${this.store.schema}".streams WHERE stream_type = $1 ORDER BY stream_id LIMIT 1000`, [this.kind]);
    const states = await Promise.all(rows.map((r) => loadAggregate(this.store, this.decider, r.stream_id)));
    return states.map((s) => s.state).filter((s): s is RegisteredKey => s.status !== 'none');
  }
}
