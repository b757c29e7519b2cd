import { eventNameOf, SERVICE_TOPICS, type DeploymentPlanned } from '@gantry/contracts';
import { EventStore, type EventMetadata, type SqlClient } from '@gantry/event-store';
import type { CloudEvent } from '@gantry/messaging';
import { causedBy, executeCommand, type ConsumerSpec } from '@gantry/platform';
import { deploymentRunDecider, isReady, type RunCommand } from './deployment-run.decider';
import type { Executor } from './simulated-executor';

export const runStream = (deploymentId: string) => ({ streamId: `DeploymentRun-${deploymentId}`, streamType: 'DeploymentRun' });

const TRIGGERS = [
  'DeploymentPlanned',
  'DeploymentCancelled',
  'ComponentsVerified',
  'TargetEnvironmentVerified',
  'ComponentVerificationFailed',
  'TargetEnvironmentVerificationFailed',
];

/** A run is prepared from the plan, made ready by the verifications, and executed as soon as it is ready. */
export class RunTriggers {
  constructor(
    private readonly store: EventStore,
    private readonly executor: Executor,
  ) {}

  consumer(): ConsumerSpec {
    return {
      name: 'execution.triggers',
      topics: [SERVICE_TOPICS.planning, SERVICE_TOPICS.verification],
      accepts: (type) => TRIGGERS.includes(eventNameOf(type) ?? ''),
      handle: (event, tx) => this.handle(event, tx),
    };
  }

  private commandFor(event: CloudEvent): RunCommand | undefined {
    const data = event.data as { deploymentId: string };
    switch (eventNameOf(event.type)) {
      case 'DeploymentPlanned':
        return { type: 'PrepareRun', plan: event.data as DeploymentPlanned };
      case 'ComponentsVerified':
        return { type: 'ConfirmReadiness', deploymentId: data.deploymentId, readiness: 'components' };
      case 'TargetEnvironmentVerified':
        return { type: 'ConfirmReadiness', deploymentId: data.deploymentId, readiness: 'environment' };
      case 'DeploymentCancelled':
      case 'ComponentVerificationFailed':
      case 'TargetEnvironmentVerificationFailed':
        return { type: 'AbandonRun', deploymentId: data.deploymentId, reason: eventNameOf(event.type)! };
      default:
        return undefined;
    }
  }

  private async handle(event: CloudEvent, tx: SqlClient): Promise<void> {
    const command = this.commandFor(event);
    if (!command) return;
    const deploymentId = command.type === 'PrepareRun' ? command.plan.deploymentId : command.deploymentId;
    const metadata = causedBy('execution', event);
    const { state } = await executeCommand(this.store, deploymentRunDecider, runStream(deploymentId), command, { metadata }, tx);
    if (isReady(state)) await this.execute(deploymentId, state.plan, metadata, tx);
  }

  private async execute(deploymentId: string, plan: DeploymentPlanned, metadata: EventMetadata, tx: SqlClient): Promise<void> {
    const startedAt = new Date().toISOString();
    const results = [];
    for (const wave of plan.waves) results.push(...(await this.executor.deployWave(plan, wave)));
    await executeCommand(
      this.store,
      deploymentRunDecider,
      runStream(deploymentId),
      { type: 'RecordExecution', deploymentId, startedAt, results, executedAt: new Date().toISOString() },
      { metadata },
      tx,
    );
  }
}
