import { Module, type DynamicModule } from '@nestjs/common';
import { EventStore } from '@gantry/event-store';
import { ServiceHost, type ServiceRuntime } from '@gantry/platform';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { AuditController } from './deployment-records/audit.controller';
import { AuditQueries } from './deployment-records/audit-queries';
import { AuditFindingsController } from './findings/audit-findings.controller';
import { AuditGrpc } from './grpc/audit.grpc';
import { KpisController } from './kpis/kpis.controller';
import { LedgerController } from './ledger/ledger.controller';
import { LedgerWriter } from './ledger/ledger-writer';
import { recordsMigrations } from './projections/projections';
import { ProjectionsController } from './projections/projections.controller';
import { SatisfactionController } from './satisfaction/satisfaction.controller';

/** Records: the verifiable ledger, deployment records, audit queries, findings, satisfaction, KPIs and feedback (step 8). */
@Module({})
export class RecordsModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    const store = ServiceHost.storeFor('records', runtime);
    const writer = new LedgerWriter(store);
    return {
      module: RecordsModule,
      controllers: [ApiKeysController, AuditController, AuditGrpc, AuditFindingsController, LedgerController, KpisController, SatisfactionController, ProjectionsController],
      providers: [
        { provide: EventStore, useValue: store },
        { provide: ServiceHost, useValue: new ServiceHost('records', runtime, store, recordsMigrations, () => [writer.consumer()]) },
        AuditQueries,
      ],
    };
  }
}
