import { Module, type DynamicModule } from '@nestjs/common';
import type { EventStore } from '@gantry/event-store';
import { serviceModule, type ServiceRuntime, type Slice } from '@gantry/platform';
import { apiKeysSlice } from './api-keys';
import { deploymentRecordsSlice } from './deployment-records';
import { findingsSlice } from './findings';
import { incidentsSlice } from './incidents';
import { kpisSlice } from './kpis';
import { LedgerLog, ledgerLogPolicyFromEnv, ledgerSlice, type LedgerLogPolicy } from './ledger';
import { recordingSlice } from './recording';
import { satisfactionSlice } from './satisfaction';
import { sourcesSlice } from './sources';

export interface RecordsOptions {
  /** the ledger's origin, key and checkpoints; default: from the environment (GANTRY_LEDGER_*) */
  ledger?: LedgerLogPolicy;
}

/** The ledger first: every projection is derived from it alone (its tables are migrated in this order). */
export const recordsSlices = (store: EventStore, runtime: ServiceRuntime, options: RecordsOptions = {}): Slice[] => {
  const log = new LedgerLog(store.schema, options.ledger ?? ledgerLogPolicyFromEnv(process.env, runtime.config));
  return [ledgerSlice(log, runtime), deploymentRecordsSlice, incidentsSlice, findingsSlice, satisfactionSlice, recordingSlice(store, log), kpisSlice, apiKeysSlice, sourcesSlice];
};

/** Records: the verifiable ledger, deployment records, audit queries, findings, satisfaction, KPIs and feedback (step 8). */
@Module({})
export class RecordsModule {
  static register(runtime: ServiceRuntime, options: RecordsOptions = {}): DynamicModule {
    return serviceModule(RecordsModule, 'records', runtime, (store) => recordsSlices(store, runtime, options));
  }
}
