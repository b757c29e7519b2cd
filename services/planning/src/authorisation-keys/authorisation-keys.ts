import type { EventStore, SqlClient } from '@gantry/event-store';
import { executeCommand, loadAggregate, NotFound, parsePublicKey, RuleRefused, UnusableKey, type CommandOrigin } from '@gantry/platform';
import type { SignedAuthorisationClaims } from '@gantry/contracts';
import type { JsonWebKey } from 'node:crypto';
import { authorisationKeyDecider, authorisationKeyStream, type AuthorisationKey } from './authorisation-key.decider';
import { readSignedAuthorisation, signedBy } from './signed-authorisation';

export type AuthorisationKeyView = Exclude<AuthorisationKey, { status: 'none' }>;

/**
 * A signed authorisation as planning weighs it: what it claims, the key it names as that key stands, and whether its
 * signature verifies under that key. `problem`: it could not be read as a signed authorisation at all.
 */
export interface SignedProof {
  way: 'signed';
  keyId?: string;
  problem?: string;
  claims?: SignedAuthorisationClaims;
  key: AuthorisationKey;
  signatureVerifies: boolean;
}

/** Change enablement's keys trusted to sign authorisations of changes: registering, revoking, reading. */
export class AuthorisationKeys {
  constructor(private readonly store: EventStore) {}

  async register(request: { keyId: string; publicKey: string | JsonWebKey; owner: string }, origin: CommandOrigin): Promise<AuthorisationKeyView> {
    let parsed;
    try {
      parsed = parsePublicKey(request.publicKey);
    } catch (error) {
      if (error instanceof UnusableKey) throw new RuleRefused('UnusableKey', { keyId: request.keyId, problem: error.message }, 422);
      throw error;
    }
    const key = { keyId: request.keyId, algorithm: parsed.algorithm, publicKey: parsed.publicKey, owner: request.owner };
    const result = await executeCommand(this.store, authorisationKeyDecider, authorisationKeyStream(request.keyId), { type: 'RegisterAuthorisationKey', key, now: origin.now.toISOString() }, origin);
    return result.state as AuthorisationKeyView;
  }

  async revoke(keyId: string, reason: string, effectiveAt: Date, origin: CommandOrigin): Promise<AuthorisationKeyView> {
    const command = { type: 'RevokeAuthorisationKey' as const, keyId, reason, effectiveAt: effectiveAt.toISOString(), now: origin.now.toISOString() };
    return (await executeCommand(this.store, authorisationKeyDecider, authorisationKeyStream(keyId), command, origin)).state as AuthorisationKeyView;
  }

  async find(keyId: string, client?: SqlClient): Promise<AuthorisationKey> {
    return (await loadAggregate(this.store, authorisationKeyDecider, authorisationKeyStream(keyId).streamId, client)).state;
  }

  async get(keyId: string): Promise<AuthorisationKeyView> {
    const state = await this.find(keyId);
    if (state.status === 'none') throw new NotFound(`no authorisation key ${keyId} is registered`);
    return state;
  }

  async list(): Promise<AuthorisationKeyView[]> {
    const { rows } = await this.store.db.query<{ stream_id: string }>(`SELECT stream_id FROM "${this.store.schema}".streams WHERE stream_type = 'AuthorisationKey' ORDER BY stream_id LIMIT 1000`);
    const states = await Promise.all(rows.map((r) => loadAggregate(this.store, authorisationKeyDecider, r.stream_id)));
    return states.map((s) => s.state).filter((s): s is AuthorisationKeyView => s.status !== 'none');
  }

  /** Reads a signed authorisation and the key it names, in the deciding transaction. */
  async proofOf(token: string, tx: SqlClient): Promise<SignedProof> {
    const read = readSignedAuthorisation(token);
    const key = read.keyId ? await this.find(read.keyId, tx) : ({ status: 'none' } as const);
    if ('problem' in read) return { way: 'signed', ...(read.keyId ? { keyId: read.keyId } : {}), problem: read.problem, key, signatureVerifies: false };
    return { way: 'signed', keyId: read.keyId, claims: read.claims, key, signatureVerifies: key.status !== 'none' && signedBy(read, key) };
  }
}
