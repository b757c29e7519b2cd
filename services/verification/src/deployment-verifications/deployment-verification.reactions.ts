import type { ComponentKind, DeploymentPlanned } from '@gantry/contracts';
import type { EventStore, ReadModels } from '@gantry/event-store';
import { executeCommand, type Reaction, type Reactions } from '@gantry/platform';
import type { AuthorisedRepository } from '../components';
import type { TrustedKeys } from '../signing-keys';
import { verificationTriggers } from '../verification-triggers';
import { deploymentVerificationDecider, verificationStream } from './deployment-verification.decider';
import { planFacts } from './plan-facts';
import type { Revocations } from './revocations';

/**
 * Verification checks components and environment when a deployment is planned, and notes when its run is over (it can
 * no longer be revoked: its waves are done or undone, or it never ran).
 */
export function deploymentVerificationReactions(
  store: EventStore,
  repository: AuthorisedRepository,
  keys: TrustedKeys,
  revocations: Revocations,
  readModels: ReadModels,
  signedKinds: readonly ComponentKind[],
): Reactions {
  // its waves are done or undone, or it will never run: nothing left to revoke
  const noLongerRevocable: Reaction = (event, tx) => revocations.recordRunOver(tx, (event.data as { deploymentId: string }).deploymentId);
  return verificationTriggers({
    DeploymentPlanned: async (event, tx, context) => {
      const plan = event.data as DeploymentPlanned;
      const { now } = context;
      const facts = await planFacts(tx, readModels.manager(tx), plan, new Date(event.time ?? now), now, repository, keys);
      const result = await executeCommand(
        store,
        deploymentVerificationDecider,
        verificationStream(plan.deploymentId),
        { type: 'VerifyPlan', plan, components: facts.components, ...(facts.environment ? { environment: facts.environment } : {}), signedKinds, now: now.toISOString() },
        context,
        tx,
      );
      if (result.events.some((e) => e.type === 'ComponentsVerified')) await revocations.recordUses(tx, plan.deploymentId, facts.uses);
    },
    DeploymentExecuted: noLongerRevocable,
    RolledBack: noLongerRevocable,
    DeploymentFailed: noLongerRevocable,
    DeploymentCancelled: noLongerRevocable,
    RunAbandoned: noLongerRevocable,
  });
}
