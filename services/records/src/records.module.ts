import { Module, type DynamicModule } from '@nestjs/common';
import type { EventStore } from '@gantry/event-store';
import { serviceModule, type ServiceRuntime, type Slice } from '@gantry/platform';
import { apiKeysSlice } from './api-keys';
import { deploymentRecordsSlice } from './deployment-records';
import { findingsSlice } from './findings';
import { incidentsSlice } from './incidents';
import { kpisSlice } from './kpis';
import { ledgerSlice } from './ledger';
import { recordingSlice } from './recording';
import { satisfactionSlice } from './satisfaction';

/** The ledger first: every projection is derived from it alone (its tables are migrated in this order). */
export const recordsSlices = (store: EventStore): Slice[] => [
  ledgerSlice,
  deploymentRecordsSlice,
  incidentsSlice,
  findingsSlice,
  satisfactionSlice,
  recordingSlice(store),
  kpisSlice,
  apiKeysSlice,
];

/** Records: the verifiable ledger, deployment records, audit queries, findings, satisfaction, KPIs and feedback (step 8). */
@Module({})
export class RecordsModule {
  static register(runtime: ServiceRuntime): DynamicModule {
    return serviceModule(RecordsModule, 'records', runtime, recordsSlices);
  }
}
