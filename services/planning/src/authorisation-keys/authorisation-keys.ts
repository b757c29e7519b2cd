import type { EventStore, SqlClient } from '@gantry/event-store';
import { KeyRegistry, type KeyStanding, type OnKeyRevoked } from '@gantry/platform';
import type { SignedAuthorisationClaims } from '@gantry/contracts';
import { readSignedAuthorisation, signedBy } from './signed-authorisation';

/** A public key of change enablement trusted to sign authorisations of changes, until it is revoked, as it stands. */
export type AuthorisationKey = KeyStanding;

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
export class AuthorisationKeys extends KeyRegistry<'AuthorisationKey'> {
  constructor(store: EventStore, onRevoked?: OnKeyRevoked) {
    super(store, 'AuthorisationKey', 'authorisation key', onRevoked);
  }

  /** Reads a signed authorisation and the key it names, in the deciding transaction. */
  async proofOf(token: string, tx: SqlClient): Promise<SignedProof> {
    const read = readSignedAuthorisation(token);
    const key = read.keyId ? await this.find(read.keyId, tx) : ({ status: 'none' } as const);
    if ('problem' in read) return { way: 'signed', ...(read.keyId ? { keyId: read.keyId } : {}), problem: read.problem, key, signatureVerifies: false };
    return { way: 'signed', keyId: read.keyId, claims: read.claims, key, signatureVerifies: key.status !== 'none' && signedBy(read, key) };
  }
}
