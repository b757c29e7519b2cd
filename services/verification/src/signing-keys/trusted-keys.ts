import type { EventStore, SqlClient } from '@gantry/event-store';
import { executeCommand, loadAggregate, NotFound, parsePublicKey, RuleRefused, UnusableKey, type CommandOrigin } from '@gantry/platform';
import type { JsonWebKey } from 'node:crypto';
import { signingKeyDecider, signingKeyStream, type SigningKey } from './signing-key.decider';

export type SigningKeyView = Exclude<SigningKey, { status: 'none' }>;

/** Revokes, in the key's revocation transaction, the deployments verified with versions it signed that have not started. */
export interface KeyRevocations {
  keyRevoked(tx: SqlClient, keyId: string, origin: CommandOrigin): Promise<void>;
}

/** The trusted signing keys: registering, revoking, reading. */
export class TrustedKeys {
  constructor(
    private readonly store: EventStore,
    private readonly revocations: KeyRevocations,
  ) {}

  async register(request: { keyId: string; publicKey: string | JsonWebKey; owner: string }, origin: CommandOrigin): Promise<SigningKeyView> {
    let parsed;
    try {
      parsed = parsePublicKey(request.publicKey);
    } catch (error) {
      if (error instanceof UnusableKey) throw new RuleRefused('UnusableKey', { keyId: request.keyId, problem: error.message }, 422);
      throw error;
    }
    const key = { keyId: request.keyId, algorithm: parsed.algorithm, publicKey: parsed.publicKey, owner: request.owner };
    const result = await executeCommand(this.store, signingKeyDecider, signingKeyStream(request.keyId), { type: 'RegisterSigningKey', key, now: origin.now.toISOString() }, origin);
    return result.state as SigningKeyView;
  }

  /** Revokes the key and, in the same transaction, the deployments verified with versions it signed that have not started. */
  async revoke(keyId: string, reason: string, effectiveAt: Date, origin: CommandOrigin): Promise<SigningKeyView> {
    return this.store.db.transaction(async (tx) => {
      const result = await executeCommand(
        this.store,
        signingKeyDecider,
        signingKeyStream(keyId),
        { type: 'RevokeSigningKey', keyId, reason, effectiveAt: effectiveAt.toISOString(), now: origin.now.toISOString() },
        origin,
        tx,
      );
      if (result.events.length > 0) await this.revocations.keyRevoked(tx, keyId, origin);
      return result.state as SigningKeyView;
    });
  }

  async find(keyId: string, client?: SqlClient): Promise<SigningKey> {
    return (await loadAggregate(this.store, signingKeyDecider, signingKeyStream(keyId).streamId, client)).state;
  }

  async get(keyId: string): Promise<SigningKeyView> {
    const state = await this.find(keyId);
    if (state.status === 'none') throw new NotFound(`no signing key ${keyId} is registered`);
    return state;
  }

  async list(): Promise<SigningKeyView[]> {
    const { rows } = await this.store.db.query<{ stream_id: string }>(`SELECT stream_id FROM "${this.store.schema}".streams WHERE stream_type = 'SigningKey' ORDER BY stream_id LIMIT 1000`);
    const states = await Promise.all(rows.map((r) => loadAggregate(this.store, signingKeyDecider, r.stream_id)));
    return states.map((s) => s.state).filter((s): s is SigningKeyView => s.status !== 'none');
  }
}
