export { appendToLedger, readDeploymentEntries } from './ledger';
export { ledgerMigrations } from './ledger';
export type { LedgerEntry } from './ledger-entry';
export type { CheckpointDeliveryOptions } from './checkpoint-deliveries';
export { checkpointDeliveryPolicyFromEnv, type CheckpointDeliveryPolicy } from './checkpoint-destinations';
export { checkpointForReport } from './ledger-checkpoints';
export { ledgerPages } from './ledger-export';
export { LedgerLog, ledgerLogPolicyFromEnv, type LedgerLogPolicy } from './ledger-log';
export { ledgerSlice } from './ledger.slice';
