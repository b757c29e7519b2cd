import { Module, type DynamicModule } from '@nestjs/common';
import { serviceModule, type HostOptions, type ServiceRuntime } from '@gantry/platform';
import { agentsSlice, AgentSteps } from './agents';
import type { ExecutorConfig } from './executors';
import { ExecutorDirectory, executorsFromEnv, executorsSlice, type ExecutorsConfig } from './executors';
import { PhysicalDeployments, physicalSlice } from './physical';
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
        const runs = new RunCommands(store);
        const agentSteps: AgentSteps = new AgentSteps(runs, {
          // a result an agent reported is recorded: the driver moves the run on
          recorded: (deploymentId) => driver.kick(deploymentId),
          leaseMs: (environment) => {
            const executor: ExecutorConfig = executors.configFor(environment);
            return (executor.type === 'pull' ? (executor.leaseSeconds ?? 30) : 30) * 1000;
          },
        });
        const executors: ExecutorDirectory = new ExecutorDirectory(config ?? executorsFromEnv(runtime.config.env), runtime.clock, agentSteps);
        const driver = new RunDriver(runs, executors, runtime.clock);
        const suppliers = new Suppliers(store);
        const physical = new PhysicalDeployments(store, runs, driver, suppliers);
        return [runsSlice(runs, driver, runtime.config.identityCase, suppliers, physical.addenda), executorsSlice(executors), suppliersSlice(suppliers), physicalSlice(physical), agentsSlice(agentSteps)];
      },
      options,
    );
  }
}
