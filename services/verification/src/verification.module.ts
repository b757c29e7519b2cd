import { Module, type DynamicModule } from '@nestjs/common';
import type { EventStore } from '@gantry/event-store';
import { serviceModule, type HostOptions, type ServiceRuntime, type Slice } from '@gantry/platform';
import { acceptanceSlice, EvidenceStore } from './acceptance';
import { CanaryAnalyses, canarySlice } from './canary';
import { AuthorisedRepository, componentsSlice } from './components';
import { deploymentVerificationsSlice, Revocations } from './deployment-verifications';
import { environmentsReadModels, environmentsSlice } from './environments';
import { Evaluations, evaluationsSlice } from './evaluations';
import { MonitoringPeriods, monitoringSlice } from './monitoring';
import { signingKeysSlice, TrustedKeys } from './signing-keys';
import { verificationPolicyFromEnv, type VerificationPolicy } from './verification-policy';

export interface VerificationOptions extends HostOptions {
  /** default: from the environment (GANTRY_PROBE_*, GANTRY_VERIFICATION_DEADLINE_MS, GANTRY_SIGNED_KINDS) */
  policy?: VerificationPolicy;
}

/** The slices of the service, wired once: the collaborators two slices share are made here. */
export function verificationSlices(store: EventStore, policy: VerificationPolicy): Slice[] {
  const revocations = new Revocations(store);
  const repository = new AuthorisedRepository(store, revocations);
  const keys = new TrustedKeys(store, revocations);
  const evidence = new EvidenceStore(store.schema);
  const readModels = environmentsReadModels(store.db, store.schema);
  const monitoring = new MonitoringPeriods(store, readModels, policy);
  // in this order the slices react to an event they share (verification-triggers.ts)
  return [
    deploymentVerificationsSlice(store, repository, keys, revocations, readModels, policy.signedKinds),
    acceptanceSlice(evidence),
    // a verified deployment's monitoring period begins in the transaction that verified it
    evaluationsSlice(store, new Evaluations(store, evidence, policy, (tx, deploymentId, origin) => monitoring.verified(tx, deploymentId, origin))),
    monitoringSlice(monitoring),
    canarySlice(new CanaryAnalyses(store, evidence)),
    componentsSlice(repository),
    signingKeysSlice(keys),
    environmentsSlice(readModels),
  ];
}

/** Verification: the authorised repository, signing keys, components and target environment, the result (steps 3, 4, 7). */
@Module({})
export class VerificationModule {
  static register(runtime: ServiceRuntime, { policy, ...options }: VerificationOptions = {}): DynamicModule {
    return serviceModule(VerificationModule, 'verification', runtime, (store) => verificationSlices(store, policy ?? verificationPolicyFromEnv(runtime.config.env)), options);
  }
}
