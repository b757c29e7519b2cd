import { Module, type DynamicModule } from '@nestjs/common';
import { EventStore } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';
import { ServiceHost, type ConsumerSpec, type ServiceRuntime } from '@gantry/platform';
import { EvidenceStore, evidenceMigrations, manualStepReactions } from './acceptance';
import { CANARY_DEADLINE_TIMER, CanaryAnalyses, canaryAnalysisReactions } from './canary';
import { AuthorisedRepository, ComponentsController, itamComponentsConsumer } from './components';
import { deploymentVerificationReactions, Revocations, revocationsMigrations, VerificationsController } from './deployment-verifications';
import { environmentsConsumer, environmentsMigrations } from './environments';
import { evaluationReactions, Evaluations, EvidenceController, TIMER_KINDS } from './evaluations';
import { SigningKeysController, TrustedKeys } from './signing-keys';
import { verificationPolicyFromEnv, type VerificationPolicy } from './verification-policy';
import { verificationTriggers } from './verification-triggers';

export interface VerificationOptions {
  /** default: from the environment (GANTRY_PROBE_*, GANTRY_VERIFICATION_DEADLINE_MS) */
  policy?: VerificationPolicy;
  /**
   * Which consumed events this instance acts on; default all. Integration tests share the broker's topics with other
   * suites running at the same time, and must not verify those suites' deployments (nor take their events for theirs).
   */
  actsOn?: (event: CloudEvent) => boolean;
  /** where consumer groups without offsets start; default the whole history (what a new installation needs) */
  fromBeginning?: boolean;
}

export const verificationMigrations = [...environmentsMigrations, ...revocationsMigrations, ...evidenceMigrations];

/** The parts of the service, wired once (the module and the tests share it). */
export function verificationParts(store: EventStore, policy: VerificationPolicy) {
  const revocations = new Revocations(store);
  const repository = new AuthorisedRepository(store, revocations);
  const keys = new TrustedKeys(store, revocations);
  const evidence = new EvidenceStore(store.schema);
  const evaluations = new Evaluations(store, evidence, policy);
  const canaries = new CanaryAnalyses(store, evidence);
  const triggers = verificationTriggers(
    deploymentVerificationReactions(store, repository, keys, revocations),
    manualStepReactions(evidence),
    evaluationReactions(store, evaluations),
    canaryAnalysisReactions(canaries),
  );
  const consumers = (): ConsumerSpec[] => [triggers, environmentsConsumer(store.schema), itamComponentsConsumer(repository)];
  const timers = () => ({
    [TIMER_KINDS.deadline]: (...fired: Parameters<Evaluations['onDeadline']>) => evaluations.onDeadline(...fired),
    [TIMER_KINDS.probe]: (...fired: Parameters<Evaluations['onProbe']>) => evaluations.onProbe(...fired),
    [CANARY_DEADLINE_TIMER]: (...fired: Parameters<CanaryAnalyses['onDeadline']>) => canaries.onDeadline(...fired),
  });
  return { revocations, repository, keys, evidence, evaluations, canaries, consumers, timers };
}

/** Verification: the authorised repository, signing keys, components and target environment, the result (steps 3, 4, 7). */
@Module({})
export class VerificationModule {
  static register(runtime: ServiceRuntime, options: VerificationOptions = {}): DynamicModule {
    const store = ServiceHost.storeFor('verification', runtime);
    const parts = verificationParts(store, options.policy ?? verificationPolicyFromEnv(process.env));
    const { actsOn, fromBeginning } = options;
    const consumers = () =>
      parts.consumers().map((c) => ({
        ...c,
        ...(fromBeginning === undefined ? {} : { fromBeginning }),
        ...(actsOn ? { handle: async (...args: Parameters<ConsumerSpec['handle']>) => (actsOn(args[0]) ? c.handle(...args) : undefined) } : {}),
      }));
    return {
      module: VerificationModule,
      controllers: [ComponentsController, SigningKeysController, VerificationsController, EvidenceController],
      providers: [
        { provide: EventStore, useValue: store },
        { provide: AuthorisedRepository, useValue: parts.repository },
        { provide: TrustedKeys, useValue: parts.keys },
        { provide: EvidenceStore, useValue: parts.evidence },
        { provide: Evaluations, useValue: parts.evaluations },
        { provide: CanaryAnalyses, useValue: parts.canaries },
        { provide: ServiceHost, useValue: new ServiceHost('verification', runtime, store, verificationMigrations, consumers, parts.timers) },
      ],
    };
  }
}
