import type { IdentityCase } from '@gantry/decider';
import { actingOnItsOwn, type Slice } from '@gantry/platform';
import type { Suppliers } from '../suppliers';
import { RunCommands, runMigrations, WINDOW_TIMER } from './run-commands';
import { RunDriver } from './run-driver';
import { runTriggers } from './run-triggers';
import { Runs, type RunAddenda } from './runs';
import { RunsController } from './runs.controller';
import { RunsGrpc } from './runs.grpc';

/** A deployment's run: prepared from its plan, started in its window, driven wave by wave behind its gates. */
export const runsSlice = (runs: RunCommands, driver: RunDriver, identityCase: IdentityCase, suppliers: Suppliers, addenda: RunAddenda): Slice => ({
  name: 'runs',
  migrations: runMigrations,
  doors: [RunsController, RunsGrpc],
  provides: [
    { provide: RunCommands, useValue: runs },
    { provide: RunDriver, useValue: driver },
    { provide: Runs, useValue: new Runs(runs, driver, identityCase, suppliers, addenda) },
  ],
  reactions: [runTriggers(runs, driver)],
  timers: {
    // the window opened or closed: record what follows at that time (start, adherence missed), then drive the run
    [WINDOW_TIMER]: async ({ payload }, moment) => {
      const { deploymentId } = payload as { deploymentId: string };
      await runs.execute(deploymentId, { type: 'AdvanceRun', deploymentId, now: moment.now.toISOString() }, { ...moment, metadata: actingOnItsOwn('execution', deploymentId) });
      driver.kick(deploymentId);
    },
  },
});
