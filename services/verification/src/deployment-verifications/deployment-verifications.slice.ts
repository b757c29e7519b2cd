import type { ComponentKind } from '@gantry/contracts';
import type { EventStore, ReadModels } from '@gantry/event-store';
import type { Slice } from '@gantry/platform';
import type { AuthorisedRepository } from '../components';
import type { TrustedKeys } from '../signing-keys';
import { deploymentVerificationReactions } from './deployment-verification.reactions';
import { revocationsMigrations, type Revocations } from './revocations';
import { VerificationsController } from './verifications.controller';

/** A planned deployment's components and target environment checked, and revoked when what they relied on is withdrawn. */
export const deploymentVerificationsSlice = (
  store: EventStore,
  repository: AuthorisedRepository,
  keys: TrustedKeys,
  revocations: Revocations,
  readModels: ReadModels,
  signedKinds: readonly ComponentKind[],
): Slice => ({
  name: 'deployment-verifications',
  migrations: revocationsMigrations,
  doors: [VerificationsController],
  reactions: [deploymentVerificationReactions(store, repository, keys, revocations, readModels, signedKinds)],
});
