export { appendToLedger, ledgerMigrations, readDeploymentEntries, type LedgerEntry } from './ledger';
export { exportRecord, ledgerPages, writeWhenDrained } from './ledger-export';
export { parseDigest, verifyDigest, verifyLedger, type LedgerVerification } from './ledger-verification';
export { LedgerController } from './ledger.controller';
