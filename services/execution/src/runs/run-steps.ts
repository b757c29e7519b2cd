import type { BlueGreenSide } from '@gantry/contracts';
import { includesTarget, otherSide, type DeploymentRun } from './deployment-run.state';

/**
 * A step: one unit of work an executor performs for a run. `deploy`/`remove` move a target forward, `undo` reverts a
 * target in a rollback, `switch-traffic` and `retire` are blue-green's, `backup`/`restore` the snapshot of the state
 * before the first wave.
 */
export type RunStep =
  | { kind: 'backup' }
  | { kind: 'deploy' | 'remove' | 'undo'; wave: number; target: string }
  | { kind: 'switch-traffic'; from: BlueGreenSide; to: BlueGreenSide }
  | { kind: 'retire'; side: BlueGreenSide }
  | { kind: 'restore'; snapshotRef: string };

/** What a step acts on, for its idempotency key: a target, a traffic direction, a side, or the run itself. */
export const stepSubject = (step: RunStep): string => {
  switch (step.kind) {
    case 'deploy':
    case 'remove':
    case 'undo':
      return step.target;
    case 'switch-traffic':
      return `traffic-to-${step.to}`;
    case 'retire':
      return `side-${step.side}`;
    case 'backup':
    case 'restore':
      return 'run';
  }
};

/** The step's identity within the run, without the attempt. */
export const stepName = (step: RunStep): string => `${stepSubject(step)}:${step.kind}`;

export const sameStep = (a: RunStep, b: RunStep): boolean => stepName(a) === stepName(b);

/** The wave a step belongs to (0: the run as a whole). */
export const waveOf = (step: RunStep): number => ('wave' in step ? step.wave : 0);

/**
 * The idempotency key every executor call carries: (deployment, target, step, attempt). A step asked again after a
 * crash carries the same key, so the executor performs it once.
 */
export const idempotencyKey = (deploymentId: string, step: RunStep, attempt: number): string => `${deploymentId}:${stepSubject(step)}:${step.kind}:${attempt}`;

/** 1 + the failed attempts recorded for the step (only a retirement is ever tried again). */
export const attemptOf = (run: DeploymentRun, step: RunStep): number =>
  1 + (run.status === 'executed' && step.kind === 'retire' ? (run.failedAttempts.retire ?? 0) : 0);

/**
 * The executor step the run needs next, or none: waiting for readiness, the window, a verdict, a person, or ended.
 * A pure function of the recorded events, so a restarted driver asks for exactly the step it was doing.
 */
export function nextStep(run: DeploymentRun): RunStep | undefined {
  switch (run.status) {
    case 'unplanned':
    case 'waiting':
    case 'ended':
      return undefined;
    case 'running': {
      if (run.pause || run.awaiting || run.manual.length > 0) return undefined;
      if (run.plan.backupRequired && run.backup === undefined && !run.wave) return { kind: 'backup' };
      if (run.wave && !run.wave.completed) {
        const wave = run.plan.waves.find((w) => w.index === run.wave!.index);
        const target = wave?.targets.find((t) => !includesTarget(run.done, { wave: wave.index, target: t }));
        if (wave && target) return { kind: run.plan.kind === 'removal' ? 'remove' : 'deploy', wave: wave.index, target };
        return undefined;
      }
      const lastWave = run.plan.waves[run.plan.waves.length - 1];
      const allWavesDone = run.wave?.completed && run.wave.index === lastWave?.index;
      if (run.plan.strategy === 'blue-green' && allWavesDone && run.idleVerified && !run.switched) return { kind: 'switch-traffic', from: run.liveSide, to: otherSide(run.liveSide) };
      return undefined;
    }
    case 'executed':
      if (run.pause?.reason === 'RetireFailed' || run.manual.length > 0 || run.watching) return undefined;
      return run.plan.strategy === 'blue-green' && run.verified ? { kind: 'retire', side: run.liveSide } : undefined;
    case 'rolling-back': {
      if (run.manual.length > 0) return undefined;
      if (run.switched && !run.switchedBack) return { kind: 'switch-traffic', from: otherSide(run.liveSide), to: run.liveSide };
      const toUndo = [...run.done].reverse().find((ref) => !includesTarget(run.undone, ref));
      if (toUndo) return { kind: 'undo', ...toUndo };
      if (run.backup !== undefined && !run.restored) return { kind: 'restore', snapshotRef: run.backup };
      return undefined;
    }
  }
}
