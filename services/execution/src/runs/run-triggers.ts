import {
  eventNameOf,
  SERVICE_TOPICS,
  type CanaryAnalysisCompleted,
  type ComponentsVerified,
  type ComponentVerificationRevoked,
  type DeploymentAuthorisationRevoked,
  type DeploymentPlanned,
  type DeploymentRescheduled,
  type EnvironmentDecommissioned,
  type EnvironmentUpdated,
  type MonitoringPeriodEnded,
} from '@gantry/contracts';
import type { CloudEvent } from '@gantry/messaging';
import type { Reaction, Reactions } from '@gantry/platform';
import type { RunCommand } from './deployment-run.decider';
import type { EnvironmentFact } from './late-changes';
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
      return { type: 'AbandonRun', deploymentId, reason: name };
    case 'ComponentVerificationRevoked':
      return { type: 'ConsiderLateChange', deploymentId, fact: { kind: 'components-revoked', components: (event.data as ComponentVerificationRevoked).components }, now };
    case 'DeploymentAuthorisationRevoked': {
      const { keyId, reason } = event.data as DeploymentAuthorisationRevoked;
      return { type: 'ConsiderLateChange', deploymentId, fact: { kind: 'authorisation-revoked', keyId, reason }, now };
    }
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
    case 'RegressionDetected':
      return { type: 'ConsiderRegression', deploymentId, now };
    case 'MonitoringPeriodEnded': {
      const { verdict } = event.data as MonitoringPeriodEnded;
      return { type: 'RecordVerdict', deploymentId, check: 'monitoring', verdict: verdict === 'clean' ? 'pass' : verdict === 'regressed' ? 'fail' : 'inconclusive', now };
    }
    default:
      return undefined;
  }
}

/** Planning's news about an environment, as a late fact every active run weighs (a run elsewhere ignores it). */
export function lateFactOf(event: CloudEvent): EnvironmentFact | undefined {
  switch (eventNameOf(event.type)) {
    case 'EnvironmentUpdated': {
      const { name, freezes, timeZone } = event.data as EnvironmentUpdated;
      return { kind: 'environment-updated', environment: { name, freezes, timeZone } };
    }
    case 'EnvironmentDecommissioned': {
      const { name, reason } = event.data as EnvironmentDecommissioned;
      return { kind: 'environment-decommissioned', environment: name, reason };
    }
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
  'DeploymentAuthorisationRevoked',
  'CanaryAnalysisCompleted',
  'IdleSideVerified',
  'IdleSideVerificationFailed',
  'DeploymentVerified',
  'DeploymentVerificationFailed',
  'RegressionDetected',
  'MonitoringPeriodEnded',
];

/** The consumer of planning's and verification's topics: records the command in the inbox's transaction, then drives the run. */
export function runTriggers(runs: RunCommands, driver: RunDriver): Reactions {
  const react: Reaction = async (event, tx, context) => {
    const learnt = commandFor(event, context.now.toISOString());
    if (!learnt) return;
    // blue-green deploys beside the side live now, which the run records when prepared
    const command = learnt.type === 'PrepareRun' && learnt.plan.strategy === 'blue-green' ? { ...learnt, liveSide: await runs.liveSide(tx, learnt.plan) } : learnt;
    const deploymentId = command.type === 'PrepareRun' ? command.plan.deploymentId : command.deploymentId;
    let { events } = await runs.execute(deploymentId, command, context, tx);
    if (command.type === 'PrepareRun' && command.plan.environmentSnapshot) {
      // the environment changed after the plan was made, and that news came first (it is keyed by the environment)
      const { environment, environmentSnapshot } = command.plan;
      const fact = await runs.environmentSince(tx, environment, environmentSnapshot.version);
      if (fact) events = [...events, ...(await runs.execute(deploymentId, { type: 'ConsiderLateChange', deploymentId, fact, now: command.now }, context, tx)).events];
    }
    // the driver reads the run in its own transaction: only once this one committed (the sweep catches up after a crash);
    // after the commit the message's span is no longer current, so its trace goes along
    if (events.length > 0) context.afterCommit(() => driver.kick(deploymentId, context.metadata.traceparent));
  };
  // an environment's event names no deployment: every run that still has something to do weighs it
  const reactToEnvironment: Reaction = async (event, tx, context) => {
    const fact = lateFactOf(event);
    if (!fact) return;
    if (event.streamversion !== undefined) await runs.keepEnvironment(tx, fact, event.streamversion);
    for (const { deploymentId } of await runs.activeRuns(tx)) {
      const { events } = await runs.execute(deploymentId, { type: 'ConsiderLateChange', deploymentId, fact, now: context.now.toISOString() }, context, tx);
      if (events.length > 0) context.afterCommit(() => driver.kick(deploymentId, context.metadata.traceparent));
    }
  };
  return {
    consumer: 'execution.triggers',
    topics: [SERVICE_TOPICS.planning, SERVICE_TOPICS.verification],
    on: { ...Object.fromEntries(TRIGGERS.map((name) => [name, react])), EnvironmentUpdated: reactToEnvironment, EnvironmentDecommissioned: reactToEnvironment },
  };
}
