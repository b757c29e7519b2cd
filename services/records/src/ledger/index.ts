export { appendToLedger, readDeploymentEntries } from './ledger';
export type { LedgerEntry } from './ledger-entry';
export { ledgerPages } from './ledger-export';
export { ledgerSlice } from './ledger.slice';
