import {
  eventNameOf,
  SERVICE_TOPICS,
  type CanaryAnalysisCompleted,
  type ComponentsVerified,
  type DeploymentPlanned,
  type DeploymentRescheduled,
} from '@gantry/contracts';
import type { CloudEvent } from '@gantry/messaging';
import type { Reaction, Reactions } from '@gantry/platform';
import type { RunCommand } from './deployment-run.decider';
import type { RunCommands } from './run-commands';
import type { RunDriver } from './run-driver';

/** What execution learns from planning and verification, as commands on the run. */
export function commandFor(event: CloudEvent, now: string): RunCommand | undefined {
  const data = event.data as { deploymentId: string };
  const { deploymentId } = data;
  const name = eventNameOf(event.type);
  switch (name) {
    case 'DeploymentPlanned':
      return { type: 'PrepareRun', plan: event.data as DeploymentPlanned, now };
    case 'DeploymentRescheduled':
      return { type: 'RescheduleRun', deploymentId, window: (event.data as DeploymentRescheduled).window };
    case 'ComponentsVerified':
      return { type: 'ConfirmReadiness', deploymentId, readiness: 'components', components: (event.data as ComponentsVerified).components };
    case 'TargetEnvironmentVerified':
      return { type: 'ConfirmReadiness', deploymentId, readiness: 'environment' };
    case 'DeploymentCancelled':
    case 'ComponentVerificationFailed':
    case 'TargetEnvironmentVerificationFailed':
    case 'ComponentVerificationRevoked':
      return { type: 'AbandonRun', deploymentId, reason: name };
    case 'CanaryAnalysisCompleted': {
      const { wave, verdict } = event.data as CanaryAnalysisCompleted;
      return { type: 'RecordVerdict', deploymentId, check: 'canary', verdict, wave, now };
    }
    case 'IdleSideVerified':
    case 'IdleSideVerificationFailed':
      return { type: 'RecordVerdict', deploymentId, check: 'idle-side', verdict: name === 'IdleSideVerified' ? 'pass' : 'fail', now };
    case 'DeploymentVerified':
    case 'DeploymentVerificationFailed':
      return { type: 'RecordVerdict', deploymentId, check: 'deployment', verdict: name === 'DeploymentVerified' ? 'pass' : 'fail', now };
    default:
      return undefined;
  }
}

const TRIGGERS = [
  'DeploymentPlanned',
  'DeploymentRescheduled',
  'DeploymentCancelled',
  'ComponentsVerified',
  'TargetEnvironmentVerified',
  'ComponentVerificationFailed',
  'TargetEnvironmentVerificationFailed',
  'ComponentVerificationRevoked',
  'CanaryAnalysisCompleted',
  'IdleSideVerified',
  'IdleSideVerificationFailed',
  'DeploymentVerified',
  'DeploymentVerificationFailed',
];

/** The consumer of planning's and verification's topics: records the command in the inbox's transaction, then drives the run. */
export function runTriggers(runs: RunCommands, driver: RunDriver): Reactions {
  const react: Reaction = async (event, tx, context) => {
    const command = commandFor(event, context.now.toISOString());
    if (!command) return;
    const deploymentId = command.type === 'PrepareRun' ? command.plan.deploymentId : command.deploymentId;
    const { events } = await runs.execute(deploymentId, command, context, tx);
    // the driver reads the run in its own transaction: only once this one committed (the sweep catches up after a crash)
    if (events.length > 0) context.afterCommit(() => driver.kick(deploymentId));
  };
  return { consumer: 'execution.triggers', topics: [SERVICE_TOPICS.planning, SERVICE_TOPICS.verification], on: Object.fromEntries(TRIGGERS.map((name) => [name, react])) };
}
