import { refuse, type Decider, type Refused } from '@gantry/decider';
import type { DeploymentPlanned, EventPayloads } from '@gantry/contracts';

/**
 * DeploymentRun: the execution of one planned deployment (domain.md, steps 5–6). A run becomes ready when the
 * plan and both verifications have arrived, in any order; the skeleton then runs every wave through the
 * simulated executor at once. Gates, windows, backups, rollback and real executors come with issue 6.
 */
export type RunEvent =
  | { type: 'RunPrepared'; data: EventPayloads['RunPrepared'] }
  | { type: 'ReadinessConfirmed'; data: EventPayloads['ReadinessConfirmed'] }
  | { type: 'RunAbandoned'; data: EventPayloads['RunAbandoned'] }
  | { type: 'DeploymentStarted'; data: EventPayloads['DeploymentStarted'] }
  | { type: 'WaveStarted'; data: EventPayloads['WaveStarted'] }
  | { type: 'TargetDeployed'; data: EventPayloads['TargetDeployed'] }
  | { type: 'WaveCompleted'; data: EventPayloads['WaveCompleted'] }
  | { type: 'DeploymentExecuted'; data: EventPayloads['DeploymentExecuted'] };

/** What must be confirmed before a run may start. */
export type Readiness = 'components' | 'environment';

export type DeploymentRun =
  | { status: 'awaiting'; plan?: DeploymentPlanned; confirmed: readonly Readiness[] }
  | { status: 'abandoned'; reason: string }
  | { status: 'executing' | 'executed'; plan: DeploymentPlanned };

export const initialState: DeploymentRun = { status: 'awaiting', confirmed: [] };

export type RunCommand =
  | { type: 'PrepareRun'; plan: DeploymentPlanned }
  | { type: 'ConfirmReadiness'; deploymentId: string; readiness: Readiness }
  | { type: 'AbandonRun'; deploymentId: string; reason: string }
  | { type: 'RecordExecution'; deploymentId: string; startedAt: string; results: readonly TargetResult[]; executedAt: string };

/** What the executor reports for one target. */
export interface TargetResult {
  wave: number;
  target: string;
  outcome: 'deployed';
}

export type RunRefusal = { code: 'RunNotReady'; deploymentId: string; status: DeploymentRun['status'] };

export const isReady = (run: DeploymentRun): run is { status: 'awaiting'; plan: DeploymentPlanned; confirmed: readonly Readiness[] } =>
  run.status === 'awaiting' && run.plan !== undefined && run.confirmed.includes('components') && run.confirmed.includes('environment');

export function evolve(state: DeploymentRun, event: RunEvent): DeploymentRun {
  switch (event.type) {
    case 'RunPrepared':
      return state.status === 'awaiting' ? { ...state, plan: event.data.plan } : state;
    case 'ReadinessConfirmed':
      return state.status === 'awaiting' ? { ...state, confirmed: [...state.confirmed, event.data.readiness] } : state;
    case 'RunAbandoned':
      return { status: 'abandoned', reason: event.data.reason };
    case 'DeploymentStarted':
      return state.status === 'awaiting' && state.plan ? { status: 'executing', plan: state.plan } : state;
    case 'WaveStarted':
    case 'TargetDeployed':
    case 'WaveCompleted':
      return state;
    case 'DeploymentExecuted':
      return state.status === 'executing' ? { status: 'executed', plan: state.plan } : state;
    default: {
      const unknown: never = event;
      return unknown;
    }
  }
}

export function decide(command: RunCommand, state: DeploymentRun): readonly RunEvent[] | Refused<RunRefusal> {
  switch (command.type) {
    case 'PrepareRun':
      if (state.status !== 'awaiting' || state.plan) return [];
      return [{ type: 'RunPrepared', data: { deploymentId: command.plan.deploymentId, plan: command.plan } }];
    case 'ConfirmReadiness':
      if (state.status !== 'awaiting' || state.confirmed.includes(command.readiness)) return [];
      return [{ type: 'ReadinessConfirmed', data: { deploymentId: command.deploymentId, readiness: command.readiness } }];
    case 'AbandonRun':
      if (state.status !== 'awaiting') return [];
      return [{ type: 'RunAbandoned', data: { deploymentId: command.deploymentId, reason: command.reason } }];
    case 'RecordExecution': {
      if (!isReady(state)) return refuse({ code: 'RunNotReady', deploymentId: command.deploymentId, status: state.status });
      const { deploymentId } = command;
      const components = state.plan.components.map((c) => ({ name: c.name, version: c.version }));
      const events: RunEvent[] = [{ type: 'DeploymentStarted', data: { deploymentId, startedAt: command.startedAt } }];
      for (const wave of state.plan.waves) {
        events.push({ type: 'WaveStarted', data: { deploymentId, wave: wave.index, targets: wave.targets } });
        for (const result of command.results.filter((r) => r.wave === wave.index)) {
          events.push({ type: 'TargetDeployed', data: { deploymentId, wave: wave.index, target: result.target, components } });
        }
        events.push({ type: 'WaveCompleted', data: { deploymentId, wave: wave.index } });
      }
      events.push({ type: 'DeploymentExecuted', data: { deploymentId, executedAt: command.executedAt, targets: command.results.length } });
      return events;
    }
  }
}

export const deploymentRunDecider: Decider<RunCommand, RunEvent, DeploymentRun, RunRefusal> = { decide, evolve, initialState };
