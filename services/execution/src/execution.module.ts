import { Module, type DynamicModule } from '@nestjs/common';
import { EventStore } from '@gantry/event-store';
import { ServiceHost, type ServiceRuntime } from '@gantry/platform';
import { RunTriggers } from './runs/run-triggers';
import { RunsController } from './runs/runs.controller';
import { SimulatedExecutor } from './runs/simulated-executor';

/** Execution: gates, strategies and executors move the components into the environment (steps 5–6). */
@Module({})
export class ExecutionModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    const store = ServiceHost.storeFor('execution', runtime);
    const triggers = new RunTriggers(store, new SimulatedExecutor());
    return {
      module: ExecutionModule,
      controllers: [RunsController],
      providers: [
        { provide: EventStore, useValue: store },
        { provide: ServiceHost, useValue: new ServiceHost('execution', runtime, store, [], () => [triggers.consumer()]) },
      ],
    };
  }
}
