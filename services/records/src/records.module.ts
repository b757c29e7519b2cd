import { Module, type DynamicModule } from '@nestjs/common';
import { EventStore } from '@gantry/event-store';
import { ServiceHost, type ServiceRuntime } from '@gantry/platform';
import { AuditController } from './deployment-records/audit.controller';
import { deploymentRecordsMigrations } from './deployment-records/deployment-records.projection';
import { ledgerMigrations } from './ledger/ledger';
import { LedgerController } from './ledger/ledger.controller';
import { LedgerWriter } from './ledger/ledger-writer';

/** Records: the verifiable ledger, deployment records, audit queries and (later) KPIs and feedback (step 8). */
@Module({})
export class RecordsModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    const store = ServiceHost.storeFor('records', runtime);
    const writer = new LedgerWriter(store);
    return {
      module: RecordsModule,
      controllers: [AuditController, LedgerController],
      providers: [
        { provide: EventStore, useValue: store },
        { provide: ServiceHost, useValue: new ServiceHost('records', runtime, store, [...ledgerMigrations, ...deploymentRecordsMigrations], () => [writer.consumer()]) },
      ],
    };
  }
}
