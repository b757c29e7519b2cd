import { Module, type DynamicModule } from '@nestjs/common';
import { serviceModule, type HostOptions, type ServiceRuntime } from '@gantry/platform';
import { ExecutorDirectory, executorsFromEnv, executorsSlice, type ExecutorsConfig } from './executors';
import { RunCommands, RunDriver, runsSlice } from './runs';
import { Suppliers, suppliersSlice } from './suppliers';

export interface ExecutionOptions extends HostOptions {
  /** default: from the environment (GANTRY_EXECUTORS, GANTRY_WEBHOOK_ALLOWED_HOSTS, GANTRY_RUN_SWEEP_MS) */
  executors?: ExecutorsConfig;
}

/** Execution: gates, strategies and executors move the components into the environment (steps 5–6). */
@Module({})
export class ExecutionModule {
  static register(runtime: ServiceRuntime, { executors: config, ...options }: ExecutionOptions = {}): DynamicModule {
    return serviceModule(
      ExecutionModule,
      'execution',
      runtime,
      (store) => {
        const executors = new ExecutorDirectory(config ?? executorsFromEnv(runtime.config.env), runtime.clock);
        const runs = new RunCommands(store);
        const suppliers = new Suppliers(store);
        return [runsSlice(runs, new RunDriver(runs, executors, runtime.clock), runtime.config.identityCase, suppliers), executorsSlice(executors), suppliersSlice(suppliers)];
      },
      options,
    );
  }
}
