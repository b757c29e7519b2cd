import type { EventStore, SqlClient } from '@gantry/event-store';
import { KeyRegistry, type CommandOrigin } from '@gantry/platform';

/** Revokes, in the key's revocation transaction, the deployments verified with versions it signed that have not started. */
export interface KeyRevocations {
  keyRevoked(tx: SqlClient, keyId: string, origin: CommandOrigin): Promise<void>;
}

/**
 * The trusted signing keys: registering, revoking, reading. Revoking a key revokes, in the same transaction, the
 * deployments verified with versions it signed that have not started.
 */
export class TrustedKeys extends KeyRegistry<'SigningKey'> {
  constructor(store: EventStore, revocations: KeyRevocations) {
    super(store, 'SigningKey', 'signing key', (tx, { keyId }, origin) => revocations.keyRevoked(tx, keyId, origin));
  }
}
