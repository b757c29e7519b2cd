export { appendToLedger, ledgerMigrations, readDeploymentEntries, type LedgerEntry } from './ledger';
export { ledgerPages } from './ledger-export';
export { LedgerController } from './ledger.controller';
export { LedgerGrpc } from './ledger.grpc';
