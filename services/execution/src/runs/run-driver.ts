import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { continueTrace, currentTraceparent } from '@gantry/observability';
import { actingOnItsOwn, momentOf, type Clock } from '@gantry/platform';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { componentsToInstall, planOf } from './deployment-run.state';
import { TransientExecutorError, type ExecutorAnswer, type Executors, type StepRequest } from './executor';
import { RunCommands } from './run-commands';
import { attemptOf, idempotencyKey, nextStep, stepName } from './run-steps';

/** one sweep in this many drives every run changed since it was last driven (with the default 500 ms: every 15 s) */
const FULL_SWEEP_EVERY = 30;

/**
 * The process manager of runs. For a run it records what follows from the facts and the time (AdvanceRun), asks the
 * executor for the next step with the step's idempotency key, and records the answer; again, until the run waits
 * for something (its window, a verdict, a person, a callback) or ended.
 *
 * Crash safety: the next step is a function of the recorded events alone. A step whose result is recorded is never
 * asked again; a step in flight when the process died is asked again after the restart with the same key, so the
 * executor performs it once. Every `sweepMs` the runs with an executor step to ask are driven, and at start and every
 * FULL_SWEEP_EVERY sweeps every run a command changed since a drive last finished (`active_runs.changes`): a kick lost
 * in a crash, or a drive that failed. A run waiting for its window, a verdict or a person costs the sweeps nothing: its
 * window's timers and the commands that end its wait kick it.
 *
 * Replicas: one replica at a time drives a run, under a lease in `active_runs` (RunCommands.claim) that it renews while
 * it drives; a kick that finds another replica's lease leaves that replica a drive owed, and a replica that dies
 * leaves a lease that lapses after `leaseMs`, when another replica's sweep takes the run over.
 */
export class RunDriver implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RunDriver');
  private readonly driving = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();
  private timer?: NodeJS.Timeout;
  private stopped = false;
  /** this replica, as the leases name it */
  private readonly id: string;

  constructor(
    private readonly runs: RunCommands,
    private readonly executors: Executors,
    /** the process's clock: the driver is a door of its own, each command it gives is a moment of it */
    private readonly clock: Clock,
  ) {
    this.id = `${hostname()}:${process.pid}:${clock.newId()}`;
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }

  start(): void {
    this.stopped = false;
    let sweeps = 0;
    const sweep = () => {
      if (this.stopped) return;
      // every FULL_SWEEP_EVERY-th sweep, the first included, drives the runs changed since they were last driven (one
      // may have missed its kick: in a crash, or a drive that failed); the others those with an executor step to ask
      const full = sweeps++ % FULL_SWEEP_EVERY === 0;
      this.runs.activeRuns(undefined, full ? { undriven: true, unleased: true } : { stepPending: true, unleased: true }).then(
        (active) => active.forEach(({ deploymentId, traceparent }) => this.drives(deploymentId, traceparent, { owe: false })),
        (error) => this.logger.warn(`sweep failed: ${(error as Error).message}`),
      ).finally(() => {
        if (!this.stopped) this.timer = setTimeout(sweep, this.executors.config.sweepMs).unref();
      });
    };
    sweep();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.allSettled([...this.driving.values()]);
  }

  /**
   * Drives a run now (or right after the drive under way). Never rejects. The drive continues `traceparent`: by default
   * the trace under way where it is kicked (the request or message that changed the run); where none is (a sweep, a
   * drive owed after another), the trace of the run's latest command that had one.
   */
  kick(deploymentId: string, traceparent: string | undefined = currentTraceparent()): void {
    this.drives(deploymentId, traceparent, { owe: true });
  }

  /**
   * `traceparent` undefined: the trace of the run's latest command that had one. `owe`: a kick (something changed the
   * run), which the replica driving it owes a drive; a sweep's is not.
   */
  private drives(deploymentId: string, traceparent: string | undefined, { owe }: { owe: boolean }): void {
    if (this.stopped) return;
    if (this.driving.has(deploymentId)) {
      this.again.add(deploymentId);
      return;
    }
    const run = (async () => {
      const trace = traceparent ?? (await this.runs.traceOf(deploymentId));
      await continueTrace('drive run', trace, { 'gantry.deployment.id': deploymentId }, () => this.drive(deploymentId, owe));
    })()
      .catch((error) => this.logger.warn(`run ${deploymentId}: ${(error as Error).message}`))
      .finally(() => {
        this.driving.delete(deploymentId);
        if (this.again.delete(deploymentId)) this.drives(deploymentId, undefined, { owe: false });
      });
    this.driving.set(deploymentId, run);
  }

  /**
   * Drives a run under this replica's lease: claimed first, renewed after each step and while an executor is asked,
   * let go at the end (and driven again when a kick was owed meanwhile). A lease lost (it lapsed and another replica
   * took the run) ends the drive.
   */
  private async drive(deploymentId: string, owe: boolean): Promise<void> {
    const { leaseMs } = this.executors.config;
    let claim = await this.runs.claim(deploymentId, this.id, leaseMs, { owe });
    if (claim.status !== 'driving') return;
    /** the run waits (for its window, a verdict, a person, a callback) or ended: this drive has seen it through */
    let waits = false;
    try {
      const metadata = actingOnItsOwn('execution', deploymentId);
      while (!this.stopped && claim.status === 'driving') {
        const advancing = momentOf(this.clock);
        const { state } = await this.runs.execute(deploymentId, { type: 'AdvanceRun', deploymentId, now: advancing.now.toISOString() }, { ...advancing, metadata });
        const step = nextStep(state);
        const plan = planOf(state);
        if (!step || !plan || state.status === 'unplanned' || state.status === 'ended') {
          waits = true;
          break;
        }
        const attempt = attemptOf(state, step);
        const key = idempotencyKey(deploymentId, step, attempt);
        if (key === claim.awaitingCallback) {
          waits = true;
          break;
        }
        const renewing = setInterval(() => this.runs.claim(deploymentId, this.id, leaseMs).catch(() => undefined), leaseMs / 3).unref();
        const answer = await this.ask(plan.environment, { deploymentId, plan, step, idempotencyKey: key, attempt, components: componentsToInstall(state) }).finally(() => clearInterval(renewing));
        if (answer.status === 'pending') {
          await this.runs.awaitCallback(deploymentId, key);
          waits = true;
          break;
        }
        const answered = momentOf(this.clock);
        await this.runs.execute(deploymentId, { type: 'RecordStepOutcome', deploymentId, step, outcome: answer, now: answered.now.toISOString() }, { ...answered, metadata });
        claim = await this.runs.claim(deploymentId, this.id, leaseMs);
      }
    } finally {
      const drove = waits && claim.status === 'driving' ? claim.changes : undefined;
      if (await this.runs.release(deploymentId, this.id, { keepOwed: !this.stopped, drove })) this.again.add(deploymentId);
    }
  }

  /** Transient errors are asked again with the same key, with backoff, a bounded number of times. */
  private async ask(environment: string, request: StepRequest): Promise<ExecutorAnswer> {
    const { retries, retryBackoffMs } = this.executors.config;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.executors.executorFor(environment).perform(request);
      } catch (error) {
        if (!(error instanceof TransientExecutorError)) throw error;
        if (attempt >= retries) return { status: 'failed', reason: 'ExecutorUnavailable', detail: error.message };
        this.logger.warn(`${stepName(request.step)} of ${request.deploymentId}: ${error.message}; asking again`);
        await delay(retryBackoffMs * 2 ** attempt);
      }
    }
  }
}
