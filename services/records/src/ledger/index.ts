export { appendToLedger, readDeploymentEntries } from './ledger';
export { ledgerMigrations } from './ledger';
export type { LedgerEntry } from './ledger-entry';
export { ledgerPages } from './ledger-export';
export { integrityOf, type LedgerIntegrity } from './ledger-integrity';
export { LedgerLog, ledgerLogPolicyFromEnv, type LedgerLogPolicy } from './ledger-log';
export { ledgerSlice } from './ledger.slice';
