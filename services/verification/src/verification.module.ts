import { Module, type DynamicModule } from '@nestjs/common';
import { EventStore } from '@gantry/event-store';
import { ServiceHost, type ServiceRuntime } from '@gantry/platform';
import { VerificationTriggers } from './deployment-verifications/verification-triggers';
import { VerificationsController } from './deployment-verifications/verifications.controller';

/** Verification: components against the authorised repository, the target environment, the result (steps 3, 4, 7). */
@Module({})
export class VerificationModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    const store = ServiceHost.storeFor('verification', runtime);
    const triggers = new VerificationTriggers(store);
    return {
      module: VerificationModule,
      controllers: [VerificationsController],
      providers: [
        { provide: EventStore, useValue: store },
        { provide: ServiceHost, useValue: new ServiceHost('verification', runtime, store, [], () => [triggers.consumer()]) },
      ],
    };
  }
}
