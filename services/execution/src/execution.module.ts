import { Module, type DynamicModule } from '@nestjs/common';
import { EventStore } from '@gantry/event-store';
import { ServiceHost, type ServiceRuntime } from '@gantry/platform';
import { ExecutorDirectory, executorsFromEnv, WebhookCallbacksController, type ExecutorsConfig } from './executors';
import { RunCommands, RunDriver, runMigrations, Runs, RunsController, RunsGrpc, runTriggers, systemMetadata, WINDOW_TIMER } from './runs';

export interface ExecutionOptions {
  /** default: from the environment (GANTRY_EXECUTORS, GANTRY_WEBHOOK_ALLOWED_HOSTS, GANTRY_RUN_SWEEP_MS) */
  executors?: ExecutorsConfig;
  /** where a new consumer group starts on planning's and verification's topics; default true (tests beside others: false) */
  consumeFromBeginning?: boolean;
}

/** Execution: gates, strategies and executors move the components into the environment (steps 5–6). */
@Module({})
export class ExecutionModule {
  static register(runtime: ServiceRuntime, options: ExecutionOptions = {}): DynamicModule {
    const store = ServiceHost.storeFor('execution', runtime);
    const executors = new ExecutorDirectory(options.executors ?? executorsFromEnv(process.env), runtime.clock);
    const runs = new RunCommands(store);
    const driver = new RunDriver(runs, executors, runtime.clock);
    return {
      module: ExecutionModule,
      controllers: [RunsController, RunsGrpc, WebhookCallbacksController],
      providers: [
        { provide: EventStore, useValue: store },
        {
          provide: ServiceHost,
          useValue: new ServiceHost('execution', runtime, store, runMigrations, () => [{ ...runTriggers(runs, driver), fromBeginning: options.consumeFromBeginning ?? true }], () => ({
            // the window opened or closed: record what follows at that time (start, adherence missed), then drive the run
            [WINDOW_TIMER]: async ({ payload }, moment) => {
              const { deploymentId } = payload as { deploymentId: string };
              await runs.execute(deploymentId, { type: 'AdvanceRun', deploymentId, now: moment.now.toISOString() }, { ...moment, metadata: systemMetadata(deploymentId) });
              driver.kick(deploymentId);
            },
          })),
        },
        { provide: RunCommands, useValue: runs },
        { provide: RunDriver, useValue: driver },
        { provide: ExecutorDirectory, useValue: executors },
        { provide: Runs, useValue: new Runs(runs, driver) },
      ],
    };
  }
}
