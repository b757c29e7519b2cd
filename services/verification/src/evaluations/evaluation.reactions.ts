import type { DeploymentExecuted, IdleSideVerificationRequested } from '@gantry/contracts';
import type { EventStore } from '@gantry/event-store';
import { loadAggregate, type Reactions } from '@gantry/platform';
import { deploymentVerificationDecider, verificationStream } from '../deployment-verifications';
import { verificationTriggers } from '../verification-triggers';
import type { Evaluations } from './evaluations';

/** The acceptance criteria are evaluated once a deployment has been executed, or its idle side deployed. */
export const evaluationReactions = (store: EventStore, evaluations: Evaluations): Reactions =>
  verificationTriggers({
    DeploymentExecuted: async (event, tx, context) => {
      const { deploymentId } = event.data as DeploymentExecuted;
      const { state } = await loadAggregate(store, deploymentVerificationDecider, verificationStream(deploymentId).streamId, tx);
      // a deployment this service never saw planned (planned before it existed) has nothing to be checked against
      if (!state.subject) return;
      await evaluations.start(tx, deploymentId, 'deployment', state.subject.acceptanceCriteria, undefined, context);
    },
    IdleSideVerificationRequested: async (event, tx, context) => {
      const request = event.data as IdleSideVerificationRequested;
      const { state } = await loadAggregate(store, deploymentVerificationDecider, verificationStream(request.deploymentId).streamId, tx);
      if (!state.subject) return;
      await evaluations.start(tx, request.deploymentId, request.side, request.acceptanceCriteria, request.targets, context);
    },
  });
