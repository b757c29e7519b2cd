import { Module, type DynamicModule } from '@nestjs/common';
import { EventStore } from '@gantry/event-store';
import { ServiceHost, type ServiceRuntime } from '@gantry/platform';
import { ApiKeysController } from './api-keys';
import { AuditController, AuditGrpc, AuditQueries } from './deployment-records';
import { AuditFindingsController } from './findings';
import { KpisController } from './kpis';
import { LedgerController, LedgerGrpc } from './ledger';
import { LedgerWriter, ProjectionsController, recordsMigrations } from './recording';
import { SatisfactionController } from './satisfaction';

/** Records: the verifiable ledger, deployment records, audit queries, findings, satisfaction, KPIs and feedback (step 8). */
@Module({})
export class RecordsModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    const store = ServiceHost.storeFor('records', runtime);
    const writer = new LedgerWriter(store);
    return {
      module: RecordsModule,
      controllers: [ApiKeysController, AuditController, AuditGrpc, AuditFindingsController, LedgerController, LedgerGrpc, KpisController, SatisfactionController, ProjectionsController],
      providers: [
        { provide: EventStore, useValue: store },
        { provide: ServiceHost, useValue: new ServiceHost('records', runtime, store, recordsMigrations, () => [writer.consumer()]) },
        AuditQueries,
      ],
    };
  }
}
