import { Module, type DynamicModule } from '@nestjs/common';
import { EventStore } from '@gantry/event-store';
import { ServiceHost, type ConsumerSpec, type ServiceRuntime } from '@gantry/platform';
import { itsmChangesConsumer } from './change-enablement/itsm-changes.consumer';
import { Deployments } from './deployments/deployments';
import { DeploymentsController } from './deployments/deployments.controller';
import { DeploymentsGrpc } from './deployments/deployments.grpc';
import { Environments } from './environments/environments';
import { EnvironmentsController } from './environments/environments.controller';
import { closedDeploymentsReleaseTheirWindows } from './schedule/closed-deployments.consumer';
import { deploymentModelsConsumer, planningReadModelMigrations, startedDeploymentsConsumer, succeededVersionsConsumer } from './read-models/planning-read-models';
import { deploymentProgressConsumer, deploymentProgressMigrations } from './read-models/deployment-progress';
import { scheduleMigrations } from './schedule/reservations';
import { Schedule } from './schedule/schedule';
import { ScheduleController } from './schedule/schedule.controller';

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
