import { Module, type DynamicModule } from '@nestjs/common';
import { EventStore } from '@gantry/event-store';
import { ServiceHost, type ConsumerSpec, type ServiceRuntime } from '@gantry/platform';
import { itsmChangesConsumer } from './change-enablement';
import { closedDeploymentsReleaseTheirWindows, Deployments, DeploymentsController, DeploymentsGrpc } from './deployments';
import { Environments, EnvironmentsController } from './environments';
import { deploymentModelsConsumer, deploymentProgressConsumer, deploymentProgressMigrations, planningReadModelMigrations, startedDeploymentsConsumer, succeededVersionsConsumer } from './read-models';
import { Schedule, ScheduleController, scheduleMigrations } from './schedule';

/** What planning learns from other services' topics and from change enablement. */
export const planningConsumers = (store: EventStore, deployments: Deployments): ConsumerSpec[] => [
  deploymentModelsConsumer(store),
  succeededVersionsConsumer(store),
  closedDeploymentsReleaseTheirWindows(deployments),
  startedDeploymentsConsumer(store),
  deploymentProgressConsumer(store),
  itsmChangesConsumer(deployments),
];

/** Planning: turns an authorised change into a deployment plan, or refuses it with a reason (domain.md, steps 1–2). */
@Module({})
export class PlanningModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    const store = ServiceHost.storeFor('planning', runtime);
    const deployments = new Deployments(store);
    return {
      module: PlanningModule,
      controllers: [DeploymentsController, DeploymentsGrpc, EnvironmentsController, ScheduleController],
      providers: [
        { provide: EventStore, useValue: store },
        {
          provide: ServiceHost,
          useValue: new ServiceHost('planning', runtime, store, [...planningReadModelMigrations, ...scheduleMigrations, ...deploymentProgressMigrations], () => planningConsumers(store, deployments)),
        },
        { provide: Deployments, useValue: deployments },
        Environments,
        Schedule,
      ],
    };
  }
}
