export { appendToLedger, readDeploymentEntries, type LedgerEntry } from './ledger';
export { ledgerPages } from './ledger-export';
export { ledgerSlice } from './ledger.slice';
