import { Module, type DynamicModule } from '@nestjs/common';
import { EventStore } from '@gantry/event-store';
import { ServiceHost, type ServiceRuntime } from '@gantry/platform';
import { Deployments } from './deployments/deployments';
import { DeploymentsController } from './deployments/deployments.controller';
import { DeploymentsGrpc } from './deployments/deployments.grpc';

/** Planning: turns an authorised change into a deployment plan (domain.md, steps 1–2). */
@Module({})
export class PlanningModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    const store = ServiceHost.storeFor('planning', runtime);
    return {
      module: PlanningModule,
      controllers: [DeploymentsController, DeploymentsGrpc],
      providers: [
        { provide: EventStore, useValue: store },
        { provide: ServiceHost, useValue: new ServiceHost('planning', runtime, store, [], () => []) },
        Deployments,
      ],
    };
  }
}
