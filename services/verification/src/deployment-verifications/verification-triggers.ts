import { eventNameOf, SERVICE_TOPICS, type DeploymentExecuted, type DeploymentPlanned } from '@gantry/contracts';
import { EventStore, type SqlClient } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';
import { causedBy, executeCommand, type ConsumerSpec } from '@gantry/platform';
import { deploymentVerificationDecider } from './deployment-verification.decider';

export const verificationStream = (deploymentId: string) => ({ streamId: `DeploymentVerification-${deploymentId}`, streamType: 'DeploymentVerification' });

/** Verification starts when a deployment is planned, and checks the result when it has been executed. */
export class VerificationTriggers {
  constructor(private readonly store: EventStore) {}

  consumer(): ConsumerSpec {
    return {
      name: 'verification.triggers',
      topics: [SERVICE_TOPICS.planning, SERVICE_TOPICS.execution],
      accepts: (type) => ['DeploymentPlanned', 'DeploymentExecuted'].includes(eventNameOf(type) ?? ''),
      handle: (event, tx) => this.handle(event, tx),
    };
  }

  private async handle(event: CloudEvent, tx: SqlClient): Promise<void> {
    const now = new Date().toISOString();
    const metadata = causedBy('verification', event);
    switch (eventNameOf(event.type)) {
      case 'DeploymentPlanned': {
        const plan = event.data as DeploymentPlanned;
        await executeCommand(this.store, deploymentVerificationDecider, verificationStream(plan.deploymentId), { type: 'VerifyPlan', plan, now }, { metadata }, tx);
        return;
      }
      case 'DeploymentExecuted': {
        const executed = event.data as DeploymentExecuted;
        // execution only executes what this verification confirmed, so an execution of a deployment it never saw planned
        // belongs to another installation on the same cluster (or a test beside it): not ours, and waiting would block the topic
        if ((await this.store.readStream(verificationStream(executed.deploymentId).streamId, tx)).length === 0) return;
        await executeCommand(
          this.store,
          deploymentVerificationDecider,
          verificationStream(executed.deploymentId),
          { type: 'VerifyDeployment', deploymentId: executed.deploymentId, executedAt: executed.executedAt, now },
          { metadata },
          tx,
        );
        return;
      }
    }
  }
}
