import { Module, type DynamicModule } from '@nestjs/common';
import type { EventStore } from '@gantry/event-store';
import { serviceModule, type HostOptions, type ServiceRuntime, type Slice } from '@gantry/platform';
import { apiKeysSlice } from './api-keys';
import { communicationsSlice, noticeChannelPolicyFromEnv, type NoticeChannelPolicy } from './communications';
import type { DeliveryOptions } from './deliveries';
import { deploymentRecordsSlice } from './deployment-records';
import { findingsSlice } from './findings';
import { incidentsSlice } from './incidents';
import { kpisSlice } from './kpis';
import { checkpointDeliveryPolicyFromEnv, LedgerLog, ledgerLogPolicyFromEnv, ledgerSlice, type CheckpointDeliveryOptions, type CheckpointDeliveryPolicy, type LedgerLogPolicy } from './ledger';
import { recordingSlice } from './recording';
import { satisfactionSlice } from './satisfaction';
import { sourcesSlice } from './sources';
import { deliveryPolicyFromEnv, subscriptionsSlice, type DeliveryPolicy } from './subscriptions';

export interface RecordsOptions extends HostOptions {
  /** the ledger's origin, key and checkpoints; default: from the environment (GANTRY_LEDGER_*) */
  ledger?: LedgerLogPolicy;
  /** where checkpoints are delivered besides the topic; default: from the environment (GANTRY_LEDGER_CHECKPOINT_DIR, _URL) */
  checkpointDelivery?: CheckpointDeliveryPolicy & CheckpointDeliveryOptions;
  /** where notices may be POSTed and with which secrets; default: from the environment (GANTRY_WEBHOOK_ALLOWED_HOSTS, GANTRY_NOTICE_SECRET_*) */
  noticeChannels?: NoticeChannelPolicy & DeliveryOptions;
  /** where and how webhook subscriptions are delivered; default: from the environment (GANTRY_WEBHOOK_*) */
  subscriptions?: DeliveryPolicy;
}

/** The ledger first: every projection is derived from it alone (its tables are migrated in this order). */
export const recordsSlices = (store: EventStore, runtime: ServiceRuntime, options: RecordsOptions = {}): Slice[] => {
  const log = new LedgerLog(store.schema, options.ledger ?? ledgerLogPolicyFromEnv(runtime.config.env, runtime.config), store);
  const delivery = options.checkpointDelivery ?? checkpointDeliveryPolicyFromEnv(runtime.config.env);
  const notices: NoticeChannelPolicy & DeliveryOptions = options.noticeChannels ?? noticeChannelPolicyFromEnv(runtime.config.env);
  const subscriptions = options.subscriptions ?? deliveryPolicyFromEnv(runtime.config.env);
  return [
    ledgerSlice(log, runtime, delivery),
    deploymentRecordsSlice,
    communicationsSlice(store, runtime, notices, notices),
    incidentsSlice,
    findingsSlice,
    satisfactionSlice,
    subscriptionsSlice(store, runtime, subscriptions),
    recordingSlice(store, log),
    kpisSlice,
    apiKeysSlice,
    sourcesSlice,
  ];
};

/** Records: the verifiable ledger, deployment records, audit queries, findings, satisfaction, KPIs and feedback (step 8). */
@Module({})
export class RecordsModule {
  static register(runtime: ServiceRuntime, { ledger, checkpointDelivery, noticeChannels, subscriptions, ...host }: RecordsOptions = {}): DynamicModule {
    return serviceModule(RecordsModule, 'records', runtime, (store) => recordsSlices(store, runtime, { ledger, checkpointDelivery, noticeChannels, subscriptions }), host);
  }
}
